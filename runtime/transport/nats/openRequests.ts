/**
 * Requests this node sent to agents of other nodes that still wait for their answer (pure): when such a node is
 * lost, its open requests are dead-lettered (`node_lost`) and their senders told at once, instead of waiting for a
 * timeout that would not say why. A request is open from the moment it leaves until an answer from its receiver
 * comes back (in_reply_to, or the same conversation) or its deadline (reply_by, else the request timeout) passes.
 */
import type { FipaMessage } from '../../../schemas';
import { EXPECTS_REPLY } from '../../conversations/replyWaits';
import type { Envelope } from '../../router/router';

interface Open {
  peer: number;
  envelope: Envelope;
  deadline: number;
  byToken: string;
  byConversation?: string;
}

/** See the file comment. */
export class OpenRequests {
  private readonly byToken = new Map<string, Open>();
  private readonly byConversation = new Map<string, Set<Open>>();
  private sinceSweep = 0;

  /** `timeoutMs`: how long a request without reply_by stays open (the runtime's default reply timeout). */
  constructor(
    private readonly timeoutMs: number,
    private readonly maxOpen = 100_000,
  ) {}

  get size(): number {
    return this.byToken.size;
  }

  /** An envelope left for `peer` at `now` (ms since the epoch): each receiver that owes an answer opens a request. */
  sent(peer: number, envelope: Envelope, now: number): void {
    const m = envelope.message;
    if (!m.reply_with || m.sender === undefined || (!EXPECTS_REPLY.has(m.performative) && !m.reply_by)) return;
    const replyBy = m.reply_by ? Date.parse(m.reply_by) : NaN;
    const deadline = Number.isFinite(replyBy) ? Math.max(replyBy, now) : now + this.timeoutMs;
    if (++this.sinceSweep >= 1024) this.sweep(now);
    for (const to of envelope.to) {
      if (this.byToken.size >= this.maxOpen) return; // bounded: beyond this, a lost node's requests end by timeout
      const byToken = tokenKey(m.sender, m.reply_with, to);
      this.remove(this.byToken.get(byToken));
      const open: Open = {
        peer,
        envelope: { ...envelope, to: [to] },
        deadline,
        byToken,
        ...(m.conversation_id ? { byConversation: conversationKey(m.sender, m.conversation_id, to) } : {}),
      };
      this.byToken.set(byToken, open);
      if (open.byConversation) {
        const set = this.byConversation.get(open.byConversation);
        if (set) set.add(open);
        else this.byConversation.set(open.byConversation, new Set([open]));
      }
    }
  }

  /** A message arrived from another node for `receiver`: it closes the requests it answers. */
  arrived(message: FipaMessage, receiver: string): void {
    if (message.in_reply_to) this.remove(this.byToken.get(tokenKey(receiver, message.in_reply_to, message.sender)));
    if (message.conversation_id) {
      const set = this.byConversation.get(conversationKey(receiver, message.conversation_id, message.sender));
      if (set) for (const o of [...set]) this.remove(o);
    }
  }

  /** Remove and return the requests still open (deadline not passed) that went to `peer`. */
  takePeer(peer: number, now: number): Envelope[] {
    const out: Envelope[] = [];
    for (const o of [...this.byToken.values()]) {
      if (o.peer !== peer) continue;
      this.remove(o);
      if (o.deadline > now) out.push(o.envelope);
    }
    return out;
  }

  /** Forget requests whose deadline passed (their waits time out on their own). */
  sweep(now: number): void {
    this.sinceSweep = 0;
    for (const o of [...this.byToken.values()]) if (o.deadline <= now) this.remove(o);
  }

  private remove(o: Open | undefined): void {
    if (!o) return;
    this.byToken.delete(o.byToken);
    if (!o.byConversation) return;
    const set = this.byConversation.get(o.byConversation);
    if (set?.delete(o) && !set.size) this.byConversation.delete(o.byConversation);
  }
}

function tokenKey(waiting: string, token: string, receiver: string): string {
  return `${waiting}\u0000${token}\u0000${receiver}`;
}
function conversationKey(waiting: string, conversation: string, receiver: string): string {
  return `${waiting}\u0000${conversation}\u0000${receiver}`;
}
