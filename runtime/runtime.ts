/**
 * The Runtime: router + conversations + trace, behind the MessageBus and CoordinationContext contracts.
 * Options are normalised here, once; everything below trusts them.
 */
import { LIMITS, type AgentState, type FipaMessage, type TraceEvent } from '../schemas';
import { RealClock, type Clock } from './core/clock';
import { seededRandom, type Random } from './core/random';
import {
  silentLogger, type AgentEndpoint, type BlackboardService, type CoordinationContext, type Logger, type MessageBus, type TraceSink,
} from './core/types';
import { Conversations } from './conversations/conversations';
import type { ConversationRecord } from './conversations/conversationLog';
import { replyByDelay } from './conversations/replyWaits';
import type { DeadLetter } from './router/deadLetters';
import { normaliseLimits, type RouterLimits } from './router/limits';
import { compileMessageValidator } from './router/messageValidator';
import { Router, type AgentOptions, type ExternalListener } from './router/router';
import { TraceRecorder, type TraceListener } from './trace/traceRecorder';

/** The name the runtime signs its own notices with (failure, not_understood, blackboard results). */
export const SYSTEM_AGENT = 'caxton';
export const DEFAULT_REQUEST_TIMEOUT_MS = LIMITS.requestTimeoutMs;

export interface RuntimeOptions {
  /** A name for the run (trace `run_started`). */
  name?: string;
  /** RealClock by default; SimulatedClock in tests. */
  clock?: Clock;
  /** Seed for the runtime's randomness (default 1). */
  seed?: number;
  logger?: Logger;
  /** Trace listeners (e.g. a JSONL writer); more can be added with onTrace. */
  trace?: TraceListener[];
  limits?: Partial<RouterLimits>;
  /** Default reply timeout in ms for request() and for messages that expect a reply without reply_by (default 30 s). */
  requestTimeoutMs?: number;
  /** Validate every message against message.schema.json on send (default false: agents' output is checked by the sandbox). */
  validateMessages?: boolean;
  /** Check conversations against their protocol live (default true). */
  protocolChecks?: boolean;
  /** Redeliver a fire-and-forget message up to this many times in all when its agent fails (default 1: at most once). */
  deliveryAttempts?: number;
  /** Suppress messages whose message_id their receiver already got (default true). */
  dedupe?: boolean;
  /** Where blackboard effects go (runtime/protocols/blackboard); without it they are refused. */
  blackboard?: BlackboardService;
}

export interface RuntimeStats { delivered: number; dropped: number; timeouts: number; violations: number; events: number }

/** An agent platform instance; see the file comment. */
export class Runtime implements MessageBus, CoordinationContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly trace: TraceSink;
  readonly bus: MessageBus = this;
  readonly name: string;
  private readonly recorder: TraceRecorder;
  private readonly router: Router;
  private readonly conv: Conversations;
  private readonly requestTimeoutMs: number;
  private readonly states = new Map<string, AgentState>();
  private readonly ownLifecycle = new Set<string>();
  private readonly disposals = new Set<Promise<void>>();
  private ids = 0;
  private phase: 'created' | 'started' | 'stopping' | 'stopped' = 'created';

  constructor(options: RuntimeOptions = {}) {
    this.name = options.name ?? 'caxton-run';
    this.clock = options.clock ?? new RealClock();
    this.random = seededRandom(options.seed ?? 1);
    this.logger = options.logger ?? silentLogger;
    this.requestTimeoutMs = positive(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, 'requestTimeoutMs');
    const attempts = positive(options.deliveryAttempts, 1, 'deliveryAttempts');
    this.recorder = new TraceRecorder(this.clock, options.trace ?? []);
    this.trace = this.recorder;
    this.conv = new Conversations({
      clock: this.clock, trace: this.recorder, systemName: SYSTEM_AGENT, requestTimeoutMs: this.requestTimeoutMs,
      send: (m) => this.router.route(m), protocolChecks: options.protocolChecks,
    });
    this.router = new Router({
      clock: this.clock, trace: this.recorder, limits: normaliseLimits(options.limits), systemName: SYSTEM_AGENT,
      nextId: () => this.nextId('m'), attempts, dedupe: options.dedupe ?? true, hooks: this.conv,
      blackboard: options.blackboard, validate: options.validateMessages ? compileMessageValidator() : undefined,
    });
  }

  /** Emit run_started (once), naming `agents` (default: those added so far); call it before loading sandboxed agents so the trace opens with it. */
  start(agents: readonly string[] = this.agentNames()): void {
    if (this.phase !== 'created') return;
    this.phase = 'started';
    this.recorder.emit({ type: 'run_started', name: this.name, agents: [...agents] });
  }

  /** Register an agent (in-process or sandboxed); `options` carry its grants and limits. Throws RangeError when full. */
  addAgent(endpoint: AgentEndpoint, options?: AgentOptions): void {
    if (this.phase === 'stopping' || this.phase === 'stopped') throw new Error(`cannot add '${endpoint.name}': the runtime is ${this.phase}`);
    this.router.add(endpoint, options);
    if (options?.ownLifecycle) { this.ownLifecycle.add(endpoint.name); return; }
    this.setState(endpoint.name, 'loaded', 'added');
    this.setState(endpoint.name, 'running');
  }

  /** Unregister an agent; its queued messages become dead letters and it is disposed in the background. */
  removeAgent(name: string): void {
    const endpoint = this.router.remove(name);
    if (!endpoint) return;
    this.setState(name, 'stopped', 'removed');
    this.ownLifecycle.delete(name);
    this.track(endpoint.dispose());
  }

  agentNames(): string[] { return this.router.names(); }

  /** Subscribe an agent (or an outside party) to a topic pattern, e.g. from its manifest. Throws on a bad pattern. */
  subscribe(agent: string, topic: string, filter?: Record<string, unknown>): void {
    if (!this.router.has(agent)) this.router.addExternal(agent);
    const problem = this.router.subscribe(agent, topic, filter);
    if (problem) throw new Error(problem);
  }

  unsubscribe(agent: string, topic: string): void { this.router.unsubscribe(agent, topic); }

  /** Route a message; a sender that is not an agent becomes an outside party that can receive replies. */
  send(message: FipaMessage): void {
    if (message && typeof message.sender === 'string' && !this.router.has(message.sender)) this.router.addExternal(message.sender);
    this.router.route(message);
  }

  /** Send and wait for the reply (in_reply_to = reply_with); rejects with RequestTimeoutError after the timeout. */
  request(message: FipaMessage, options: { timeoutMs?: number } = {}): Promise<FipaMessage> {
    if (!message || typeof message !== 'object') return Promise.reject(new TypeError('request needs a message object'));
    const prepared = {
      ...message,
      message_id: message.message_id ?? this.nextId('m'),
      reply_with: message.reply_with ?? this.nextId('r'),
      conversation_id: message.conversation_id ?? this.nextId('c'),
    };
    const timeoutMs = options.timeoutMs ?? replyByDelay(message, this.clock) ?? this.requestTimeoutMs;
    const reply = this.conv.awaitReply(prepared, timeoutMs);
    this.send(prepared);
    return reply;
  }

  /** Listen to trace events; returns the function that stops listening. */
  onTrace(listener: TraceListener): () => void { return this.recorder.onEvent(listener); }

  /** Listen to messages delivered to outside parties (users, the CLI). */
  onExternalMessage(listener: ExternalListener): () => void { return this.router.onExternal(listener); }

  /** Resolves when no message is queued or being handled (timers may still be pending). */
  idle(): Promise<void> { return this.router.idle(); }

  /**
   * Drain (wait for in-flight messages, at most `drainMs` of real time: agents that keep talking forever must not
   * hang the stop), then dispose every agent and emit run_ended.
   */
  async stop(reason = 'stopped', options: { drainMs?: number } = {}): Promise<void> {
    if (this.phase === 'stopping' || this.phase === 'stopped') return;
    this.phase = 'stopping';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const drained = await Promise.race([
      this.idle().then(() => true),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(false), options.drainMs ?? 10_000); }),
    ]);
    clearTimeout(timer);
    if (!drained) this.logger.warn(`stopping with ${this.router.inFlight} messages still in flight after ${options.drainMs ?? 10_000} ms of draining`);
    const names = this.agentNames();
    for (const n of names) this.setState(n, 'draining', reason);
    for (const n of names) {
      const endpoint = this.router.remove(n);
      if (endpoint) this.track(endpoint.dispose());
      this.setState(n, 'stopped', reason);
    }
    this.conv.dispose(reason);
    await Promise.allSettled([...this.disposals]);
    const s = this.stats();
    this.recorder.emit({ type: 'run_ended', reason, delivered: s.delivered, dropped: s.dropped, timeouts: s.timeouts });
    this.phase = 'stopped';
  }

  stats(): RuntimeStats {
    return {
      delivered: this.router.deliveredCount, dropped: this.router.droppedCount, timeouts: this.conv.timeoutCount,
      violations: this.conv.violationCount, events: this.recorder.count,
    };
  }

  deadLetters(): DeadLetter[] { return this.router.deadLetters.list(); }
  conversations(): ConversationRecord[] { return this.conv.conversations(); }
  /** Messages queued for an agent (0 for unknown names). */
  queued(agent: string): number { return this.router.queued(agent); }
  agentState(agent: string): AgentState | undefined { return this.states.get(agent); }

  /** Record an agent's lifecycle change and trace it (a sandboxed agent reports its own through this). */
  reportState(agent: string, from: AgentState, to: AgentState, reason?: string): void {
    this.states.set(agent, to);
    this.recorder.emit({ type: 'agent_state', agent, from, to, ...(reason ? { reason } : {}) });
  }

  /** Replies still awaited (by agents or request() callers). */
  pendingReplies(): number { return this.conv.openWaits; }
  /** Messages queued or being handled right now (0 when idle). */
  inFlight(): number { return this.router.inFlight; }

  private setState(agent: string, to: AgentState, reason?: string): void {
    if (this.ownLifecycle.has(agent)) return;
    const from = this.states.get(agent) ?? 'unloaded';
    if (from === to) return;
    this.states.set(agent, to);
    this.recorder.emit({ type: 'agent_state', agent, from, to, ...(reason ? { reason } : {}) });
  }

  private track(p: Promise<void>): void {
    const guarded = p.catch((e: unknown) => this.logger.warn(`disposing an agent failed: ${(e as Error)?.message ?? e}`));
    this.disposals.add(guarded);
    void guarded.then(() => this.disposals.delete(guarded));
  }

  private nextId(prefix: string): string { return `${prefix}-${++this.ids}`; }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number (got ${JSON.stringify(value)})`);
  return value;
}

export type { AgentOptions, TraceEvent };
