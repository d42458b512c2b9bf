/**
 * Rules a schema cannot say about FIPA messages and conversations (the catalog's anti-patterns and the FIPA
 * specs): correlation ids, deadlines, oversized content, self-addressed messages, protocol names and order.
 */
import { KNOWN_PROTOCOLS, PERFORMATIVES, PROTOCOL_ALIASES, type Performative } from '../../schemas';
import { findProtocol, startProtocol, stepProtocol, type ProtocolState } from '../../schemas/protocolMachine';
import { child, str, type DocNode } from './docTree';
import { didYouMean } from './spelling';
import type { Fix, ServiceDiagnostic, ServiceSettings } from './types';
import { anchorOf } from './docTree';
import type { WorkspaceIndex } from './workspaceIndex';

/** Performatives that ask for an answer, so the answer needs something to point back at. */
const NEEDS_REPLY_WITH = new Set(['request', 'query', 'query_if', 'query_ref', 'cfp']);
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const FIPA_TIME = /^\d{8}T\d{6}(\d{3})?Z?$/;

export interface RuleContext {
  text: string;
  settings: ServiceSettings;
  workspace?: WorkspaceIndex;
  newId: (prefix: string) => string;
  /** Renders a string value for this file's syntax (JSON quotes). */
  quote: (s: string) => string;
}

/** Checks a message file: one message (object) or a conversation (array). */
export function checkMessages(root: DocNode, ctx: RuleContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  const messages = root.type === 'array' ? (root.items ?? []).filter((m) => m.type === 'object') : root.type === 'object' ? [root] : [];
  const isConversation = root.type === 'array';
  const ids = messages.map((m) => str(m, 'conversation_id')).filter((x): x is string => !!x);
  const commonId = mostCommon(ids);
  for (const m of messages) checkOne(m, ctx, out, isConversation ? commonId : undefined);
  if (isConversation) checkConversation(messages, ctx, out);
  return out;
}

function checkOne(m: DocNode, ctx: RuleContext, out: ServiceDiagnostic[], conversationId: string | undefined): void {
  const perfNode = child(m, 'performative');
  const performative = str(m, 'performative');
  const sender = str(m, 'sender');
  if (!child(m, 'conversation_id')) {
    const id = conversationId ?? ctx.newId('conv');
    out.push({
      ...anchorOf(m, ctx.text), severity: 'warning', code: 'missing-conversation-id',
      message: 'Message has no conversation_id: replies and the inspector cannot group it. Add "conversation_id".',
      fixes: [{ title: `Add conversation_id "${id}"`, edits: [insertFirst(m, ctx, 'conversation_id', id)], preferred: true }],
    });
  }
  if (performative && perfNode && NEEDS_REPLY_WITH.has(performative) && !child(m, 'reply_with')) {
    const id = ctx.newId(performative.replace(/_/g, '-'));
    out.push({
      start: perfNode.start, end: perfNode.end, severity: 'warning', code: 'missing-reply-with',
      message: `A ${performative} expects an answer but has no reply_with: the answer's in_reply_to cannot refer to it. Add "reply_with".`,
      fixes: [{ title: `Add reply_with "${id}"`, edits: [insertFirst(m, ctx, 'reply_with', id)], preferred: true }],
    });
  }
  const replyBy = child(m, 'reply_by');
  if (replyBy?.type === 'string' && !isIsoTime(String(replyBy.value))) {
    out.push({ start: replyBy.start, end: replyBy.end, severity: 'error', code: 'bad-reply-by', message: `reply_by ${JSON.stringify(replyBy.value)} is not an ISO 8601 time: write e.g. "2026-01-31T17:00:00Z".` });
  } else if (!replyBy && performative === 'cfp' && perfNode) {
    out.push({ start: perfNode.start, end: perfNode.end, severity: 'warning', code: 'missing-reply-by', message: 'A cfp without reply_by waits for proposals forever: add "reply_by" (ISO 8601) as the deadline.' });
  }
  const content = child(m, 'content');
  if (content && content.end - content.start > ctx.settings.maxContentBytes / 4) {
    const bytes = utf8Length(ctx.text, content.start, content.end);
    if (bytes > ctx.settings.maxContentBytes) {
      out.push({ start: content.start, end: content.start + 1, severity: 'warning', code: 'content-too-large', message: `content is ${formatBytes(bytes)}, over the ${formatBytes(ctx.settings.maxContentBytes)} limit: store it elsewhere and send a reference (e.g. a blackboard key or URL).` });
    }
  }
  const receiverNode = child(m, 'receiver');
  for (const r of receiverNodes(receiverNode)) {
    const name = String(r.value);
    if (sender && name === sender) {
      out.push({ start: r.start, end: r.end, severity: 'warning', code: 'sender-is-receiver', message: `'${name}' sends this message to itself: set receiver to the agent that should act on it.` });
    }
    checkAgentName(r, ctx, out, 'receiver');
  }
  const protocolNode = child(m, 'protocol');
  if (protocolNode?.type === 'string') checkProtocolName(protocolNode, ctx, out);
}

/** Receiver values that name agents (not `broadcast`, not topics). */
export function receiverNodes(receiver: DocNode | undefined): DocNode[] {
  if (!receiver) return [];
  const nodes = receiver.type === 'array' ? receiver.items ?? [] : [receiver];
  return nodes.filter((n) => n.type === 'string' && n.value !== 'broadcast' && !String(n.value).startsWith('topic://') && String(n.value).length > 0);
}

/** Flags an agent name that no manifest declares (only once the workspace knows at least one manifest). */
export function checkAgentName(node: DocNode, ctx: RuleContext, out: ServiceDiagnostic[], role: string): void {
  const ws = ctx.workspace;
  if (!ws || node.type !== 'string' || ws.agentNames().length === 0) return;
  const name = String(node.value);
  // A malformed name already has a schema error (one diagnostic per mistake); `@contract-net:<capability>`
  // picks an agent at run time, so there is no manifest to find.
  if (ws.findAgent(name).length || !/^[A-Za-z_][A-Za-z0-9_.@:-]*$/.test(name)) return;
  const names = ws.agentNames();
  const guess = didYouMean(name, names);
  out.push({
    start: node.start, end: node.end, severity: 'warning', code: 'unknown-agent',
    message: `No agent manifest declares ${role} '${name}'${guess ? `: did you mean '${guess}'?` : `. Known agents: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}; add a ${name}.agent.yaml or fix the name.`}`,
    fixes: guess ? [{ title: `Change '${name}' to '${guess}'`, edits: [{ start: node.start, end: node.end, newText: ctx.quote(guess) }], preferred: true }] : [],
  });
}

function checkProtocolName(node: DocNode, ctx: RuleContext, out: ServiceDiagnostic[]): void {
  const name = String(node.value);
  if (KNOWN_PROTOCOLS.includes(name) || PROTOCOL_ALIASES[name]) return;
  const guess = didYouMean(name, KNOWN_PROTOCOLS);
  if (guess) {
    out.push({
      start: node.start, end: node.end, severity: 'warning', code: 'unknown-protocol',
      message: `Unknown protocol '${name}': did you mean '${guess}'?`,
      fixes: [{ title: `Change '${name}' to '${guess}'`, edits: [{ start: node.start, end: node.end, newText: ctx.quote(guess) }], preferred: true }],
    });
  } else {
    out.push({ start: node.start, end: node.end, severity: 'information', code: 'unknown-protocol', message: `Protocol '${name}' is not one Caxton knows, so its order is not checked. Known: ${KNOWN_PROTOCOLS.join(', ')}.` });
  }
}

/** in_reply_to correlation and protocol order, per conversation_id, in file order. */
function checkConversation(messages: DocNode[], ctx: RuleContext, out: ServiceDiagnostic[]): void {
  const replyWiths = new Map<string, Set<string>>();
  const states = new Map<string, ProtocolState | null>();
  const protocols = conversationProtocols(messages);
  const unknownPairs = new Map<string, Set<string>>();
  for (const m of messages) {
    const conv = str(m, 'conversation_id') ?? '';
    const seen = replyWiths.get(conv) ?? new Set<string>();
    replyWiths.set(conv, seen);
    const irt = child(m, 'in_reply_to');
    if (irt?.type === 'string' && !seen.has(String(irt.value))) {
      const known = [...seen];
      out.push({
        start: irt.start, end: irt.end, severity: 'error', code: 'unmatched-in-reply-to',
        message: `in_reply_to '${String(irt.value)}' matches no earlier reply_with in this conversation${known.length ? ` (earlier: ${known.slice(0, 5).join(', ')})` : ''}: use the reply_with of the message this one answers.`,
      });
    }
    const rw = str(m, 'reply_with');
    if (rw) seen.add(rw);

    const written = str(m, 'performative');
    // Hyphenated spellings mean the same act (they get their own information diagnostic).
    const canonical = written?.replace(/-/g, '_');
    const sender = str(m, 'sender');
    const perfNode = child(m, 'performative');
    if (!canonical || !sender || !perfNode) continue;
    if (!states.has(conv)) {
      const protocol = protocols.get(conv);
      states.set(conv, protocol ? startProtocol(protocol, sender) : null);
    }
    const state = states.get(conv);
    if (!state) continue;
    const receivers = receiverNodes(child(m, 'receiver')).map((n) => String(n.value));
    const lost = unknownPairs.get(conv) ?? new Set<string>();
    unknownPairs.set(conv, lost);
    const pairs = sender === state.initiator ? receivers : [sender];
    if (!PERFORMATIVES.includes(canonical as Performative)) {
      // Not a performative (already a schema error): the pairs it touched are in an unknown state from here on,
      // so later messages between them are not flagged as a cascade of out-of-sequence errors.
      for (const p of pairs) lost.add(p);
      continue;
    }
    if (pairs.some((p) => lost.has(p))) continue;
    const step = stepProtocol(state, { performative: canonical as Performative, sender, receivers });
    states.set(conv, step.state);
    for (const v of step.violations) {
      out.push({ start: perfNode.start, end: perfNode.end, severity: 'error', code: 'out-of-sequence', message: `Out of sequence in ${state.protocol}: ${v.message}.` });
    }
  }
}

/** The protocol each conversation declares (the first message naming a protocol Caxton can check), in one pass. */
function conversationProtocols(messages: DocNode[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of messages) {
    const conv = str(m, 'conversation_id') ?? '';
    if (found.has(conv)) continue;
    const p = findProtocol(str(m, 'protocol'));
    if (p) found.set(conv, p.name);
  }
  return found;
}

/** An edit that inserts `"key": "value"` as the first property of a JSON object, matching its layout. */
function insertFirst(obj: DocNode, ctx: RuleContext, key: string, value: string): Fix['edits'][number] {
  const first = obj.properties?.[0];
  const pair = `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  if (!first) return { start: obj.start + 1, end: obj.start + 1, newText: pair };
  const gap = ctx.text.slice(obj.start + 1, first.keyStart);
  // Match the layout: one property per line keeps its indentation; compact objects stay compact.
  const newText = !/^\s*$/.test(gap) ? `${pair}, ` : gap === '' ? `${pair}, ` : `${gap}${pair},`;
  return { start: obj.start + 1, end: obj.start + 1, newText };
}

function isIsoTime(s: string): boolean {
  if (FIPA_TIME.test(s)) return true;
  const m = ISO_8601.exec(s);
  if (!m) return false;
  const month = Number(m[2]), day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (m[4] && (Number(m[5]) > 23 || Number(m[6]) > 59 || (m[8] !== undefined && Number(m[8]) > 60))) return false;
  return true;
}

function utf8Length(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (!best || c > (counts.get(best) ?? 0)) best = v;
  }
  return best;
}
