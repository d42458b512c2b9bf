/**
 * Where a message of a trace came from, in the text of a *.fipa.json or *.scenario.yaml: matched by message_id when
 * the file gives one, else by its performative, parties, conversation, reply token and content. And which agent a
 * manifest declares. Pure (jsonc-parser, yaml): unit-tested in Node. The one owner of "which message in which file":
 * the inspector's Reveal source (client/revealSource.ts) and the debugger's line breakpoints (runtime/debug) use it.
 */
import { isMap, isSeq, parseDocument } from 'yaml';
import type { FipaMessage } from '..';
import { kindFromName } from './fileKind';
import { findMessages } from './messageLocations';

/** A span of text: the message object in its file. */
export interface SourceSpan {
  offset: number;
  length: number;
}

/** JSON with object keys sorted, so equal contents compare equal whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

const receivers = (r: unknown) => (Array.isArray(r) ? r.map(String).sort().join(',') : String(r));

/** True when `candidate` (from a file) is the message the trace recorded as `sent`. */
export function sameMessage(candidate: Partial<FipaMessage>, sent: FipaMessage): boolean {
  if (candidate.message_id !== undefined && sent.message_id !== undefined) return candidate.message_id === sent.message_id;
  const perf = (p: unknown) => (typeof p === 'string' ? p.replace(/-/g, '_') : p);
  return (
    perf(candidate.performative) === perf(sent.performative) &&
    candidate.sender === sent.sender &&
    receivers(candidate.receiver) === receivers(sent.receiver) &&
    candidate.conversation_id === sent.conversation_id &&
    candidate.reply_with === sent.reply_with &&
    canonical(candidate.content) === canonical(sent.content)
  );
}

/** The message's object in a *.fipa.json text (one message or an array = a conversation). */
export function findInFipaJson(text: string, sent: FipaMessage): SourceSpan | undefined {
  const hit = findMessages(text).find((m) => m.message !== undefined && sameMessage(m.message, sent));
  return hit ? { offset: hit.offset, length: hit.length } : undefined;
}

/** A message written in a file, with its span. */
export interface SourceMessage extends SourceSpan {
  message: Partial<FipaMessage>;
}

/** The inline messages of a *.scenario.yaml text (`scenario.messages[i].message`), in order. */
export function scenarioMessages(text: string): SourceMessage[] {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false });
  } catch {
    return [];
  }
  const messages = doc.getIn(['scenario', 'messages'], true);
  if (!isSeq(messages)) return [];
  const out: SourceMessage[] = [];
  for (const item of messages.items) {
    if (!isMap(item)) continue;
    const node = item.get('message', true);
    if (!isMap(node) || !node.range) continue;
    const value = node.toJSON() as Partial<FipaMessage>;
    if (value && typeof value === 'object') out.push({ offset: node.range[0], length: node.range[1] - node.range[0], message: value });
  }
  return out;
}

/** The messages of a *.fipa.json or *.scenario.yaml text (by its file name), in order, with their spans. */
export function messagesInFile(fileName: string, text: string): SourceMessage[] {
  const kind = kindFromName(fileName);
  if (kind === 'scenario') return scenarioMessages(text);
  if (kind === 'message')
    return findMessages(text).flatMap((m) => (m.message ? [{ offset: m.offset, length: m.length, message: m.message }] : []));
  return [];
}

/** The message's entry in a *.scenario.yaml text (`scenario.messages[i].message`). */
export function findInScenario(text: string, sent: FipaMessage): SourceSpan | undefined {
  const hit = scenarioMessages(text).find((m) => sameMessage(m.message, sent));
  return hit ? { offset: hit.offset, length: hit.length } : undefined;
}

/** The `name` and `module` an agent manifest (*.agent.yaml) declares. */
export function manifestInfo(text: string): { name?: string; module?: string } {
  try {
    const v = parseDocument(text).toJSON() as { name?: unknown; module?: unknown } | null;
    return { name: typeof v?.name === 'string' ? v.name : undefined, module: typeof v?.module === 'string' ? v.module : undefined };
  } catch {
    return {};
  }
}
