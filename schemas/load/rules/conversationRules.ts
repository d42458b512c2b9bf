/**
 * Rules over a conversation file, in file order: in_reply_to correlation, protocol order per protocol instance
 * (schemas/protocolMachine, the same tracker the runtime uses live), deadlines that do not go backwards, and
 * auction prices that move the right way (Dutch falls, English rises).
 */
import { PERFORMATIVES, type Performative } from '../..';
import { findProtocol, ProtocolTracker } from '../../protocolMachine';
import { parseReplyBy } from '../../time';
import { child, str, toValue, type DocNode } from '../docTree';
import type { Problem } from '../types';
import { receiverNodes, type RuleContext } from './ruleContext';

/** Checks the messages of a conversation file in order. */
export function checkConversation(messages: DocNode[], ctx: RuleContext, out: Problem[]): void {
  checkReplies(messages, out);
  checkOrder(messages, out);
  checkDeadlines(messages, out);
  checkAuctionPrices(messages, ctx.text, out);
}

function checkReplies(messages: DocNode[], out: Problem[]): void {
  const replyWiths = new Map<string, Set<string>>();
  for (const m of messages) {
    const conv = str(m, 'conversation_id') ?? '';
    const seen = replyWiths.get(conv) ?? new Set<string>();
    replyWiths.set(conv, seen);
    const irt = child(m, 'in_reply_to');
    if (irt?.type === 'string' && !seen.has(String(irt.value))) {
      const known = [...seen];
      out.push({
        start: irt.start,
        end: irt.end,
        severity: 'error',
        code: 'unmatched-in-reply-to',
        message: `in_reply_to '${String(irt.value)}' matches no earlier reply_with in this conversation${known.length ? ` (earlier: ${known.slice(0, 5).join(', ')})` : ''}: use the reply_with of the message this one answers.`,
      });
    }
    const rw = str(m, 'reply_with');
    if (rw) seen.add(rw);
  }
}

/** Protocol order, one instance at a time: a stray message gets one diagnostic and changes nothing after it. */
function checkOrder(messages: DocNode[], out: Problem[]): void {
  const tracker = new ProtocolTracker(Number.POSITIVE_INFINITY);
  const lost = new Map<string, Set<string>>();
  for (const m of messages) {
    // Hyphenated spellings mean the same act (they get their own information diagnostic).
    const performative = str(m, 'performative')?.replace(/-/g, '_');
    const sender = str(m, 'sender');
    const perfNode = child(m, 'performative');
    if (!performative || !sender || !perfNode) continue;
    const conv = str(m, 'conversation_id') ?? '';
    const receivers = receiverNodes(child(m, 'receiver')).map((n) => String(n.value));
    const unknown = lost.get(conv) ?? new Set<string>();
    lost.set(conv, unknown);
    if (!PERFORMATIVES.includes(performative as Performative)) {
      // Not a performative (already a schema error): the agents it touched are in an unknown state from here on,
      // so later messages between them are not flagged as a cascade of out-of-sequence errors.
      for (const p of [sender, ...receivers]) unknown.add(p);
      continue;
    }
    if (unknown.has(sender) || receivers.some((r) => unknown.has(r))) continue;
    const step = tracker.step({
      performative: performative as Performative,
      sender,
      receivers,
      protocol: str(m, 'protocol'),
      conversation_id: str(m, 'conversation_id'),
      reply_with: str(m, 'reply_with'),
      in_reply_to: str(m, 'in_reply_to'),
    });
    if (step.stray)
      out.push({
        start: perfNode.start,
        end: perfNode.end,
        severity: 'error',
        code: 'stray-message',
        message: `Out of sequence in ${step.protocol}: ${step.stray}.`,
      });
    for (const v of step.violations) {
      out.push({
        start: perfNode.start,
        end: perfNode.end,
        severity: 'error',
        code: 'out-of-sequence',
        message: `Out of sequence in ${step.protocol}: ${v.message}.`,
      });
    }
  }
}

/** A reply_by earlier than a deadline set earlier in the same conversation: later steps cannot be due first. */
function checkDeadlines(messages: DocNode[], out: Problem[]): void {
  const latest = new Map<string, { at: number; text: string; index: number }>();
  messages.forEach((m, index) => {
    const node = child(m, 'reply_by');
    const at = node?.type === 'string' ? parseReplyBy(String(node.value)) : undefined;
    if (!node || at === undefined) return;
    const conv = str(m, 'conversation_id') ?? '';
    const before = latest.get(conv);
    if (before && at < before.at) {
      out.push({
        start: node.start,
        end: node.end,
        severity: 'warning',
        code: 'reply-by-order',
        message: `reply_by ${String(node.value)} is earlier than the deadline ${before.text} set by message ${before.index + 1} of this conversation: a later step cannot be due before an earlier one; move it later.`,
      });
    } else latest.set(conv, { at, text: String(node.value), index });
  });
}

/** By canonical protocol name (aliases are resolved through protocols.json). */
const AUCTIONS: Record<string, { falls: boolean; fields: string[]; name: string }> = {
  'fipa-dutch-auction': { falls: true, fields: ['price'], name: 'Dutch' },
  'fipa-english-auction': { falls: false, fields: ['ask', 'price'], name: 'English' },
};

/** Each cfp of an auction names the round's price: a Dutch auction's must fall, an English auction's must rise. */
function checkAuctionPrices(messages: DocNode[], text: string, out: Problem[]): void {
  const protocols = new Map<string, string>();
  const last = new Map<string, { price: number; index: number }>();
  messages.forEach((m, index) => {
    const conv = str(m, 'conversation_id') ?? '';
    const named = findProtocol(str(m, 'protocol'))?.name;
    if (named && AUCTIONS[named] && !protocols.has(conv)) protocols.set(conv, named);
    const auction = AUCTIONS[protocols.get(conv) ?? ''];
    if (!auction || str(m, 'performative') !== 'cfp') return;
    // A JSON message's content is kept as a span (opaque): read the price from its text, point at the content.
    const content = child(m, 'content');
    const value = content ? (toValue(content, text) as Record<string, unknown> | null) : null;
    const field = auction.fields.find((f) => typeof value?.[f] === 'number');
    if (!content || !field) return;
    const node = content.opaque ? numberIn(content, field, text) : (child(content, field) ?? content);
    const price = Number(value![field]);
    const before = last.get(conv);
    if (before && before.price !== price && price > before.price === auction.falls) {
      out.push({
        start: node.start,
        end: node.end,
        severity: 'warning',
        code: 'auction-price-direction',
        message: `${auction.name === 'English' ? 'An' : 'A'} ${auction.name} auction's price must ${auction.falls ? 'fall' : 'rise'} from round to round: ${price} is ${auction.falls ? 'above' : 'below'} ${before.price} (message ${before.index + 1}); ${auction.falls ? 'lower' : 'raise'} it.`,
      });
      return;
    }
    last.set(conv, { price, index });
  });
}

/** The span of `"field": <number>`'s number inside an opaque JSON content (else the whole content). */
function numberIn(content: DocNode, field: string, text: string): { start: number; end: number } {
  const span = text.slice(content.start, content.end);
  const m = new RegExp(`"${field}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(span);
  if (!m) return content;
  const start = content.start + m.index + m[0].length - m[1].length;
  return { start, end: start + m[1].length };
}
