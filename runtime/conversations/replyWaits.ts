/**
 * Who is waiting for which reply, until when. A message with `reply_by`, or a request-like message with
 * `reply_with`, opens a wait for its sender; a reply (in_reply_to, or the same conversation from a receiver)
 * closes it; the deadline (reply_by, else the default request timeout) produces a timeout.
 */
import { parseReplyBy, type FipaMessage } from '../../schemas';
import { EXPECTS_REPLY } from '../../schemas/protocolMachine';
import type { Clock, TimerHandle } from '../core/clock';

/** Performatives whose sender expects an answer when it gives `reply_with` (derived from schemas/protocols.json). */
export { EXPECTS_REPLY };

export interface Wait {
  waiting: string;
  /** The reply_with the answer must name in in_reply_to. */
  token: string;
  conversationId?: string;
  /** Who may answer: the agents asked (a topic or `broadcast` until routing resolves it). */
  receivers: readonly string[];
  /** Clock time of the deadline. */
  deadline: number;
  timeoutMs: number;
  timer: TimerHandle;
  /** Set for a MessageBus.request(): the reply goes to this promise instead of a mailbox. */
  resolve?: (reply: FipaMessage) => void;
  reject?: (error: Error) => void;
}

/** The open waits, keyed by waiting party and token. */
export class ReplyWaits {
  private readonly waits = new Map<string, Wait>();
  /** Agent waits by (waiting party, conversation): a reply in the conversation finds them without a scan. */
  private readonly byConversation = new Map<string, Set<Wait>>();

  /** `systemName`: the runtime's own notices (a failure, a timeout) always answer. */
  constructor(
    private readonly clock: Clock,
    private readonly onTimeout: (wait: Wait) => void,
    private readonly systemName = 'caxton',
  ) {}

  get size(): number {
    return this.waits.size;
  }
  has(waiting: string, token: string): boolean {
    return this.waits.has(key(waiting, token));
  }

  /** Open a wait (replacing none: a second wait for the same key is ignored and the first kept). */
  open(w: Omit<Wait, 'timer' | 'deadline'>): Wait | undefined {
    const k = key(w.waiting, w.token);
    if (this.waits.has(k)) return undefined;
    const wait: Wait = {
      ...w,
      deadline: this.clock.now() + w.timeoutMs,
      timer: this.clock.setTimer(w.timeoutMs, () => {
        if (this.waits.get(k) !== wait) return;
        this.close(wait);
        this.onTimeout(wait);
      }),
    };
    this.waits.set(k, wait);
    if (!wait.resolve && wait.conversationId !== undefined) {
      const ck = key(wait.waiting, wait.conversationId);
      const set = this.byConversation.get(ck);
      if (set) set.add(wait);
      else this.byConversation.set(ck, new Set([wait]));
    }
    return wait;
  }

  /**
   * Close the waits this message answers for `receiver`. A request() wait is only closed (and returned) when
   * `takeRequests` is set: that is the router's claim, which then hands the message to the promise.
   */
  answer(message: FipaMessage, receiver: string, takeRequests: boolean): Wait | undefined {
    if (message.in_reply_to) {
      const found = this.waits.get(key(receiver, message.in_reply_to));
      // Only who was asked (or the runtime, telling of a failure) may answer: anyone else naming the id is not
      // a reply, so an agent cannot hijack another's request by guessing its reply_with.
      const w = found && this.answersFrom(found, message.sender) ? found : undefined;
      if (w && !w.resolve) this.close(w);
      if (w && w.resolve && takeRequests) {
        this.close(w);
        return w;
      }
    }
    // Agents that answer in the same conversation without in_reply_to still end an agent's wait (never a
    // request() promise, whose contract is in_reply_to).
    if (!takeRequests && message.conversation_id) {
      const set = this.byConversation.get(key(receiver, message.conversation_id));
      if (set) for (const w of [...set]) if (w.receivers.includes(message.sender)) this.close(w);
    }
    return undefined;
  }

  /** The receivers a wait was opened for, once routing resolved them (a topic or broadcast request names no agent). */
  resolved(waiting: string, token: string, receivers: readonly string[]): void {
    const w = this.waits.get(key(waiting, token));
    if (w && w.receivers.some(isPattern)) w.receivers = [...receivers];
  }

  /** Cancel every wait (the runtime is stopping); request() promises are rejected with `error`. */
  cancelAll(error: Error): void {
    for (const w of [...this.waits.values()]) {
      this.close(w);
      w.reject?.(error);
    }
  }

  private answersFrom(w: Wait, sender: string): boolean {
    return sender === this.systemName || w.receivers.includes(sender) || w.receivers.some(isPattern);
  }

  private close(w: Wait): void {
    this.clock.clearTimer(w.timer);
    this.waits.delete(key(w.waiting, w.token));
    if (w.conversationId !== undefined) {
      const ck = key(w.waiting, w.conversationId);
      const set = this.byConversation.get(ck);
      if (set?.delete(w) && !set.size) this.byConversation.delete(ck);
    }
  }
}

function key(waiting: string, token: string): string {
  return `${waiting}\u0000${token}`;
}

/** The deadline `reply_by` sets, as a delay from now in ms (undefined when absent or unreadable). */
export function replyByDelay(message: FipaMessage, clock: Clock): number | undefined {
  if (!message.reply_by) return undefined;
  // Read as the editor reads it: a date that does not exist is no deadline (the editor marks it an error).
  const at = parseReplyBy(message.reply_by);
  if (at === undefined) return undefined;
  return Math.max(0, at - clock.wallTime());
}

/** A receiver that names no agent until routing resolves it. */
function isPattern(receiver: string): boolean {
  return receiver === 'broadcast' || receiver.startsWith('topic://');
}
