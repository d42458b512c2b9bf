/**
 * The conversation layer around the router: live protocol checks, reply correlation, reply_by / default request
 * timeouts (a `timeout` event and a `failure` to whoever waits), and per-conversation outcomes.
 */
import type { FipaMessage } from '../../schemas';
import type { Clock } from '../core/clock';
import { RequestTimeoutError, type TraceSink } from '../core/types';
import type { RoutingHooks } from '../router/router';
import { ConversationLog, type ConversationRecord } from './conversationLog';
import { ProtocolMonitor } from './protocolMonitor';
import { EXPECTS_REPLY, ReplyWaits, replyByDelay, type Wait } from './replyWaits';

export interface ConversationDeps {
  clock: Clock;
  trace: TraceSink;
  systemName: string;
  /** Default time to wait for a reply (ms), when the message has no reply_by. */
  requestTimeoutMs: number;
  /** Route a runtime notice (the timeout `failure`). */
  send: (message: FipaMessage) => void;
  /** Check protocols live (default true). */
  protocolChecks?: boolean;
}

/** Conversation tracking for one runtime; implements the router's hooks. */
export class Conversations implements RoutingHooks {
  readonly log = new ConversationLog();
  private readonly monitor = new ProtocolMonitor();
  private readonly waits: ReplyWaits;
  private timeouts = 0;
  private violations = 0;
  /** Conversations whose protocol completed with the message being routed (ended once it is observed). */
  private readonly completedAfterObserve = new Set<string>();

  constructor(private readonly deps: ConversationDeps) {
    this.waits = new ReplyWaits(deps.clock, (w) => this.timedOut(w));
  }

  get timeoutCount(): number { return this.timeouts; }
  get violationCount(): number { return this.violations; }
  /** Replies still awaited. */
  get openWaits(): number { return this.waits.size; }

  check(message: FipaMessage, to: readonly string[]): { reason: string; expected: string[] } | undefined {
    if (this.deps.protocolChecks === false) return undefined;
    const { violation, completed } = this.monitor.check(message, to);
    if (violation) {
      this.violations++;
      this.deps.trace.emit({ type: 'protocol_violation', ...(message.conversation_id ? { conversation_id: message.conversation_id } : {}), protocol: violation.protocol, message, expected: violation.expected.join(', ') || 'nothing: the conversation is over' });
      this.log.mark(message.conversation_id, 'protocol_violation', violation.reason);
      return violation;
    }
    if (completed) this.completedAfterObserve.add(message.conversation_id!);
    return undefined;
  }

  observe(message: FipaMessage, to: readonly string[]): void {
    const { systemName } = this.deps;
    this.log.observe(message, to, systemName);
    // Replies close the waits of agents (request() waits are closed in claim, which takes the message).
    for (const r of to) this.waits.answer(message, r, false);
    const id = message.conversation_id;
    if (id && this.completedAfterObserve.delete(id)) this.end(id, 'completed');
    if (message.sender === systemName) return;
    const token = message.reply_with;
    const delay = replyByDelay(message, this.deps.clock);
    if (!token || (delay === undefined && !EXPECTS_REPLY.has(message.performative))) return;
    this.waits.open({ waiting: message.sender, token, conversationId: message.conversation_id, receivers: to, timeoutMs: delay ?? this.deps.requestTimeoutMs });
  }

  claim(message: FipaMessage, receiver: string): boolean {
    const taken = this.waits.answer(message, receiver, true);
    if (!taken?.resolve) return false;
    taken.resolve(message);
    return true;
  }

  /** Wait for the reply to `message` (which must carry reply_with); opened before routing so no reply is missed. */
  awaitReply(message: FipaMessage & { reply_with: string }, timeoutMs: number): Promise<FipaMessage> {
    return new Promise<FipaMessage>((resolve, reject) => {
      const receivers = Array.isArray(message.receiver) ? message.receiver : [message.receiver];
      const opened = this.waits.open({ waiting: message.sender, token: message.reply_with, conversationId: message.conversation_id, receivers, timeoutMs, resolve, reject });
      if (!opened) reject(new Error(`${message.sender} is already waiting for a reply to '${message.reply_with}'; use a fresh reply_with`));
    });
  }

  /** Stop waiting: every pending request() is rejected; open conversations get their final outcome event. */
  dispose(reason: string): void {
    this.waits.cancelAll(new Error(`the runtime stopped (${reason}) before the reply came`));
    for (const r of this.log.list()) if (!r.ended) this.end(r.id, r.outcome);
  }

  conversations(): ConversationRecord[] { return this.log.list(); }

  private end(id: string, outcome: string): void {
    const r = outcome === 'completed' ? this.log.mark(id, 'completed') : this.log.get(id);
    if (!r || r.ended) return;
    r.ended = true;
    this.deps.trace.emit({ type: 'conversation_ended', conversation_id: id, outcome: r.outcome });
  }

  private timedOut(w: Wait): void {
    this.timeouts++;
    this.deps.trace.emit({ type: 'timeout', ...(w.conversationId ? { conversation_id: w.conversationId } : {}), waiting: w.waiting, reply_with: w.token, deadline: w.deadline });
    const reason = `no reply from ${w.receivers.join(', ')} within ${w.timeoutMs} ms to '${w.token}'`;
    if (w.reject) {
      w.reject(new RequestTimeoutError(w.receivers.join(', '), w.timeoutMs, w.conversationId));
    } else {
      this.deps.send({
        performative: 'failure',
        sender: this.deps.systemName,
        receiver: w.waiting,
        in_reply_to: w.token,
        ...(w.conversationId ? { conversation_id: w.conversationId } : {}),
        content: { error: 'timeout', reason },
      });
    }
    // Marked after the notice so the conversation reads "timed out", not the notice's generic "failed".
    const id = this.log.keyOf({ performative: 'failure', sender: this.deps.systemName, receiver: w.waiting, conversation_id: w.conversationId, in_reply_to: w.token });
    this.log.mark(id, 'timed_out', reason);
    if (id) this.end(id, 'timed_out');
  }
}
