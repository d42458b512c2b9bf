/**
 * Where the messages of a *.fipa.json text are (one object, or an array = a conversation), for the "Send" CodeLens.
 * Pure (jsonc-parser only): unit-tested in Node.
 */
import { getNodeValue, parseTree, type Node } from 'jsonc-parser';
import type { FipaMessage } from '..';

export interface MessageLocation {
  /** Position in the conversation (0 for a single message). */
  index: number;
  /** Offset and length of the message object in the text. */
  offset: number;
  length: number;
  /** The message, when the object looks like one (has a performative string); undefined otherwise. */
  message?: FipaMessage;
}

function looksLikeMessage(node: Node): FipaMessage | undefined {
  if (node.type !== 'object') return undefined;
  const value = getNodeValue(node) as Record<string, unknown>;
  return typeof value.performative === 'string' ? (value as unknown as FipaMessage) : undefined;
}

/** The message objects of a *.fipa.json document, in order. */
export function findMessages(text: string): MessageLocation[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return [];
  const nodes = root.type === 'array' ? (root.children ?? []) : [root];
  return nodes
    .filter((n) => n.type === 'object')
    .map((n, index) => ({ index, offset: n.offset, length: n.length, message: looksLikeMessage(n) }));
}
