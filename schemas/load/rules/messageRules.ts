/**
 * Rules a schema cannot say about FIPA messages (the catalog's anti-patterns and the FIPA specs): correlation ids,
 * deadlines, oversized content, self-addressed messages, protocol names. Conversation-wide rules (reply
 * correlation, protocol order, deadline order, auction prices) are in conversationRules.ts.
 */
import { KNOWN_PROTOCOLS, PROTOCOL_ALIASES, formatBytes } from '../..';
import { EXPECTS_REPLY } from '../../protocolMachine';
import { parseReplyBy } from '../../time';
import { anchorOf, child, str, type DocNode } from '../docTree';
import { didYouMean } from '../spelling';
import type { Fix, Problem } from '../types';
import { checkConversation } from './conversationRules';
import { checkAgentName, receiverNodes, type RuleContext } from './ruleContext';

/** Checks a message file: one message (object) or a conversation (array). */
export function checkMessages(root: DocNode, ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  const messages = root.type === 'array' ? (root.items ?? []).filter((m) => m.type === 'object') : root.type === 'object' ? [root] : [];
  const isConversation = root.type === 'array';
  const ids = messages.map((m) => str(m, 'conversation_id')).filter((x): x is string => !!x);
  const commonId = mostCommon(ids);
  for (const m of messages) {
    checkOne(m, ctx, out, isConversation ? commonId : undefined);
    checkMessageValues(m, ctx, out);
  }
  if (isConversation) checkConversation(messages, ctx, out);
  return out;
}

/** The checks that hold for any message wherever it is written (a message file or a scenario's inline message). */
export function checkMessageValues(m: DocNode, ctx: RuleContext, out: Problem[]): void {
  const sender = str(m, 'sender');
  const replyBy = child(m, 'reply_by');
  if (replyBy?.type === 'string' && parseReplyBy(String(replyBy.value)) === undefined) {
    out.push({
      start: replyBy.start,
      end: replyBy.end,
      severity: 'error',
      code: 'bad-reply-by',
      message: `reply_by ${JSON.stringify(replyBy.value)} is not a real ISO 8601 time (or a date that does not exist): write e.g. "2026-01-31T17:00:00Z".`,
    });
  }
  const content = child(m, 'content');
  if (content && content.end - content.start > ctx.settings.maxContentBytes / 4) {
    const bytes = utf8Length(ctx.text, content.start, content.end);
    if (bytes > ctx.settings.maxContentBytes) {
      out.push({
        start: content.start,
        end: content.start + 1,
        severity: 'warning',
        code: 'content-too-large',
        message: `content is ${formatBytes(bytes)}, over the ${formatBytes(ctx.settings.maxContentBytes)} limit: store it elsewhere and send a reference (e.g. a blackboard key or URL).`,
      });
    }
  }
  for (const r of receiverNodes(child(m, 'receiver'))) {
    const name = String(r.value);
    if (sender && name === sender) {
      out.push({
        start: r.start,
        end: r.end,
        severity: 'warning',
        code: 'sender-is-receiver',
        message: `'${name}' sends this message to itself: set receiver to the agent that should act on it.`,
      });
    }
    checkAgentName(r, ctx, out, 'receiver');
  }
  const protocolNode = child(m, 'protocol');
  if (protocolNode?.type === 'string') checkProtocolName(protocolNode, ctx, out);
}

/** Ids a message file should carry: conversation_id always, reply_with when an answer is expected. */
function checkOne(m: DocNode, ctx: RuleContext, out: Problem[], conversationId: string | undefined): void {
  const perfNode = child(m, 'performative');
  const performative = str(m, 'performative')?.replace(/-/g, '_');
  if (!child(m, 'conversation_id')) {
    const id = conversationId ?? ctx.newId('conv');
    out.push({
      ...anchorOf(m, ctx.text),
      severity: 'warning',
      code: 'missing-conversation-id',
      message: 'Message has no conversation_id: replies and the inspector cannot group it. Add "conversation_id".',
      fixes: [{ title: `Add conversation_id "${id}"`, edits: [insertFirst(m, ctx, 'conversation_id', id)], preferred: true }],
    });
  }
  // An answer (in_reply_to) that expects one back, like a counter-proposal, is usually correlated by its thread.
  if (performative && perfNode && EXPECTS_REPLY.has(performative as never) && !child(m, 'reply_with') && !child(m, 'in_reply_to')) {
    const id = ctx.newId(performative.replace(/_/g, '-'));
    out.push({
      start: perfNode.start,
      end: perfNode.end,
      severity: 'warning',
      code: 'missing-reply-with',
      message: `A ${performative} expects an answer but has no reply_with: the answer's in_reply_to cannot refer to it. Add "reply_with".`,
      fixes: [{ title: `Add reply_with "${id}"`, edits: [insertFirst(m, ctx, 'reply_with', id)], preferred: true }],
    });
  }
  if (!child(m, 'reply_by') && performative === 'cfp' && perfNode) {
    out.push({
      start: perfNode.start,
      end: perfNode.end,
      severity: 'warning',
      code: 'missing-reply-by',
      message: 'A cfp without reply_by waits for proposals forever: add "reply_by" (ISO 8601) as the deadline.',
    });
  }
}

function checkProtocolName(node: DocNode, ctx: RuleContext, out: Problem[]): void {
  const name = String(node.value);
  if (KNOWN_PROTOCOLS.includes(name) || PROTOCOL_ALIASES[name]) return;
  const guess = didYouMean(name, KNOWN_PROTOCOLS);
  if (guess) {
    out.push({
      start: node.start,
      end: node.end,
      severity: 'warning',
      code: 'unknown-protocol',
      message: `Unknown protocol '${name}': did you mean '${guess}'?`,
      fixes: [
        {
          title: `Change '${name}' to '${guess}'`,
          edits: [{ start: node.start, end: node.end, newText: ctx.quote(guess) }],
          preferred: true,
        },
      ],
    });
  } else {
    out.push({
      start: node.start,
      end: node.end,
      severity: 'information',
      code: 'unknown-protocol',
      message: `Protocol '${name}' is not one Caxton knows, so its order is not checked. Known: ${KNOWN_PROTOCOLS.join(', ')}.`,
    });
  }
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

function utf8Length(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
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
