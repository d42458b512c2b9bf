/**
 * Live protocol checks: each conversation that names a known protocol is stepped through schemas/protocolMachine
 * (the same code the language server uses), so the editor and the runtime agree on what is out of sequence.
 */
import type { FipaMessage } from '../../schemas';
import { findProtocol, isProtocolComplete, startProtocol, stepProtocol, type ProtocolState } from '../../schemas/protocolMachine';

export interface ProtocolCheck {
  /** Sentences explaining each out-of-sequence move. */
  reason: string;
  expected: string[];
  protocol: string;
}

/** Tracks protocol state per conversation_id; pure apart from its map. */
export class ProtocolMonitor {
  private readonly states = new Map<string, ProtocolState>();

  /** A long-lived session tracks at most `capacity` conversations (the least recently active are forgotten). */
  constructor(private readonly capacity = 10_000) {}

  /**
   * Check a message against its conversation's protocol and advance the state when it is in sequence.
   * Messages without a conversation_id or a known protocol are not checked.
   */
  check(message: FipaMessage, to: readonly string[]): { violation?: ProtocolCheck; completed?: boolean } {
    const found = findProtocol(message.protocol);
    const id = message.conversation_id;
    if (!found || !id) return {};
    const state = this.states.get(id) ?? startProtocol(found.name, message.sender);
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
    // Re-inserting keeps the map in order of last activity, so the oldest entry is the one to forget.
    this.states.delete(id);
    this.states.set(id, next);
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value as string);
    return { completed: next.pairs.size > 0 && isProtocolComplete(next) };
  }

  /** The protocol state of a conversation, for inspection. */
  state(conversationId: string): ProtocolState | undefined { return this.states.get(conversationId); }
}
