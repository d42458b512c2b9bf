/**
 * What happened in each conversation, for summaries and `conversation_ended` events: a fold over the run's trace
 * (the same whether one shard or many recorded it).
 */
import type { FipaMessage, TraceEventInput } from '../../schemas';

export type ConversationOutcome =
  'open' | 'answered' | 'completed' | 'failed' | 'refused' | 'not_understood' | 'timed_out' | 'protocol_violation';

export interface ConversationRecord {
  id: string;
  protocol?: string;
  initiator: string;
  participants: string[];
  messages: number;
  lastPerformative: string;
  outcome: ConversationOutcome;
  /** Why it failed, when a failure/not_understood carried a reason. */
  detail?: string;
  ended: boolean;
}

const ANSWERS = new Set([
  'inform',
  'inform_if',
  'inform_ref',
  'confirm',
  'disconfirm',
  'agree',
  'propose',
  'accept_proposal',
  'reject_proposal',
]);

/** Groups messages into conversations (by conversation_id, else by reply_with/in_reply_to) and tracks outcomes. */
export class ConversationLog {
  private readonly records = new Map<string, ConversationRecord>();
  private readonly byToken = new Map<string, string>();

  /** A long-lived session keeps only the most recent `capacity` conversations (a run summary lists them). */
  constructor(private readonly capacity = 200_000) {}

  /** The conversation a message belongs to, or undefined for a lone fire-and-forget message. */
  keyOf(message: FipaMessage): string | undefined {
    if (message.conversation_id) return message.conversation_id;
    if (message.in_reply_to && this.byToken.has(message.in_reply_to)) return this.byToken.get(message.in_reply_to);
    return message.reply_with ?? message.in_reply_to;
  }

  /** Record a routed message. */
  observe(message: FipaMessage, to: readonly string[], systemName: string): ConversationRecord | undefined {
    const id = this.keyOf(message);
    if (!id) return undefined;
    if (message.reply_with) this.byToken.set(message.reply_with, id);
    if (this.byToken.size > this.capacity * 4) this.byToken.delete(this.byToken.keys().next().value as string);
    let r = this.records.get(id);
    if (!r) {
      r = {
        id,
        initiator: message.sender,
        participants: [],
        messages: 0,
        lastPerformative: message.performative,
        outcome: 'open',
        ended: false,
      };
      this.records.set(id, r);
      if (this.records.size > this.capacity) this.records.delete(this.records.keys().next().value as string);
    }
    if (message.protocol && !r.protocol) r.protocol = message.protocol;
    r.messages++;
    r.lastPerformative = message.performative;
    for (const p of [message.sender, ...to]) if (p !== systemName && !r.participants.includes(p)) r.participants.push(p);
    const p = message.performative;
    // The runtime's own timeout notice keeps the conversation "timed out", not the notice's generic "failed".
    const c = message.content as { error?: unknown } | undefined;
    if (
      p === 'failure' &&
      message.sender === systemName &&
      c &&
      typeof c === 'object' &&
      c.error === 'timeout' &&
      r.outcome === 'timed_out'
    )
      return r;
    if (p === 'failure') this.set(r, 'failed', message);
    else if (p === 'refuse') this.set(r, 'refused', message);
    else if (p === 'not_understood') this.set(r, 'not_understood', message);
    else if (ANSWERS.has(p) && message.sender !== r.initiator) r.outcome = 'answered';
    return r;
  }

  /** Mark an outcome that no message carries (timeout, violation, protocol completion). */
  mark(id: string | undefined, outcome: ConversationOutcome, detail?: string): ConversationRecord | undefined {
    const r = id ? this.records.get(id) : undefined;
    if (!r) return undefined;
    // A completed protocol keeps a worse outcome its last reply already recorded.
    if (!(outcome === 'completed' && ['failed', 'refused', 'not_understood'].includes(r.outcome))) r.outcome = outcome;
    if (detail) r.detail = detail;
    return r;
  }

  get(id: string): ConversationRecord | undefined {
    return this.records.get(id);
  }

  /**
   * Fold one trace event into the log. Returns false for an event that repeats what is known (a second
   * `conversation_ended` for a conversation already ended), and the events the fold adds after it (a timed-out
   * conversation ends).
   */
  apply(e: TraceEventInput, systemName: string): { keep: boolean; then?: TraceEventInput[] } {
    switch (e.type) {
      case 'message_sent':
        this.observe(e.message, e.to, systemName);
        return { keep: true };
      case 'protocol_violation':
        this.mark(e.conversation_id, 'protocol_violation', e.reason);
        return { keep: true };
      case 'timeout': {
        const id = this.keyOf({
          performative: 'failure',
          sender: systemName,
          receiver: e.waiting,
          conversation_id: e.conversation_id,
          in_reply_to: e.reply_with,
        } as FipaMessage);
        const r = this.mark(id, 'timed_out', e.reason);
        if (!r || r.ended) return { keep: true };
        r.ended = true;
        return { keep: true, then: [{ type: 'conversation_ended', conversation_id: r.id, outcome: 'timed_out' }] };
      }
      case 'conversation_ended': {
        const r = e.outcome === 'completed' ? this.mark(e.conversation_id, 'completed') : this.get(e.conversation_id);
        if (!r) return { keep: true };
        if (r.ended) return { keep: false };
        r.ended = true;
        // A completed protocol keeps a worse outcome its last reply recorded (mark); the event says which.
        (e as { outcome: string }).outcome = r.outcome;
        return { keep: true };
      }
      default:
        return { keep: true };
    }
  }

  /** `conversation_ended` for every conversation still open (the run is stopping). */
  endOpen(): TraceEventInput[] {
    const out: TraceEventInput[] = [];
    for (const r of this.records.values()) {
      if (r.ended) continue;
      out.push({ type: 'conversation_ended', conversation_id: r.id, outcome: r.outcome });
    }
    return out;
  }
  list(): ConversationRecord[] {
    return [...this.records.values()];
  }

  private set(r: ConversationRecord, outcome: ConversationOutcome, message: FipaMessage): void {
    r.outcome = outcome;
    const c = message.content as { reason?: unknown; error?: unknown } | undefined;
    const reason =
      c && typeof c === 'object'
        ? typeof c.reason === 'string'
          ? c.reason
          : typeof c.error === 'string'
            ? c.error
            : undefined
        : undefined;
    if (reason) r.detail = reason;
  }
}
