/**
 * The worker thread of one shard: a Shard whose agents run in this thread (in-thread wasm instances). It answers
 * the coordinator's commands (shardProtocol.ts): one `step` per superstep in simulated runs, or a stream of
 * `deliver`/`out` batches in real time. Never the main thread: a runaway agent here cannot freeze the editor.
 */
import { parentPort } from 'node:worker_threads';
import type { TraceEventInput } from '../../schemas';
import { RealClock, SimulatedClock, absoluteNow, type Clock } from '../core/clock';
import type { TraceSink } from '../core/types';
import type { Envelope, SubscriptionChange } from '../router/router';
import { compileMessageValidator } from '../router/messageValidator';
import { AgentInstance } from '../sandbox/agentInstance';
import { Activity, Phase } from './activity';
import { Directory } from './directory';
import { InThreadAgent, type InstanceFactory } from './inThreadAgent';
import { JsEngineSlot } from '../sandbox/js/jsShardFactory';
import { loadQuickJsWasm } from '../node/files/quickJsWasm';
import type { JsCode } from '../sandbox/workerProtocol';
import type { WasmModule } from '../sandbox/wasmApi';
import { OwnedClock } from './ownedClock';
import { Shard } from './shard';
import type { AgentSpec, FromShard, ShardInit, StepOut, ToShard } from './shardProtocol';
import { StepBuffer } from './stepTrace';

const port = parentPort;

/** Streams events in real time, stamped with this thread's view of the shared clock. */
class StreamSink implements TraceSink {
  events: Array<{ t: number; e: TraceEventInput }> = [];
  constructor(
    private readonly clock: Clock,
    private readonly kick: () => void,
  ) {}
  emit(e: TraceEventInput): void {
    this.events.push({ t: this.clock.now(), e });
    this.kick();
  }
}

class ShardHost {
  private readonly activity = new Activity();
  private readonly base: SimulatedClock | RealClock;
  private readonly clock: OwnedClock;
  private readonly directory: Directory;
  private readonly shard: Shard;
  private readonly buffer?: StepBuffer;
  private readonly stream?: StreamSink;
  private readonly agents = new Map<string, InThreadAgent>();
  private readonly index = new Map<string, number>();
  private readonly watch: Float64Array;
  private outbox = new Map<number, Envelope[]>();
  /** Real time: subscription changes of this shard's agents, for the coordinator to hand to every other shard. */
  private subscriptionsOut: SubscriptionChange[] = [];
  private flushScheduled = false;
  private acked = 0;
  private ackedSent = 0;
  private lastInFlight = 0;

  constructor(private readonly init: ShardInit) {
    this.base = init.stepped ? new SimulatedClock(init.epochWallMs) : new RealClock(init.epochMs);
    this.clock = new OwnedClock(this.base, this.activity);
    this.watch = new Float64Array(init.watch);
    this.directory = new Directory(init.shard, (shard, envelope) => this.toOutbox(shard, envelope));
    this.directory.apply(init.directory);
    if (init.stepped) this.buffer = new StepBuffer(this.activity);
    else this.stream = new StreamSink(this.clock, () => this.scheduleFlush());
    this.shard = new Shard({
      clock: this.clock,
      activity: this.activity,
      trace: (this.buffer ?? this.stream)!,
      limits: init.limits,
      requestTimeoutMs: init.requestTimeoutMs,
      attempts: init.attempts,
      dedupe: init.dedupe,
      protocolChecks: init.protocolChecks,
      validate: init.validate ? compileMessageValidator() : undefined,
      stepped: init.stepped,
      directory: this.directory,
      observeAll: init.observeAll,
      onSubscription: (c) => {
        this.subscriptionsOut.push(c);
        this.scheduleFlush();
      },
    });
  }

  async load(id: number, specs: AgentSpec[]): Promise<void> {
    // A TypeScript/JavaScript agent needs its QuickJS engine first (asynchronous to make); then all start in order.
    for (const spec of specs)
      if (spec.kind === 'js') this.jsEngines.set(spec.name, await JsEngineSlot.open(loadQuickJsWasm(), spec.limits.memoryBytes));
    const results: Array<{ name: string; error?: import('../core/types').AgentError; memoryBytes?: number }> = [];
    for (const spec of specs) {
      const error = this.activity.run(Phase.timers, spec.name, () => this.startAgent(spec));
      results.push({ name: spec.name, ...(error ? { error } : { memoryBytes: this.agents.get(spec.name)?.totals.memoryBytes }) });
    }
    this.post({ type: 'loaded', id, results, events: this.takeEvents() });
  }

  private startAgent(spec: AgentSpec): import('../core/types').AgentError | undefined {
    const idx = this.index.size + 1;
    this.index.set(spec.name, idx);
    const watch = {
      begin: (timeoutMs: number) => {
        this.watch[1] = absoluteNow() + timeoutMs;
        this.watch[0] = idx;
      },
      end: () => {
        this.watch[0] = 0;
      },
    };
    const js = this.jsEngines.get(spec.name);
    const factory = (module = spec.module): InstanceFactory =>
      spec.kind === 'js' && js
        ? js.factory(spec, module as JsCode)
        : () =>
            AgentInstance.create({
              name: spec.name,
              module: module as WasmModule,
              grants: spec.grants,
              limits: spec.limits,
              seed: spec.seed,
              metered: spec.metered,
            });
    const agent = new InThreadAgent({
      name: spec.name,
      create: factory(),
      limits: spec.limits,
      restart: spec.restart,
      clock: this.clock,
      watch,
      onStateChange: (c) =>
        this.activity.run(this.activity.phase, c.agent, () =>
          this.sink.emit({ type: 'agent_state', agent: c.agent, from: c.from, to: c.to, ...(c.reason ? { reason: c.reason } : {}) }),
        ),
      onReady: () => this.shard.router.wake(spec.name),
    });
    const error = agent.start();
    if (error) return error;
    this.agents.set(spec.name, agent);
    this.shard.router.add(agent, { grants: spec.grants, mailbox: spec.mailbox, maxMessageBytes: spec.maxMessageBytes, ownLifecycle: true });
    this.factories.set(spec.name, factory);
    return undefined;
  }

  private readonly factories = new Map<string, (module?: AgentSpec['module']) => InstanceFactory>();
  /** TypeScript/JavaScript agents' engines, by agent. */
  private readonly jsEngines = new Map<string, JsEngineSlot>();

  /** Events so far as keyed events (real time: in the order they happened). */
  private takeEvents(): import('./stepTrace').KeyedEvent[] {
    if (this.buffer) return this.buffer.take();
    const events = this.stream!.events;
    this.stream!.events = [];
    return events.map(({ e }, i) => ({ p: 0, g: '', i, e }));
  }

  private get sink(): TraceSink {
    return (this.buffer ?? this.stream)!;
  }

  async step(msg: Extract<ToShard, { type: 'step' }>): Promise<void> {
    this.directory.apply(msg.directory);
    for (const b of msg.boundaries) this.shard.applyBoundary(b, false);
    const clock = this.base as SimulatedClock;
    clock.moveTo(msg.now);
    this.activity.run(Phase.timers, '~timers', () => {
      for (let due = clock.nextDeadline(); due !== undefined && due <= msg.now; due = clock.nextDeadline()) clock.fireNext(msg.now);
    });
    if (msg.inbound.length) this.shard.router.receive(msg.inbound);
    await this.shard.runStep();
    const out: StepOut = {
      outbound: this.takeOutbox(),
      events: this.buffer!.take(),
      boundary: this.shard.takeBoundary(),
      runnable: this.shard.router.runnable(),
      inFlight: this.shard.router.inFlight,
      nextDeadline: clock.nextDeadline(),
    };
    this.post({ type: 'stepped', step: msg.step, ...out });
  }

  deliver(msg: Extract<ToShard, { type: 'deliver' }>): void {
    this.acked++;
    this.scheduleFlush();
    this.directory.apply(msg.directory);
    if (msg.boundary) for (const c of msg.boundary.subscriptions) this.shard.router.applySubscription(c, false);
    if (msg.inbound.length) this.shard.router.receive(msg.inbound);
  }

  reload(id: number, agent: string, module: AgentSpec['module']): void {
    const a = this.agents.get(agent);
    const factory = this.factories.get(agent);
    if (!a || !factory) {
      this.post({ type: 'reloaded', id, error: `no agent '${agent}' in this shard` });
      return;
    }
    try {
      this.activity.run(Phase.handle, agent, () => a.reload(factory(module), 'hot reload'));
      this.post({ type: 'reloaded', id });
    } catch (e) {
      this.post({ type: 'reloaded', id, error: (e as Error).message });
    }
  }

  stop(id: number, reason: string): void {
    for (const name of [...this.agents.keys()].sort()) {
      this.activity.run(Phase.commit, name, () => {
        this.shard.router.remove(name);
        this.agents.get(name)!.stop(reason);
      });
    }
    this.agents.clear();
    this.shard.conv.dispose(reason);
    this.post({ type: 'stopped', id, events: this.takeEvents() });
  }

  private toOutbox(shard: number, envelope: Envelope): void {
    const list = this.outbox.get(shard);
    if (list) list.push(envelope);
    else this.outbox.set(shard, [envelope]);
    if (!this.init.stepped) this.scheduleFlush();
  }

  private takeOutbox(): Array<[number, Envelope[]]> {
    const out = [...this.outbox];
    this.outbox = new Map();
    return out;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Real time: send what was produced since the last flush, in one message. */
  private flush(): void {
    if (!this.stream) return;
    const inFlight = this.shard.router.inFlight;
    if (
      !this.outbox.size &&
      !this.stream.events.length &&
      !this.subscriptionsOut.length &&
      this.ackedSent === this.acked &&
      inFlight === this.lastInFlight
    )
      return;
    // Still busy (agents handling in turns): report again once they are done, so the coordinator sees idle.
    if (inFlight > 0) this.scheduleFlush();
    const events = this.stream.events;
    this.stream.events = [];
    this.ackedSent = this.acked;
    this.lastInFlight = inFlight;
    const subscriptions = this.subscriptionsOut;
    this.subscriptionsOut = [];
    this.post({
      type: 'out',
      outbound: this.takeOutbox(),
      events,
      inFlight,
      acked: this.acked,
      ...(subscriptions.length ? { subscriptions } : {}),
    });
  }

  /** Real time: what the shard traced goes out before the answer to a request, so the coordinator sees it first. */
  private post(msg: FromShard): void {
    if (msg.type !== 'out' && this.stream?.events.length) this.flush();
    port!.postMessage(msg);
  }
}

let host: ShardHost | undefined;
let queue: Promise<void> = Promise.resolve();

function onMessage(msg: ToShard): void {
  // Commands run one after another: a step finishes before the next command is looked at.
  queue = queue
    .then(() => handle(msg))
    .catch((e: unknown) => port!.postMessage({ type: 'fatal', error: (e as Error)?.stack ?? String(e) } satisfies FromShard));
}

async function handle(msg: ToShard): Promise<void> {
  if (msg.type === 'init') {
    host = new ShardHost(msg.init);
    port!.postMessage({ type: 'ready' } satisfies FromShard);
    return;
  }
  if (!host) throw new Error(`shard worker got '${msg.type}' before 'init'`);
  switch (msg.type) {
    case 'load':
      return host.load(msg.id, msg.agents);
    case 'step':
      return host.step(msg);
    case 'deliver':
      return host.deliver(msg);
    case 'reload':
      return host.reload(msg.id, msg.agent, msg.module);
    case 'unload':
      return undefined;
    case 'stop':
      return host.stop(msg.id, msg.reason);
  }
}

if (port) port.on('message', onMessage);
