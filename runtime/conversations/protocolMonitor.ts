/**
 * Live protocol checks: each conversation that names a known protocol is tracked per protocol instance by
 * schemas/protocolMachine's ProtocolTracker (the same code the language server runs over conversation files), so the
 * editor and the runtime agree on what is out of sequence, and a stray message does not poison what follows.
 *
 * Stepped runs (docs/shards.md) check a message against the state committed at the last step boundary plus the
 * messages its own sender sent earlier in this step; what passed is committed at the boundary, in canonical
 * order, on every shard. So a verdict never depends on which other agents share the sender's thread.
 */
import type { FipaMessage } from '../../schemas';
import { ProtocolTracker, type TrackedMessage, type TrackResult } from '../../schemas/protocolMachine';
import { compareOrder, type OrderKey } from '../shard/activity';

export interface ProtocolCheck {
  /** Sentences explaining each out-of-sequence move. */
  reason: string;
  expected: string[];
  protocol: string;
}

/** A message that passed its check, as committed at a step boundary. */
export interface CommitHeader extends OrderKey, TrackedMessage {
  conversation_id: string;
  receivers: string[];
}

/** Conversations a run may have open at once before the least recently active are forgotten. */
const CAPACITY = 1_000_000;

/** Tracks protocol instances per conversation_id; pure apart from its tracker. */
export class ProtocolMonitor {
  private readonly tracker: ProtocolTracker;
  /** Stepped: this step's accepted moves, and per (sender key, conversation) the sender's own ones. */
  private pending: CommitHeader[] = [];
  private readonly own = new Map<string, CommitHeader[]>();

  constructor(
    capacity = CAPACITY,
    private readonly stepped = false,
  ) {
    this.tracker = new ProtocolTracker(capacity);
  }

  /**
   * Check a message against its conversation's protocol. Immediate: advance the instance when it is in sequence and
   * say whether that completed it. Stepped: remember the move for the step's commit.
   * Messages without a conversation_id, or in a conversation without a known protocol, are not checked.
   */
  check(message: FipaMessage, to: readonly string[], order?: OrderKey): { violation?: ProtocolCheck; completed?: boolean } {
    if (!message.conversation_id) return {};
    const m = tracked(message, to);
    const stepped = this.stepped && order !== undefined;
    const r = stepped ? this.checkStepped(m, order) : this.tracker.step(m);
    if (!r.protocol) return {};
    if (r.stray) return { violation: { protocol: r.protocol, reason: r.stray, expected: [] } };
    if (r.violations.length) {
      return {
        violation: {
          protocol: r.protocol,
          reason: r.violations.map((v) => v.message).join('; '),
          expected: [...new Set(r.violations.flatMap((v) => v.expected))],
        },
      };
    }
    if (stepped) {
      const h: CommitHeader = { ...m, conversation_id: message.conversation_id, receivers: [...to], okey: order.okey, oseq: order.oseq };
      this.pending.push(h);
      const k = `${order.okey}\u0000${h.conversation_id}`;
      const list = this.own.get(k);
      if (list) list.push(h);
      else this.own.set(k, [h]);
      return {};
    }
    return { completed: r.completed };
  }

  /** Real time: a message checked on another shard arrived here; advance this shard's view without a verdict. */
  note(message: FipaMessage, to: readonly string[]): void {
    if (!message.conversation_id || this.stepped) return;
    this.tracker.step(tracked(message, to));
  }

  /** Stepped: the moves accepted here during this step (for the boundary's commit everywhere). */
  takePending(): CommitHeader[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Stepped: apply a step's accepted moves (from every shard) in canonical order; returns the conversations they completed. */
  commit(headers: readonly CommitHeader[]): string[] {
    this.own.clear();
    const completed = new Set<string>();
    for (const h of [...headers].sort(compareOrder)) {
      if (this.tracker.step(h).completed) completed.add(h.conversation_id);
    }
    return [...completed];
  }

  /** Committed state plus the sender's own earlier moves of this step, checked without changing anything. */
  private checkStepped(m: TrackedMessage & { conversation_id: string }, order: OrderKey): TrackResult {
    const mine = this.own.get(`${order.okey}\u0000${m.conversation_id}`);
    if (!mine) return this.tracker.step(m, false);
    const scratch = this.tracker.copyOf(m.conversation_id);
    for (const h of mine) scratch.step(h);
    return scratch.step(m, false);
  }
}

function tracked(message: FipaMessage, to: readonly string[]): TrackedMessage & { conversation_id: string } {
  return {
    performative: message.performative,
    sender: message.sender,
    receivers: to,
    protocol: message.protocol,
    conversation_id: message.conversation_id!,
    reply_with: message.reply_with,
    in_reply_to: message.in_reply_to,
  };
}
