/**
 * The conversation layer of one shard, around its router: live protocol checks, reply correlation, reply_by /
 * default request timeouts (a `timeout` event and a `failure` to whoever waits). Outcomes per conversation are
 * not kept here: they are a fold over the run's trace (conversationLog.ts), the same on one shard or many.
 */
import type { FipaMessage } from '../../schemas';
import type { Clock } from '../core/clock';
import { RequestTimeoutError, type TraceSink } from '../core/types';
import type { RoutingHooks } from '../router/router';
import type { OrderKey } from '../shard/activity';
import { ProtocolMonitor, type CommitHeader } from './protocolMonitor';
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
  /** Stepped runs: protocol moves are committed at step boundaries (protocolMonitor.ts). */
  stepped?: boolean;
}

/** Conversation tracking for one shard; implements the router's hooks. */
export class Conversations implements RoutingHooks {
  private readonly monitor: ProtocolMonitor;
  private readonly waits: ReplyWaits;
  /** Conversations whose protocol completed with the message being routed (ended once it is observed). */
  private readonly completedAfterObserve = new Set<string>();

  constructor(private readonly deps: ConversationDeps) {
    this.waits = new ReplyWaits(deps.clock, (w) => this.timedOut(w), deps.systemName);
    this.monitor = new ProtocolMonitor(undefined, deps.stepped === true);
  }

  /** Replies still awaited. */
  get openWaits(): number {
    return this.waits.size;
  }

  check(message: FipaMessage, to: readonly string[], order?: OrderKey): { reason: string; expected: string[] } | undefined {
    if (this.deps.protocolChecks === false) return undefined;
    const { violation, completed } = this.monitor.check(message, to, order);
    if (violation) {
      this.deps.trace.emit({
        type: 'protocol_violation',
        ...(message.conversation_id ? { conversation_id: message.conversation_id } : {}),
        protocol: violation.protocol,
        message,
        expected: violation.expected.join(', ') || 'nothing: the conversation is over',
        reason: violation.reason,
      });
      return violation;
    }
    if (completed) this.completedAfterObserve.add(message.conversation_id!);
    return undefined;
  }

  observe(message: FipaMessage, to: readonly string[]): void {
    const id = message.conversation_id;
    if (id && this.completedAfterObserve.delete(id)) this.ended(id, 'completed');
    if (message.sender === this.deps.systemName) return;
    const token = message.reply_with;
    if (token) this.waits.resolved(message.sender, token, to);
    const delay = replyByDelay(message, this.deps.clock);
    if (!token || (delay === undefined && !EXPECTS_REPLY.has(message.performative))) return;
    this.waits.open({
      waiting: message.sender,
      token,
      conversationId: message.conversation_id,
      receivers: to,
      timeoutMs: delay ?? this.deps.requestTimeoutMs,
    });
  }

  /** Real time: a message routed (and checked) on another shard arrived here, for `to`. */
  note(message: FipaMessage, to: readonly string[]): void {
    if (this.deps.protocolChecks !== false && message.sender !== this.deps.systemName) this.monitor.note(message, to);
  }

  /** A message reached `receiver`: it closes the agent waits it answers (request() waits are closed in claim). */
  arrive(message: FipaMessage, receiver: string): void {
    this.waits.answer(message, receiver, false);
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
      const opened = this.waits.open({
        waiting: message.sender,
        token: message.reply_with,
        conversationId: message.conversation_id,
        receivers,
        timeoutMs,
        resolve,
        reject,
      });
      if (!opened) reject(new Error(`${message.sender} is already waiting for a reply to '${message.reply_with}'; use a fresh reply_with`));
    });
  }

  /** Stepped: the protocol moves accepted on this shard during the step. */
  takeCommits(): CommitHeader[] {
    return this.monitor.takePending();
  }

  /** Stepped: apply a step's moves from every shard; `announce` emits conversation_ended for those completed (one shard does). */
  commit(headers: readonly CommitHeader[], announce: boolean): void {
    const completed = this.monitor.commit(headers);
    if (announce) for (const id of completed) this.ended(id, 'completed');
  }

  /** Stop waiting: every pending request() is rejected. */
  dispose(reason: string): void {
    this.waits.cancelAll(new Error(`the runtime stopped (${reason}) before the reply came`));
  }

  private ended(id: string, outcome: string): void {
    this.deps.trace.emit({ type: 'conversation_ended', conversation_id: id, outcome });
  }

  private timedOut(w: Wait): void {
    const reason = `no reply from ${w.receivers.join(', ')} within ${w.timeoutMs} ms to '${w.token}'`;
    this.deps.trace.emit({
      type: 'timeout',
      ...(w.conversationId ? { conversation_id: w.conversationId } : {}),
      waiting: w.waiting,
      reply_with: w.token,
      deadline: w.deadline,
      reason,
    });
    if (w.reject) {
      w.reject(new RequestTimeoutError(w.receivers.join(', '), w.timeoutMs, w.conversationId));
      return;
    }
    this.deps.send({
      performative: 'failure',
      sender: this.deps.systemName,
      receiver: w.waiting,
      in_reply_to: w.token,
      ...(w.conversationId ? { conversation_id: w.conversationId } : {}),
      content: { error: 'timeout', reason },
    });
  }
}
