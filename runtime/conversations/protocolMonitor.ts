/**
 * Live protocol checks: each conversation that names a known protocol is stepped through schemas/protocolMachine
 * (the same code the language server uses), so the editor and the runtime agree on what is out of sequence.
 *
 * Stepped runs (docs/shards.md) check a message against the state committed at the last step boundary plus the
 * messages its own sender sent earlier in this step; what passed is committed at the boundary, in canonical
 * order, on every shard. So a verdict never depends on which other agents share the sender's thread.
 */
import type { FipaMessage, Performative } from '../../schemas';
import { findProtocol, isProtocolComplete, startProtocol, stepProtocol, type ProtocolState } from '../../schemas/protocolMachine';
import { compareOrder, type OrderKey } from '../shard/activity';

export interface ProtocolCheck {
  /** Sentences explaining each out-of-sequence move. */
  reason: string;
  expected: string[];
  protocol: string;
}

/** A message that passed its check, as committed at a step boundary. */
export interface CommitHeader extends OrderKey {
  conversation_id: string;
  protocol: string;
  performative: Performative;
  sender: string;
  receivers: string[];
}

/** Tracks protocol state per conversation_id; pure apart from its maps. */
export class ProtocolMonitor {
  private readonly states = new Map<string, ProtocolState>();
  /** Stepped: per sender key, the states its own messages of this step led to. */
  private overlay = new Map<string, Map<string, ProtocolState>>();
  private pending: CommitHeader[] = [];

  /**
   * A long-lived session tracks at most `capacity` conversations: completed ones are forgotten first (they only
   * matter to flag late messages), then the least recently active.
   */
  constructor(private readonly capacity = 1_000_000, private readonly stepped = false, private readonly completedCapacity = 10_000) {}

  private readonly completed = new Set<string>();

  /**
   * Check a message against its conversation's protocol. Immediate: advance the state when it is in sequence and
   * say whether that completed the protocol. Stepped: remember the move for the step's commit.
   * Messages without a conversation_id or a known protocol are not checked.
   */
  check(message: FipaMessage, to: readonly string[], order?: OrderKey): { violation?: ProtocolCheck; completed?: boolean } {
    const found = findProtocol(message.protocol);
    const id = message.conversation_id;
    if (!found || !id) return {};
    const mine = this.stepped && order ? this.overlay.get(order.okey) : undefined;
    const state = mine?.get(id) ?? this.states.get(id) ?? startProtocol(found.name, message.sender);
    const { state: next, violations } = stepProtocol(state, { performative: message.performative, sender: message.sender, receivers: to });
    if (violations.length) {
      return {
        violation: {
          protocol: found.name,
          reason: violations.map((v) => v.message).join('; '),
          expected: [...new Set(violations.flatMap((v) => v.expected))],
        },
      };
    }
    if (this.stepped && order) {
      const own = mine ?? new Map<string, ProtocolState>();
      own.set(id, next);
      this.overlay.set(order.okey, own);
      this.pending.push({ conversation_id: id, protocol: found.name, performative: message.performative, sender: message.sender, receivers: [...to], okey: order.okey, oseq: order.oseq });
      return {};
    }
    this.remember(id, next);
    return { completed: next.pairs.size > 0 && isProtocolComplete(next) };
  }

  /** Real time: a message checked on another shard arrived here; advance this shard's view without a verdict. */
  note(message: FipaMessage, to: readonly string[]): void {
    const found = findProtocol(message.protocol);
    const id = message.conversation_id;
    if (!found || !id || this.stepped) return;
    const state = this.states.get(id) ?? startProtocol(found.name, message.sender);
    this.remember(id, stepProtocol(state, { performative: message.performative, sender: message.sender, receivers: to }).state);
  }

  /** Stepped: the moves accepted here during this step (for the boundary's commit everywhere). */
  takePending(): CommitHeader[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Stepped: apply a step's accepted moves (from every shard) in canonical order; returns the conversations they completed. */
  commit(headers: readonly CommitHeader[]): string[] {
    this.overlay = new Map();
    const before = new Map<string, boolean>();
    for (const h of [...headers].sort(compareOrder)) {
      const state = this.states.get(h.conversation_id) ?? startProtocol(h.protocol, h.sender);
      if (!before.has(h.conversation_id)) before.set(h.conversation_id, state.pairs.size > 0 && isProtocolComplete(state));
      const { state: next } = stepProtocol(state, { performative: h.performative, sender: h.sender, receivers: h.receivers });
      this.remember(h.conversation_id, next);
    }
    const completed: string[] = [];
    for (const [id, was] of before) {
      const now = this.states.get(id);
      if (!was && now && now.pairs.size > 0 && isProtocolComplete(now)) completed.push(id);
    }
    return completed;
  }

  /** The protocol state of a conversation, for inspection. */
  state(conversationId: string): ProtocolState | undefined { return this.states.get(conversationId); }

  private remember(id: string, next: ProtocolState): void {
    // Re-inserting keeps the map in order of last activity, so the oldest entry is the one to forget.
    this.states.delete(id);
    this.states.set(id, next);
    this.completed.delete(id);
    if (next.pairs.size > 0 && isProtocolComplete(next)) {
      this.completed.add(id);
      if (this.completed.size > this.completedCapacity) {
        const oldest = this.completed.values().next().value as string;
        this.completed.delete(oldest);
        this.states.delete(oldest);
      }
    }
    if (this.states.size > this.capacity) {
      const oldest = this.states.keys().next().value as string;
      this.states.delete(oldest);
      this.completed.delete(oldest);
    }
  }
}
