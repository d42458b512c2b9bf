/**
 * The worker shards of a run, as the coordinator (the Runtime, on the main thread) sees them: placement, the
 * directory replicas, one batch per shard per step (simulated) or streamed batches (real time), and the wall-clock
 * watchdog that terminates a stuck shard and restarts its agents on a fresh thread.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { TraceEventInput } from '../../schemas';
import { absoluteNow } from '../core/clock';
import type { AgentError, Logger } from '../core/types';
import type { Envelope, SubscriptionChange } from '../router/router';
import type { DirectoryEntry } from './directory';
import type { BoundaryOut } from './shard';
import type { AgentSpec, FromShard, ShardInit, StepOut, ToShard } from './shardProtocol';
import type { KeyedEvent } from './stepTrace';
import { placeAgents, type PlacementRequest } from './placement';
import { REMOTE_BASE } from './transport';
import { reserveTables } from '../sandbox/tableBudget';
import { releaseWarmWorkers, startWarmWorkers, takeWarmWorker } from './warmWorkers';

/** What one worker shard's step produced. */
export type StepResult = StepOut & { shard: number };

export interface ShardGroupOptions {
  /** Worker shards (>= 1). */
  workers: number;
  init: Omit<ShardInit, 'shard' | 'directory' | 'watch'>;
  /** The worker script; default `shardWorker.js` next to this module (tsc output or the esbuild bundle). */
  workerScript?: string;
  resourceLimits?: ResourceLimits;
  logger?: Logger;
  /** Called when the watchdog terminated a shard (for the trace): the culprit, the lost agents and what was queued. */
  onShardLost?: (loss: ShardLoss) => void;
}

/** What a terminated shard took with it. */
export interface ShardLoss {
  shard: number;
  culprit?: string;
  agents: string[];
  queued: number;
  reason: string;
  zombie: boolean;
}

interface Pending<T> {
  resolve(v: T): void;
}

/** Real time: where a worker shard's output goes on the coordinator. */
export interface RealtimeSink {
  events(events: KeyedEvent[], t: number): void;
  /** Envelopes for the host shard. */
  envelopes(list: Envelope[]): void;
  /** Envelopes for another node (peer >= REMOTE_BASE). */
  remote?(peer: number, list: Envelope[]): void;
  /** Subscription changes a worker shard applied (for the host's table and other nodes). */
  subscriptions?(changes: SubscriptionChange[], shard: number): void;
}

interface WorkerShard {
  id: number;
  worker: Worker;
  watch: Float64Array;
  agents: AgentSpec[];
  last: StepOut | undefined;
  realtimeInFlight: number;
  /** Real time: `deliver` batches sent, and how many the worker has taken (an `out` acknowledges them). */
  sent: number;
  acked: number;
  step?: Pending<StepResult>;
  requests: Map<number, Pending<FromShard>>;
  ready: Promise<void>;
}

const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 };
/** How often the watchdog looks at the shards' deadline slots (ms of real time). */
const WATCH_EVERY_MS = 5;

let zombies = 0;
/** Threads of this process that did not exit after terminate() (the CLI ends the process when its run is done). */
export function zombieThreads(): number {
  return zombies;
}

/**
 * Start `n` shard threads now (default script and limits), for the next ShardGroup: their scripts load while the
 * caller reads its workspace. The group takes what it needs and terminates the rest.
 */
export function prewarmShardWorkers(n: number): void {
  const script = defaultShardScript();
  if (n >= 1 && fs.existsSync(script)) startWarmWorkers(n, script, DEFAULT_RESOURCE_LIMITS);
}

/** Where the shard worker script is: next to the module that spawns it, unless overridden. */
export function defaultShardScript(): string {
  return process.env.CAXTON_SHARD_WORKER ?? path.join(__dirname, 'shardWorker.js');
}

/** See the file comment. */
export class ShardGroup {
  private readonly shards: WorkerShard[] = [];
  private readonly script: string;
  /** The directory a fresh worker starts with (by name: placing many agents stays linear). */
  private readonly directory = new Map<string, DirectoryEntry>();
  private pendingDirectory: DirectoryEntry[] = [];
  private readonly realtimeOut = new Map<number, Envelope[]>();
  private flushScheduled = false;
  private nextRequest = 1;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private realtime?: RealtimeSink;
  /** Real time: subscription changes for the workers' tables, with the shard they came from (it has them already). */
  private pendingSubscriptions: Array<{ change: SubscriptionChange; from: number }> = [];
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  private readonly culpritLosses = new Map<string, number>();
  /** Threads that did not exit after terminate() (V8 could not interrupt them). */
  zombies = 0;
  /** Shards the watchdog terminated. */
  losses = 0;

  constructor(private readonly options: ShardGroupOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1)
      throw new RangeError(`workers must be a positive integer (got ${options.workers})`);
    this.script = options.workerScript ?? defaultShardScript();
    if (!fs.existsSync(this.script)) {
      throw new Error(`shard worker script not found at ${this.script}; build it (node esbuild.mjs or tsc) or set CAXTON_SHARD_WORKER`);
    }
    for (let i = 1; i <= options.workers; i++) this.shards.push(this.spawn(i));
    releaseWarmWorkers();
  }

  get size(): number {
    return this.shards.length;
  }
  get stepped(): boolean {
    return this.options.init.stepped;
  }

  /** Real time: where streamed events and envelopes for the host go. */
  onRealtime(sink: RealtimeSink): void {
    this.realtime = sink;
  }

  /** Real time: subscription changes for every worker's table but `from`'s (0 or -1: all of them). */
  subscriptionsChanged(changes: readonly SubscriptionChange[], from: number): void {
    if (this.stepped || !changes.length) return;
    for (const change of changes) this.pendingSubscriptions.push({ change, from });
    this.scheduleFlush();
  }

  /** Which shard each agent goes to (placement.ts); shards are numbered from 1. */
  place(requests: readonly PlacementRequest[]): Map<string, number> {
    return placeAgents(
      requests,
      this.shards.map((s) => ({ id: s.id, agents: s.agents.length })),
    );
  }

  /** Start agents on their shards; results in the order given, with their load events (agent_state) merged by key. */
  async load(
    specs: ReadonlyArray<{ spec: AgentSpec; shard: number }>,
  ): Promise<{ results: Array<{ name: string; error?: AgentError; memoryBytes?: number }>; events: KeyedEvent[] }> {
    const byShard = new Map<number, AgentSpec[]>();
    const refused = new Map<string, { name: string; error: AgentError }>();
    for (const { spec, shard } of specs) {
      // Tables are memory too: a shard's agents share one table budget (runtime/sandbox/tableBudget.ts).
      const over = reserveTables(this.shard(shard), spec.name, spec.tableElements ?? 0);
      if (over) {
        refused.set(spec.name, { name: spec.name, error: { kind: 'memory_limit', message: over } });
        continue;
      }
      const list = byShard.get(shard);
      if (list) list.push(spec);
      else byShard.set(shard, [spec]);
    }
    const answers = await Promise.all(
      [...byShard].map(async ([id, list]) => {
        const shard = this.shard(id);
        const answer = (await this.request(shard, { type: 'load', agents: list })) as Extract<FromShard, { type: 'loaded' }>;
        const byName = new Map(list.map((s) => [s.name, s] as const));
        for (const r of answer.results) if (!r.error) shard.agents.push(byName.get(r.name)!);
        return answer;
      }),
    );
    const byName = new Map<string, { name: string; error?: AgentError; memoryBytes?: number }>([
      ...refused,
      ...answers.flatMap((a) => a.results).map((r) => [r.name, r] as const),
    ]);
    return { results: specs.map(({ spec }) => byName.get(spec.name)!), events: answers.flatMap((a) => a.events) };
  }

  /** Directory changes (agents placed or removed, outside parties) for every replica. */
  directoryChanged(entries: readonly DirectoryEntry[]): void {
    for (const e of entries) {
      if (e.shard >= 0) this.directory.set(e.name, e);
      else this.directory.delete(e.name);
      this.pendingDirectory.push(e);
    }
    if (!this.stepped) this.scheduleFlush();
  }

  /** Stepped: run step `k` on every shard with its inbound envelopes and the last boundary; resolves with every result. */
  step(k: number, now: number, inbound: ReadonlyMap<number, Envelope[]>, boundaries: BoundaryOut[]): Promise<StepResult[]> {
    const directory = this.pendingDirectory;
    this.pendingDirectory = [];
    return Promise.all(
      this.shards.map(
        (s) =>
          new Promise<StepResult>((resolve) => {
            s.step = { resolve };
            s.worker.postMessage({ type: 'step', step: k, now, inbound: inbound.get(s.id) ?? [], boundaries, directory } satisfies ToShard);
          }),
      ),
    );
  }

  /** Real time: hand an envelope to a worker shard (sent with others at the end of this turn). */
  forward(shard: number, envelope: Envelope): void {
    const list = this.realtimeOut.get(shard);
    if (list) list.push(envelope);
    else this.realtimeOut.set(shard, [envelope]);
    this.scheduleFlush();
  }

  /** Whether a shard has messages that can move in the next step. */
  hasWork(): boolean {
    return this.shards.some((s) => (s.last?.runnable ?? 0) > 0 || (s.last?.outbound.length ?? 0) > 0);
  }
  /** Messages queued in worker shards (last report). */
  inFlight(): number {
    let n = 0;
    for (const s of this.shards) n += this.queuedIn(s);
    for (const l of this.realtimeOut.values()) n += l.length;
    return n;
  }
  /** Messages one worker shard holds: its last step's report, or (real time) its last report plus batches it has not taken yet. */
  private queuedIn(s: WorkerShard): number {
    return this.stepped ? (s.last?.inFlight ?? 0) : s.realtimeInFlight + (s.sent - s.acked);
  }
  /** The earliest timer of the worker shards (clock ms). */
  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const s of this.shards) {
      const d = s.last?.nextDeadline;
      if (d !== undefined && (min === undefined || d < min)) min = d;
    }
    return min;
  }
  hasDueTimers(now: number): boolean {
    const d = this.nextDeadline();
    return d !== undefined && d <= now;
  }

  /** Real time: resolves when the worker shards report nothing in flight. */
  idle(): Promise<void> {
    if (this.inFlight() === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /**
   * Hot reload an agent's module in its shard; the error sentence when the new module was refused. The new module's
   * tables are counted against the shard's table budget as at load (the old module's reservation is given back
   * when the new one is refused).
   */
  async reload(agent: string, module: AgentSpec['module'], tableElements = 0): Promise<string | undefined> {
    const shard = this.shards.find((s) => s.agents.some((a) => a.name === agent));
    if (!shard) return `no agent '${agent}' in a worker shard`;
    const before = shard.agents.find((a) => a.name === agent)?.tableElements ?? 0;
    const over = reserveTables(shard, agent, tableElements);
    if (over) return `the new module ${over}`;
    const answer = (await this.request(shard, { type: 'reload', agent, module })) as Extract<FromShard, { type: 'reloaded' }>;
    if (answer.error) reserveTables(shard, agent, before, Number.POSITIVE_INFINITY);
    else shard.agents = shard.agents.map((a) => (a.name === agent ? { ...a, module, tableElements } : a));
    return answer.error;
  }

  /** Stop every agent of every shard and terminate the workers; the stop events (agent_state) by key. */
  async stop(reason: string, step: number): Promise<KeyedEvent[]> {
    if (this.stopped) return [];
    this.stopped = true;
    clearInterval(this.watchdog);
    const answers = await Promise.all(this.shards.map((s) => this.request(s, { type: 'stop', reason, step }).catch(() => undefined)));
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
    return answers.flatMap((a) => (a && a.type === 'stopped' ? a.events : []));
  }

  private shard(id: number): WorkerShard {
    const s = this.shards.find((x) => x.id === id);
    if (!s) throw new RangeError(`no shard ${id} (shards 1..${this.shards.length})`);
    return s;
  }

  private spawn(id: number, agents: AgentSpec[] = []): WorkerShard {
    const sab = new SharedArrayBuffer(16);
    const resourceLimits = this.options.resourceLimits ?? DEFAULT_RESOURCE_LIMITS;
    const worker = takeWarmWorker(this.script, resourceLimits) ?? new Worker(this.script, { resourceLimits, stdout: false, stderr: false });
    const shard: WorkerShard = {
      id,
      worker,
      watch: new Float64Array(sab),
      agents,
      last: undefined,
      realtimeInFlight: 0,
      sent: 0,
      acked: 0,
      requests: new Map(),
      ready: Promise.resolve(),
    };
    shard.ready = new Promise<void>((resolve) => {
      worker.on('message', (msg: FromShard) => {
        if (msg.type === 'ready') {
          resolve();
          return;
        }
        this.onMessage(shard, msg);
      });
    });
    worker.on('error', (err) => this.lose(shard, undefined, `shard ${id} failed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.stopped) this.lose(shard, undefined, `shard ${id} exited (code ${code})`);
    });
    const init: ShardInit = { ...this.options.init, shard: id, directory: [...this.directory.values()], watch: sab };
    worker.postMessage({ type: 'init', init } satisfies ToShard);
    this.watchdog ??= setInterval(() => this.checkDeadlines(), WATCH_EVERY_MS);
    this.watchdog.unref?.();
    return shard;
  }

  private request(
    shard: WorkerShard,
    msg: ToShard extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never,
  ): Promise<FromShard> {
    const id = this.nextRequest++;
    return new Promise((resolve) => {
      shard.requests.set(id, { resolve });
      shard.worker.postMessage({ ...msg, id } as ToShard);
    });
  }

  private onMessage(shard: WorkerShard, msg: FromShard): void {
    switch (msg.type) {
      case 'stepped': {
        const { type: _t, step: _s, ...out } = msg;
        shard.last = out;
        const pending = shard.step;
        shard.step = undefined;
        pending?.resolve({ ...out, shard: shard.id });
        return;
      }
      case 'out': {
        shard.realtimeInFlight = msg.inFlight;
        shard.acked = msg.acked;
        // Events first: a message is traced as sent before the host traces its delivery.
        for (const { t, e } of msg.events) this.realtime?.events([{ p: 0, g: '', i: 0, e: e as TraceEventInput }], t);
        if (msg.subscriptions?.length) {
          this.subscriptionsChanged(msg.subscriptions, shard.id);
          this.realtime?.subscriptions?.(msg.subscriptions, shard.id);
        }
        for (const [dest, list] of msg.outbound) {
          if (dest === 0) this.realtime?.envelopes(list);
          else if (dest >= REMOTE_BASE) this.realtime?.remote?.(dest, list);
          else for (const e of list) this.forward(dest, e);
        }
        if (this.inFlight() === 0) for (const w of this.idleWaiters.splice(0)) w();
        return;
      }
      case 'fatal':
        this.options.logger?.error(`shard ${shard.id}: ${msg.error}`);
        return;
      default: {
        const id = (msg as { id?: number }).id;
        if (id === undefined) return;
        const pending = shard.requests.get(id);
        shard.requests.delete(id);
        pending?.resolve(msg);
      }
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const directory = this.pendingDirectory;
      this.pendingDirectory = [];
      const subscriptions = this.pendingSubscriptions;
      this.pendingSubscriptions = [];
      for (const s of this.shards) {
        const inbound = this.realtimeOut.get(s.id) ?? [];
        const mine = subscriptions.filter((x) => x.from !== s.id).map((x) => x.change);
        if (!inbound.length && !directory.length && !mine.length) continue;
        s.sent++;
        s.worker.postMessage({
          type: 'deliver',
          inbound,
          directory,
          ...(mine.length ? { boundary: { commits: [], subscriptions: mine } } : {}),
        } satisfies ToShard);
      }
      this.realtimeOut.clear();
    });
  }

  /** The watchdog: a shard whose current call is past its deadline is terminated and its agents restarted. */
  private checkDeadlines(): void {
    const now = absoluteNow();
    for (const s of this.shards) {
      if (s.watch[0] === 0 || now <= s.watch[1]) continue;
      const culprit = this.agentAt(s, s.watch[0]);
      this.lose(s, culprit, `${culprit ?? 'an agent'} ran past its wall-clock deadline`);
    }
  }

  private agentAt(s: WorkerShard, index: number): string | undefined {
    return s.agents[index - 1]?.name;
  }

  /** Terminate a shard, report what it took with it, and restart its other agents on a fresh worker. */
  private lose(shard: WorkerShard, culprit: string | undefined, reason: string): void {
    if (this.stopped || !this.shards.includes(shard)) return;
    this.losses++;
    const old = shard.worker;
    const exited = new Promise<boolean>((r) => {
      old.once('exit', () => r(true));
      setTimeout(() => r(false), 1000).unref();
    });
    old.removeAllListeners('exit');
    void old.terminate();
    void exited.then((ok) => {
      if (!ok) {
        this.zombies++;
        zombies++;
        this.options.logger?.error(`shard ${shard.id}: the thread did not stop after terminate(); the process will exit when the run ends`);
      }
    });
    // The culprit starts again too (a fresh instance, as after any failure) until it has cost its shard
    // `restart.maxRestarts` times: then it stays down and its messages are dead-lettered as for any failed agent.
    if (culprit) this.culpritLosses.set(culprit, (this.culpritLosses.get(culprit) ?? 0) + 1);
    const survivors = shard.agents.filter((a) => a.name !== culprit || (this.culpritLosses.get(culprit) ?? 0) <= a.restart.maxRestarts);
    const loss: ShardLoss = {
      shard: shard.id,
      culprit,
      agents: shard.agents.map((a) => a.name),
      queued: this.queuedIn(shard),
      reason,
      zombie: false,
    };
    const fresh = this.spawn(shard.id);
    this.shards[this.shards.indexOf(shard)] = fresh;
    this.options.onShardLost?.(loss);
    // The step in progress (if any) ends for the lost shard with nothing: its events and messages went with it.
    shard.step?.resolve({
      shard: shard.id,
      outbound: [],
      events: [],
      boundary: { commits: [], subscriptions: [] },
      runnable: 0,
      inFlight: 0,
    });
    for (const p of shard.requests.values()) p.resolve({ type: 'fatal', error: reason });
    if (survivors.length)
      void this.request(fresh, { type: 'load', agents: survivors }).then((a) => {
        if (a.type === 'loaded') for (const r of a.results) if (!r.error) fresh.agents.push(survivors.find((s) => s.name === r.name)!);
      });
  }
}
