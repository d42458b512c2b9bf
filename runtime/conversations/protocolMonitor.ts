/**
 * Live protocol checks: each conversation that names a known protocol is tracked per protocol instance by
 * schemas/protocolMachine's ProtocolTracker (the same code the language server runs over conversation files), so the
 * editor and the runtime agree on what is out of sequence, and a stray message does not poison what follows.
 */
import type { FipaMessage } from '../../schemas';
import { ProtocolTracker } from '../../schemas/protocolMachine';

export interface ProtocolCheck {
  /** Sentences explaining each out-of-sequence move. */
  reason: string;
  expected: string[];
  protocol: string;
}

/** Tracks protocol instances per conversation_id; pure apart from its map. */
export class ProtocolMonitor {
  private readonly tracker: ProtocolTracker;

  /** A long-lived session tracks at most `capacity` conversations (the least recently active are forgotten). */
  constructor(capacity = 10_000) {
    this.tracker = new ProtocolTracker(capacity);
  }

  /**
   * Check a message against its conversation's protocol and advance the instance when it is in sequence.
   * Messages without a conversation_id, or in a conversation without a known protocol, are not checked.
   */
  check(message: FipaMessage, to: readonly string[]): { violation?: ProtocolCheck; completed?: boolean } {
    if (!message.conversation_id) return {};
    const r = this.tracker.step({
      performative: message.performative, sender: message.sender, receivers: to, protocol: message.protocol,
      conversation_id: message.conversation_id, reply_with: message.reply_with, in_reply_to: message.in_reply_to,
    });
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
    return { completed: r.completed };
  }
}
