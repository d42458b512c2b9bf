/**
 * The Runtime: the host shard (built-in agents, outside parties, request() callers) plus, when a session attaches
 * them, worker shards (runtime/shard). It is the coordinator: it owns the clock in stepped runs, merges the
 * shards' trace into one canonical order (docs/shards.md), and folds the trace into stats and conversation outcomes.
 * Options are normalised here, once; everything below trusts them.
 */
import { LIMITS, type AgentState, type FipaMessage, type TraceEvent, type TraceEventInput } from '../schemas';
import { RealClock, SimulatedClock, type Clock } from './core/clock';
import { seededRandom, type Random } from './core/random';
import {
  silentLogger,
  type AgentEndpoint,
  type BlackboardService,
  type CoordinationContext,
  type Logger,
  type MessageBus,
  type TraceSink,
} from './core/types';
import type { ConversationRecord } from './conversations/conversationLog';
import { replyByDelay } from './conversations/replyWaits';
import type { DeadLetter } from './router/deadLetters';
import { normaliseLimits, type RouterLimits } from './router/limits';
import { compileMessageValidator } from './router/messageValidator';
import type { AgentOptions, Envelope, ExternalListener, SubscriptionChange } from './router/router';
import { Activity, HOST_GROUP, Phase } from './shard/activity';
import { Directory } from './shard/directory';
import { OwnedClock } from './shard/ownedClock';
import { Shard, SYSTEM_AGENT, type BoundaryOut } from './shard/shard';
import { mergeStep, StepBuffer, type KeyedEvent } from './shard/stepTrace';
import type { ShardGroup, ShardLoss, StepResult } from './shard/shardGroup';
import { REMOTE_BASE, type BoundaryView, type RemoteLink, type Undeliverable } from './shard/transport';
import { RunFold } from './trace/runFold';
import { TraceRecorder, type TraceListener } from './trace/traceRecorder';

export { SYSTEM_AGENT };
export const DEFAULT_REQUEST_TIMEOUT_MS = LIMITS.requestTimeoutMs;

export interface RuntimeOptions {
  /** A name for the run (trace `run_started`). */
  name?: string;
  /** The node (process) of a cluster this runtime is: stamped on every trace event (docs/nats.md). */
  node?: string;
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
  /** Suppress messages whose message_id their receiver already got from the same sender (default true). */
  dedupe?: boolean;
  /** Where blackboard effects go (runtime/protocols/blackboard); without it they are refused. */
  blackboard?: BlackboardService;
  /**
   * Stepped runs: route every delivery through the coordinator at the step boundary, also between agents of one
   * shard, so `onBoundary` hooks (the debugger) see and may change all of them. Slower; the trace is the same.
   */
  observeAll?: boolean;
  /**
   * `immediate` (default): a message is delivered as soon as it is sent. `steps`: deterministic supersteps on a
   * SimulatedClock (docs/shards.md): the trace is then the same whatever the number of worker shards.
   */
  scheduling?: 'immediate' | 'steps';
}

/** The inputs of a run recorded in its `run_started` header (scenario, seed, workers, modules, clock, fork), for replay. */
export type RunInputs = Omit<Extract<TraceEventInput, { type: 'run_started' }>, 'type' | 'name' | 'agents'>;

export interface RuntimeStats {
  delivered: number;
  dropped: number;
  timeouts: number;
  violations: number;
  events: number;
}

/** An agent platform instance; see the file comment. */
export class Runtime implements MessageBus, CoordinationContext {
  /** The clock agents and coordinators see: timers fire as the activity that set them. */
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly trace: TraceSink;
  readonly bus: MessageBus = this;
  readonly name: string;
  readonly limits: RouterLimits;
  readonly stepped: boolean;
  readonly activity = new Activity();
  readonly directory: Directory;
  /** The host shard (shard 0). */
  readonly shard: Shard;
  private readonly baseClock: Clock;
  private readonly recorder: TraceRecorder;
  private readonly fold = new RunFold(SYSTEM_AGENT);
  private readonly buffer: StepBuffer | undefined;
  private readonly requestTimeoutMs: number;
  private readonly ownLifecycle = new Set<string>();
  private readonly disposals = new Set<Promise<void>>();
  private readonly outbox = new Map<number, Envelope[]>();
  private group: ShardGroup | undefined;
  private pendingBoundary: BoundaryOut = { commits: [], subscriptions: [] };
  private stepNo = 0;
  private stepping: Promise<void> | undefined;
  private kicked = false;
  private readonly stepListeners = new Set<(tick: number) => void>();
  private readonly boundaryHooks = new Set<(view: BoundaryView) => void | Promise<void>>();
  private remote: RemoteLink | undefined;
  private instantSteps = 0;
  private instantAt = -1;
  private ids = 0;
  private phase: 'created' | 'started' | 'stopping' | 'stopped' = 'created';

  constructor(options: RuntimeOptions = {}) {
    this.name = options.name ?? 'caxton-run';
    this.baseClock = options.clock ?? new RealClock();
    this.stepped = options.scheduling === 'steps';
    if (this.stepped && !(this.baseClock instanceof SimulatedClock))
      throw new RangeError("scheduling: 'steps' needs a SimulatedClock (deterministic runs); use 'immediate' on the real clock");
    this.clock = new OwnedClock(this.baseClock, this.activity);
    this.random = seededRandom(options.seed ?? 1);
    this.logger = options.logger ?? silentLogger;
    this.requestTimeoutMs = positive(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, 'requestTimeoutMs');
    const attempts = positive(options.deliveryAttempts, 1, 'deliveryAttempts');
    this.limits = normaliseLimits(options.limits);
    this.recorder = new TraceRecorder(this.baseClock, options.trace ?? [], (e, t) => this.fold.apply(e, t), options.node);
    this.buffer = this.stepped ? new StepBuffer(this.activity) : undefined;
    this.trace = this.buffer ?? this.recorder;
    this.directory = new Directory(0, (shard, envelope) => this.toShard(shard, envelope));
    this.shard = new Shard({
      clock: this.clock,
      activity: this.activity,
      trace: this.trace,
      limits: this.limits,
      requestTimeoutMs: this.requestTimeoutMs,
      attempts,
      dedupe: options.dedupe ?? true,
      protocolChecks: options.protocolChecks,
      blackboard: options.blackboard,
      validate: options.validateMessages ? compileMessageValidator() : undefined,
      stepped: this.stepped,
      directory: this.directory,
      observeAll: this.stepped && options.observeAll === true,
      onSubscription: (c) => this.subscriptionChanged([c], 0),
    });
  }

  private get router() {
    return this.shard.router;
  }

  /**
   * Emit run_started (once), naming `agents` (default: those added so far) and the run's `inputs` (for replay); call it
   * before loading sandboxed agents so the trace opens with it.
   */
  start(agents: readonly string[] = this.agentNames(), inputs: RunInputs = {}): void {
    if (this.phase !== 'created') return;
    this.phase = 'started';
    this.recorder.emit({ type: 'run_started', name: this.name, agents: [...agents], ...inputs });
  }

  /** Let worker shards host agents of this run (runtime/shard/shardGroup.ts); their trace joins this one. */
  attachShards(group: ShardGroup): void {
    if (this.group) throw new Error('worker shards are already attached');
    this.group = group;
    group.onRealtime({
      events: (events, t) => {
        for (const e of events) this.recorder.publish(e.e, t);
      },
      envelopes: (list) => this.router.receive(list),
      remote: (peer, list) => {
        for (const e of list) this.toShard(peer, e);
      },
      subscriptions: (changes, shard) => this.subscriptionChanged(changes, shard),
    });
  }

  /**
   * Reach agents of other nodes through `link` (NATS): their names join the directory with peer ids, envelopes for
   * them go to the link, and envelopes from them are delivered to whichever shard of this node hosts the receiver.
   */
  attachRemote(link: RemoteLink): void {
    if (this.remote) throw new Error('a remote link is already attached');
    this.remote = link;
    link.onDirectory((changes) => {
      this.directory.apply(changes);
      this.group?.directoryChanged(changes);
    });
    link.onEnvelopes((list) => this.receiveRemote(list));
    link.onSubscriptions?.((changes) => {
      for (const c of changes) this.router.applySubscription(c, false);
      this.group?.subscriptionsChanged(changes, -1);
    });
    link.onUndeliverable?.((report) => this.undeliverable(report));
    link.announce(this.directory.entries().filter((e) => e.shard < REMOTE_BASE));
    const own = this.router.subscriptions.list();
    if (own.length)
      link.subscriptions?.(
        own.map((s) => ({
          agent: s.agent,
          topic: s.topic,
          action: 'subscribe',
          ...(s.filter ? { filter: s.filter as Record<string, unknown> } : {}),
        })),
      );
  }

  /** Real time: a subscription change applied on shard `from` reaches the host's table, the other shards and other nodes. */
  private subscriptionChanged(changes: SubscriptionChange[], from: number): void {
    if (from !== 0) for (const c of changes) this.router.applySubscription(c, false);
    this.group?.subscriptionsChanged(changes, from);
    this.remote?.subscriptions?.(changes);
  }

  /** What a remote link gave up on: dead letters (traced, counted) whose senders are told, naming the node. */
  private undeliverable(report: Undeliverable): void {
    for (const e of report.envelopes) this.router.undeliverable(e, report.code, report.reason);
    if (report.unknown) this.trace.emit({ type: 'message_dropped', code: report.code, count: report.unknown, reason: report.reason });
  }

  /** Envelopes from another node: each receiver's share goes to the shard of this node that hosts it. */
  receiveRemote(envelopes: readonly Envelope[]): void {
    const byShard = new Map<number, Envelope[]>();
    for (const e of envelopes) {
      const split = new Map<number, string[]>();
      for (const name of e.to) {
        const shard = this.router.has(name) || this.router.isExternal(name) ? 0 : this.directory.get(name)?.shard;
        if (shard === undefined || shard >= REMOTE_BASE) continue; // not ours: a node only accepts its own agents
        const list = split.get(shard);
        if (list) list.push(name);
        else split.set(shard, [name]);
      }
      // Its message_sent is in the sender node's trace: this node's conversation log sees the message here.
      if (split.size && !e.effect) this.fold.log.observe(e.message, [...split.values()].flat(), SYSTEM_AGENT);
      for (const [shard, to] of split) {
        const list = byShard.get(shard);
        if (list) list.push({ ...e, to });
        else byShard.set(shard, [{ ...e, to }]);
      }
    }
    for (const [shard, list] of byShard) {
      if (shard === 0) this.router.receive(list);
      else for (const e of list) this.toShard(shard, e);
    }
  }

  /**
   * Stepped: run `hook` at every step boundary with the step's pending deliveries (all of them with observeAll),
   * before any is delivered; it may edit or remove entries, and the step waits for it (a debugger pauses here).
   */
  onBoundary(hook: (view: BoundaryView) => void | Promise<void>): () => void {
    this.boundaryHooks.add(hook);
    return () => {
      this.boundaryHooks.delete(hook);
    };
  }

  /** Record where an agent of a worker shard lives (the group calls this as it places agents). */
  placed(name: string, shard: number): void {
    this.directory.set({ name, shard, kind: 'agent' });
    this.group?.directoryChanged([{ name, shard, kind: 'agent' }]);
    this.remote?.announce([{ name, shard, kind: 'agent' }]);
  }

  /** Register an agent (in-process or sandboxed); `options` carry its grants and limits. Throws RangeError when full. */
  addAgent(endpoint: AgentEndpoint, options?: AgentOptions): void {
    if (this.phase === 'stopping' || this.phase === 'stopped')
      throw new Error(`cannot add '${endpoint.name}': the runtime is ${this.phase}`);
    if (this.directory.get(endpoint.name)?.kind === 'agent' && !this.router.has(endpoint.name)) {
      throw new RangeError(`an agent named '${endpoint.name}' is already running; agent names must be unique`);
    }
    this.router.add(endpoint, options);
    this.placed(endpoint.name, 0);
    if (options?.ownLifecycle) {
      this.ownLifecycle.add(endpoint.name);
      return;
    }
    this.setState(endpoint.name, 'loaded', 'added');
    this.setState(endpoint.name, 'running');
  }

  /** Unregister an agent; its queued messages become dead letters and it is disposed in the background. */
  removeAgent(name: string): void {
    const endpoint = this.router.remove(name);
    if (!endpoint) return;
    this.directory.delete(name);
    this.group?.directoryChanged([{ name, shard: -1, kind: 'agent' }]);
    this.remote?.announce([{ name, shard: -1, kind: 'agent' }]);
    this.setState(name, 'stopped', 'removed');
    this.ownLifecycle.delete(name);
    this.track(endpoint.dispose());
  }

  /** Every agent of the run (all shards), sorted. */
  agentNames(): string[] {
    return this.directory.agentNames().slice();
  }

  /** Subscribe an agent (or an outside party) to a topic pattern, e.g. from its manifest. Throws on a bad pattern. */
  subscribe(agent: string, topic: string, filter?: Record<string, unknown>): void {
    if (!this.router.has(agent) && !this.directory.get(agent)) this.addExternal(agent);
    const problem = this.router.subscribe(agent, topic, filter);
    if (problem) throw new Error(problem);
  }

  unsubscribe(agent: string, topic: string): void {
    this.router.unsubscribe(agent, topic);
  }

  /** Route a message; a sender that is not an agent becomes an outside party that can receive replies. */
  send(message: FipaMessage): void {
    if (message && typeof message.sender === 'string' && !this.router.has(message.sender) && !this.directory.get(message.sender))
      this.addExternal(message.sender);
    this.router.route(message);
    this.kick();
  }

  /** Send and wait for the reply (in_reply_to = reply_with); rejects with RequestTimeoutError after the timeout. */
  request(message: FipaMessage, options: { timeoutMs?: number } = {}): Promise<FipaMessage> {
    if (!message || typeof message !== 'object') return Promise.reject(new TypeError('request needs a message object'));
    const prepared = {
      ...message,
      reply_with: message.reply_with ?? this.nextId('r', message.sender),
      conversation_id: message.conversation_id ?? this.nextId('c', message.sender),
    };
    const timeoutMs = options.timeoutMs ?? replyByDelay(message, this.clock) ?? this.requestTimeoutMs;
    const reply = this.shard.conv.awaitReply(prepared, timeoutMs);
    this.send(prepared);
    return reply;
  }

  /** Listen to trace events; returns the function that stops listening. */
  onTrace(listener: TraceListener): () => void {
    return this.recorder.onEvent(listener);
  }

  /** Stepped: listen to the end of every step (its trace published, its messages on their way); returns the function that stops listening. */
  onStep(listener: (tick: number) => void): () => void {
    this.stepListeners.add(listener);
    return () => {
      this.stepListeners.delete(listener);
    };
  }

  /** Listen to messages delivered to outside parties (users, the CLI). */
  onExternalMessage(listener: ExternalListener): () => void {
    return this.router.onExternal(listener);
  }

  /** Resolves when no message is queued or being handled (timers may still be pending). Stepped runs step until then. */
  async idle(): Promise<void> {
    if (this.stepped) {
      await this.runSteps();
      return;
    }
    // Real time with worker shards: idle when the host and every worker are idle at the same moment.
    for (;;) {
      await this.router.idle();
      if (!this.group) return;
      await this.group.idle();
      if (this.router.inFlight === 0 && this.group.inFlight() === 0) return;
    }
  }

  /**
   * Stepped: run steps until no shard has work it can do at this instant, or `limits.maxStepsPerInstant` steps
   * have passed at it (a storm must not stop time). Returns whether it went quiet.
   */
  async runSteps(): Promise<'quiet' | 'busy'> {
    // One step loop at a time: a caller arriving while steps run waits for them, then looks again.
    while (this.stepping) await this.stepping;
    const run = this.stepLoop();
    this.stepping = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await run;
    } finally {
      this.stepping = undefined;
    }
  }

  /** Stepped: something was sent from outside any step (a caller, a test): run steps at this instant soon. */
  private kick(): void {
    if (!this.stepped || this.kicked || this.phase === 'stopped') return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      if (!this.stepping) void this.runSteps();
    });
  }

  private async stepLoop(): Promise<'quiet' | 'busy'> {
    const clock = this.baseClock as SimulatedClock;
    for (;;) {
      const now = clock.now();
      if (now !== this.instantAt) {
        this.instantAt = now;
        this.instantSteps = 0;
      }
      const due = clock.nextDeadline();
      const timersDue = due !== undefined && due <= now;
      const workersDue = this.group?.hasDueTimers(now) ?? false;
      if (!timersDue && !workersDue && !this.hasWork()) return 'quiet';
      if (++this.instantSteps > this.limits.maxStepsPerInstant) return 'busy';
      await this.step();
    }
  }

  /** Stepped: when the earliest timer of any shard is due (clock time), or undefined when none is pending. */
  nextDeadline(): number | undefined {
    const host = (this.baseClock as SimulatedClock).nextDeadline();
    const workers = this.group?.nextDeadline();
    if (host === undefined) return workers;
    return workers === undefined ? host : Math.min(host, workers);
  }

  /**
   * Simulated clock: let `ms` of run time pass, firing timers in order (stepped: each instant in steps until quiet,
   * so timeouts, restarts and scheduled messages play out as in a scenario run).
   */
  async advance(ms: number): Promise<void> {
    const clock = this.baseClock;
    if (!(clock instanceof SimulatedClock)) throw new RangeError('advance needs a SimulatedClock');
    if (!this.stepped) {
      await clock.advance(ms);
      return;
    }
    const end = clock.now() + ms;
    await this.runSteps();
    for (let next = this.nextDeadline(); next !== undefined && next <= end; next = this.nextDeadline()) {
      this.advanceTo(next);
      await this.runSteps();
    }
    this.advanceTo(end);
    await this.runSteps();
  }

  /** Stepped: move simulated time to `t` (timers due then fire in the next step). */
  advanceTo(t: number): void {
    (this.baseClock as SimulatedClock).moveTo(t);
  }

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
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), options.drainMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    if (!drained)
      this.logger.warn(`stopping with ${this.inFlight()} messages still in flight after ${options.drainMs ?? 10_000} ms of draining`);
    const names = this.router.names();
    for (const n of names) this.setState(n, 'draining', reason);
    for (const n of names) {
      const endpoint = this.router.remove(n);
      if (endpoint) this.track(endpoint.dispose());
      this.setState(n, 'stopped', reason);
    }
    for (const n of this.directory.agentNames().slice()) this.directory.delete(n);
    if (this.group) this.publishKeyed(await this.group.stop(reason, this.stepNo + 1));
    this.flushStep();
    this.shard.conv.dispose(reason);
    await Promise.allSettled([...this.disposals]);
    this.flushStep();
    for (const e of this.fold.log.endOpen()) this.recorder.emit(e);
    const s = this.stats();
    const transport = this.remote?.summary?.();
    this.recorder.emit({
      type: 'run_ended',
      reason,
      delivered: s.delivered,
      dropped: s.dropped,
      timeouts: s.timeouts,
      ...(transport ? { transport } : {}),
    });
    this.phase = 'stopped';
  }

  stats(): RuntimeStats {
    const f = this.fold;
    return { delivered: f.delivered, dropped: f.dropped, timeouts: f.timeouts, violations: f.violations, events: this.recorder.count };
  }

  deadLetters(): DeadLetter[] {
    return this.fold.deadLetters.list();
  }
  conversations(): ConversationRecord[] {
    return this.fold.log.list();
  }
  /** Messages queued for an agent of the host shard (0 for unknown names). */
  queued(agent: string): number {
    return this.router.queued(agent);
  }
  agentState(agent: string): AgentState | undefined {
    return this.fold.states.get(agent);
  }

  /** Record an agent's lifecycle change and trace it (a sandboxed agent reports its own through this). */
  reportState(agent: string, from: AgentState, to: AgentState, reason?: string): void {
    this.activity.run(this.activity.phase, agent, () =>
      this.trace.emit({ type: 'agent_state', agent, from, to, ...(reason ? { reason } : {}) }),
    );
  }

  /** Replies still awaited by the host shard (agents' waits in worker shards time out there). */
  pendingReplies(): number {
    return this.shard.conv.openWaits;
  }
  /** Messages queued or being handled right now (0 when idle). */
  inFlight(): number {
    return this.router.inFlight + this.outboxSize() + (this.group?.inFlight() ?? 0);
  }

  /** Publish events that shards produced outside a step (agents starting), merged by key. */
  publishKeyed(events: readonly KeyedEvent[]): void {
    this.flushStep();
    this.publishStep(mergeStep([events.slice()]), this.baseClock.now(), this.stepped ? this.stepNo : undefined);
  }

  /** A worker shard was terminated by the watchdog: its culprit failed, what it held was lost (counted, one event). */
  shardLost(loss: ShardLoss): void {
    const emit = (e: TraceEventInput) => this.recorder.emit(e);
    if (loss.culprit)
      emit({
        type: 'agent_state',
        agent: loss.culprit,
        from: 'running',
        to: 'failed',
        reason: `timeout: ${loss.reason}; its shard (${loss.shard}) was terminated`,
      });
    if (loss.queued > 0) {
      emit({
        type: 'message_dropped',
        code: 'shard_lost',
        count: loss.queued,
        reason: `${loss.queued} message(s) queued in shard ${loss.shard} (${loss.agents.join(', ')}) were lost when it was terminated: ${loss.reason}`,
      });
    }
  }

  /** The worker shards, when attached. */
  get shards(): ShardGroup | undefined {
    return this.group;
  }

  /** Stepped: one superstep over every shard (timers, arrive, handle, commit), then the merged trace. */
  private async step(): Promise<void> {
    // What happened since the last step (start-up, callers outside any step) belongs to the previous step: its
    // protocol moves and subscriptions join that boundary, its events that tick.
    const between = this.shard.takeBoundary();
    const boundaries = [this.pendingBoundary];
    if (between.commits.length || between.subscriptions.length) {
      this.shard.applyBoundary(between, true);
      boundaries.push(between);
    }
    this.flushStep();
    const k = ++this.stepNo;
    const now = this.baseClock.now();
    const inbound = await this.boundary(k, now, this.takeOutbox());
    const workers = this.group ? this.group.step(k, now, inbound, boundaries) : Promise.resolve([] as StepResult[]);
    this.fireDueTimers(now);
    await this.shard.runStep();
    // Continuations of what the host handled (pattern drivers, pipelines) finish within this step.
    await new Promise<void>((r) => setImmediate(r));
    const results = await workers;
    // The boundary: every shard's subscription changes and protocol moves, applied here (announced) and sent on.
    const mine = this.shard.takeBoundary();
    const next: BoundaryOut = {
      subscriptions: stableByAgent([...mine.subscriptions, ...results.flatMap((r) => r.boundary.subscriptions)]),
      commits: [...mine.commits, ...results.flatMap((r) => r.boundary.commits)],
    };
    this.shard.applyBoundary(next, true);
    this.pendingBoundary = next;
    const lists: KeyedEvent[][] = [this.buffer!.take(), ...results.map((r) => r.events)];
    this.publishStep(mergeStep(lists), now, k);
    for (const r of results) {
      for (const [shard, list] of r.outbound) {
        // With boundary hooks, the host's share waits in the outbox too, so the hooks see every delivery.
        if (shard === 0 && !this.boundaryHooks.size) this.router.receive(list);
        else for (const e of list) this.toShard(shard, e);
      }
    }
    for (const l of this.stepListeners) {
      try {
        l(k);
      } catch {
        /* a listener's bug must not stop the run */
      }
    }
  }

  /** Let the boundary hooks (a debugger) see and change the step's deliveries; the host's share is handed to its router. */
  private async boundary(tick: number, time: number, outbox: Map<number, Envelope[]>): Promise<Map<number, Envelope[]>> {
    if (!this.boundaryHooks.size) {
      const own = outbox.get(0);
      if (own) {
        outbox.delete(0);
        this.router.receive(own);
      }
      return outbox;
    }
    const view: BoundaryView = {
      tick,
      time,
      pending: [...outbox].flatMap(([shard, list]) => list.map((envelope) => ({ shard, envelope }))),
    };
    for (const hook of this.boundaryHooks) await hook(view);
    const out = new Map<number, Envelope[]>();
    for (const { shard, envelope } of view.pending) {
      if (shard === 0) {
        this.router.receive([envelope]);
        continue;
      }
      const list = out.get(shard);
      if (list) list.push(envelope);
      else out.set(shard, [envelope]);
    }
    return out;
  }

  private fireDueTimers(now: number): void {
    const clock = this.baseClock as SimulatedClock;
    this.activity.run(Phase.timers, HOST_GROUP, () => {
      for (let due = clock.nextDeadline(); due !== undefined && due <= now; due = clock.nextDeadline()) clock.fireNext(now);
    });
  }

  /** Events buffered outside a step (stop, start-up) go out in key order too. */
  private flushStep(): void {
    if (!this.buffer?.length) return;
    this.publishStep(mergeStep([this.buffer.take()]), this.baseClock.now(), this.stepNo);
  }

  private publishStep(events: readonly KeyedEvent[], t: number, step: number | undefined): void {
    for (const e of events) this.recorder.publish(e.e, t, step);
  }

  /** Whether any shard has messages that can move now (arrivals, or mail of agents that are ready). */
  private hasWork(): boolean {
    return this.router.runnable() > 0 || this.outboxSize() > 0 || (this.group?.hasWork() ?? false);
  }

  private toShard(shard: number, envelope: Envelope): void {
    if (shard >= REMOTE_BASE) {
      if (this.remote) this.remote.forward(shard, envelope);
      return;
    }
    if (!this.stepped && this.group) {
      this.group.forward(shard, envelope);
      return;
    }
    const list = this.outbox.get(shard);
    if (list) list.push(envelope);
    else this.outbox.set(shard, [envelope]);
  }

  private takeOutbox(): Map<number, Envelope[]> {
    const out = new Map(this.outbox);
    this.outbox.clear();
    return out;
  }

  /** Deliveries waiting in the outbox (an envelope counts once per receiver). */
  private outboxSize(): number {
    let n = 0;
    for (const l of this.outbox.values()) for (const e of l) n += e.to.length;
    return n;
  }

  private addExternal(name: string): void {
    this.router.addExternal(name);
    this.directory.set({ name, shard: 0, kind: 'external' });
    this.group?.directoryChanged([{ name, shard: 0, kind: 'external' }]);
    this.remote?.announce([{ name, shard: 0, kind: 'external' }]);
  }

  private setState(agent: string, to: AgentState, reason?: string): void {
    if (this.ownLifecycle.has(agent)) return;
    const from = this.fold.states.get(agent) ?? 'unloaded';
    if (from === to) return;
    this.fold.states.set(agent, to);
    this.reportState(agent, from, to, reason);
  }

  private track(p: Promise<void>): void {
    const guarded = p.catch((e: unknown) => this.logger.warn(`disposing an agent failed: ${(e as Error)?.message ?? e}`));
    this.disposals.add(guarded);
    void guarded.then(() => this.disposals.delete(guarded));
  }

  /** A fresh id for request() (reply_with, conversation_id), namespaced by the sender so no agent can predict or forge another's. */
  private nextId(prefix: string, sender: string): string {
    return `${prefix}-${sender}-${++this.ids}`;
  }
}

/** Subscription changes in canonical order: by agent (each agent's own changes keep their order). */
function stableByAgent<T extends { agent: string }>(list: T[]): T[] {
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.agent < b.c.agent ? -1 : a.c.agent > b.c.agent ? 1 : a.i - b.i))
    .map((x) => x.c);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number (got ${JSON.stringify(value)})`);
  return value;
}

export type { AgentOptions, TraceEvent, TraceEventInput };
