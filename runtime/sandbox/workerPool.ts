/**
 * Worker threads that run agents. Each worker runs one call at a time (wasm is synchronous), so the pool keeps
 * a FIFO per worker and starts the wall-clock deadline when a call is posted. A worker past its deadline is
 * terminated and replaced; the agents it hosted are told so they reload fresh instances.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './workerProtocol';

export interface WorkerPoolOptions {
  /** Workers in the pool (agents are spread over them, fewest-agents first). Default 1. */
  size?: number;
  /** The worker script; default `agentWorker.js` next to this module (tsc output or the esbuild bundle). */
  workerScript?: string;
  /** Second fence behind the sandbox: V8 heap limits for each worker. */
  resourceLimits?: ResourceLimits;
}

/** What a request ends with: the worker's answer, or why there was none. */
export type PoolOutcome =
  FromWorker | { type: 'timeout'; elapsedMs: number } | { type: 'lost'; reason: string } | { type: 'crashed'; reason: string };

type Request = ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'id'> : never) : never;

interface Job {
  msg: ToWorker;
  deadlineMs?: number;
  resolve(outcome: PoolOutcome): void;
}

interface Slot {
  worker?: Worker;
  /** The worker has started; until then a deadline would also count thread start-up. */
  online: boolean;
  agents: Set<string>;
  queue: Job[];
  current?: { job: Job; timer?: ReturnType<typeof setTimeout>; started: number };
}

const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 };

/** Where the worker script is: next to the module that spawns it, unless overridden. */
export function defaultWorkerScript(): string {
  return process.env.CAXTON_AGENT_WORKER ?? path.join(__dirname, 'agentWorker.js');
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly assigned = new Map<string, { slot: Slot; onLost: (reason: string) => void }>();
  private readonly script: string;
  private nextId = 1;
  private disposed = false;
  /** How many workers were terminated or died (for tests and benchmarks). */
  restarts = 0;

  constructor(private readonly opts: WorkerPoolOptions = {}) {
    const size = Math.max(1, Math.floor(opts.size ?? 1));
    for (let i = 0; i < size; i++) this.slots.push({ agents: new Set(), queue: [], online: false });
    this.script = opts.workerScript ?? defaultWorkerScript();
  }

  get size(): number {
    return this.slots.length;
  }
  /** Agents currently placed in the pool. */
  get agentCount(): number {
    return this.assigned.size;
  }

  /** Place an agent on the least-loaded worker; `onLost` is called when that worker dies under it. */
  assign(agent: string, onLost: (reason: string) => void): void {
    if (this.assigned.has(agent)) throw new Error(`agent id ${agent} is already in the pool`);
    const slot = this.slots.reduce((best, s) => (s.agents.size < best.agents.size ? s : best));
    slot.agents.add(agent);
    this.assigned.set(agent, { slot, onLost });
  }

  /** Send a request for `agent` to its worker; resolves when answered, timed out or lost. Never rejects. */
  request(req: Request, deadlineMs?: number): Promise<PoolOutcome> {
    const entry = this.assigned.get(req.agent);
    if (!entry || this.disposed) return Promise.resolve({ type: 'lost', reason: 'agent is not in the pool' });
    return new Promise((resolve) => {
      entry.slot.queue.push({ msg: { ...req, id: this.nextId++ } as ToWorker, deadlineMs, resolve });
      this.pump(entry.slot);
    });
  }

  /** Drop an agent's instance and its place in the pool. */
  async release(agent: string): Promise<void> {
    const entry = this.assigned.get(agent);
    if (!entry) return;
    if (entry.slot.worker) await this.request({ type: 'unload', agent });
    entry.slot.agents.delete(agent);
    this.assigned.delete(agent);
  }

  /** Terminate every worker. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const terminating: Array<Promise<number>> = [];
    for (const slot of this.slots) {
      for (const job of slot.queue.splice(0)) job.resolve({ type: 'lost', reason: 'pool disposed' });
      if (slot.current) {
        clearTimeout(slot.current.timer);
        slot.current.job.resolve({ type: 'lost', reason: 'pool disposed' });
        slot.current = undefined;
      }
      if (slot.worker) {
        terminating.push(slot.worker.terminate());
        slot.worker = undefined;
      }
    }
    await Promise.all(terminating);
  }

  private spawn(slot: Slot): Worker {
    if (!fs.existsSync(this.script)) {
      throw new Error(
        `agent worker script not found at ${this.script}; build it (node esbuild.mjs or tsc) or pass workerScript / set CAXTON_AGENT_WORKER`,
      );
    }
    const worker = new Worker(this.script, {
      resourceLimits: this.opts.resourceLimits ?? DEFAULT_RESOURCE_LIMITS,
      stdout: false,
      stderr: false,
    });
    worker.unref();
    slot.online = false;
    worker.once('online', () => {
      if (slot.worker !== worker) return;
      slot.online = true;
      if (slot.current && !slot.current.timer) this.armDeadline(slot, worker);
    });
    worker.on('message', (msg: FromWorker) => this.onAnswer(slot, worker, msg));
    worker.on('error', (err) => this.onDeath(slot, worker, { type: 'crashed', reason: `agent worker failed: ${err.message}` }));
    worker.on('exit', (code) => this.onDeath(slot, worker, { type: 'crashed', reason: `agent worker exited (code ${code})` }));
    slot.worker = worker;
    return worker;
  }

  private pump(slot: Slot): void {
    if (slot.current || this.disposed) return;
    const job = slot.queue.shift();
    if (!job) {
      slot.worker?.unref();
      return;
    }
    let worker: Worker;
    try {
      worker = slot.worker ?? this.spawn(slot);
    } catch (e) {
      job.resolve({ type: 'crashed', reason: (e as Error).message });
      this.pump(slot);
      return;
    }
    worker.ref(); // keep the process alive while a call is outstanding
    slot.current = { job, started: performance.now() };
    if (slot.online) this.armDeadline(slot, worker);
    worker.postMessage(job.msg);
  }

  /** Start the current call's wall-clock deadline (once the worker thread is up). */
  private armDeadline(slot: Slot, worker: Worker): void {
    const current = slot.current!;
    current.started = performance.now();
    if (current.job.deadlineMs !== undefined) current.timer = setTimeout(() => this.onDeadline(slot, worker), current.job.deadlineMs);
  }

  private onAnswer(slot: Slot, worker: Worker, msg: FromWorker): void {
    if (slot.worker !== worker || !slot.current || slot.current.job.msg.id !== msg.id) return;
    clearTimeout(slot.current.timer);
    const { job } = slot.current;
    slot.current = undefined;
    job.resolve(msg);
    this.pump(slot);
  }

  private onDeadline(slot: Slot, worker: Worker): void {
    if (slot.worker !== worker || !slot.current) return;
    const elapsedMs = performance.now() - slot.current.started;
    this.kill(slot, worker, { type: 'timeout', elapsedMs }, 'its worker was terminated after another agent overran its deadline');
  }

  private onDeath(slot: Slot, worker: Worker, outcome: PoolOutcome & { reason: string }): void {
    if (slot.worker !== worker || this.disposed) return;
    this.kill(slot, worker, outcome, outcome.reason);
  }

  /** Terminate the slot's worker: the current call gets `outcome`, queued calls are lost, hosted agents told. */
  private kill(slot: Slot, worker: Worker, outcome: PoolOutcome, lostReason: string): void {
    this.restarts++;
    slot.worker = undefined;
    void worker.terminate();
    const current = slot.current;
    slot.current = undefined;
    if (current) clearTimeout(current.timer);
    const culprit = current?.job.msg.agent;
    for (const agent of slot.agents) if (agent !== culprit) this.assigned.get(agent)?.onLost(lostReason);
    const queued = slot.queue.splice(0);
    current?.job.resolve(outcome);
    for (const job of queued) job.resolve({ type: 'lost', reason: lostReason });
    this.pump(slot);
  }
}
