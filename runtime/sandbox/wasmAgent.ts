/**
 * A sandboxed wasm agent as the router sees it (AgentEndpoint): a bounded mailbox drained one message at a time
 * into its worker, the lifecycle, the restart policy (backoff on the injected clock) and hot reload.
 */
import type { AgentState, FipaMessage } from '../../schemas';
import type { AgentEndpoint, AgentError, AgentResult, AgentUsage } from '../core/types';
import type { Clock } from '../core/clock';
import { Lifecycle, type StateChange } from './lifecycle';
import type { SandboxLimits } from './limits';
import { account, decideRestart, isCrash, newTotals, type AgentTotals as Totals, type SandboxedAgent } from './agentTotals';
import type { PoolOutcome, WorkerPool } from './workerPool';
import type { JsCode, WorkerLimits, ToWorker } from './workerProtocol';
import type { WasmModule } from './wasmApi';

/** Totals since the agent was loaded. */
export interface AgentTotals extends Totals {
  queued: number;
}

export interface WasmAgentInit extends SandboxedAgent {
  name: string;
  /** Unique id inside the pool (several runs may load agents with the same name). */
  id: string;
  clock: Clock;
  pool: WorkerPool;
  ownsPool: boolean;
  /** Validate and instrument new module bytes (hot reload); throws AgentLoadError. */
  prepare(bytes: Uint8Array): Promise<WasmModule | JsCode>;
  onStateChange?: (change: StateChange) => void;
}

interface Pending {
  text: string;
  resolve(result: AgentResult): void;
}
/** A `load` request without its id (wasm or JS). */
type LoadRequest = Extract<ToWorker, { type: 'load' }> extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

/** Extra wall-clock allowance for making a JS agent's engine, ms. */
const JS_ENGINE_START_MS = 10_000;
/** How long after a JS agent's own (in-thread) deadline the pool terminates its worker, ms. */
const JS_IN_THREAD_GRACE_MS = 250;
const NO_USAGE: AgentUsage = { fuel: 0, memoryBytes: 0, durationMs: 0 };
const encoder = new TextEncoder();

export class WasmAgent implements AgentEndpoint {
  readonly name: string;
  private readonly lifecycle: Lifecycle;
  private readonly mailbox: Pending[] = [];
  private module: WasmModule | JsCode;
  private busy = false;
  private needsLoad = true;
  private idle: Array<() => void> = [];
  private readonly totals: Totals = newTotals();

  constructor(private readonly init: WasmAgentInit) {
    this.name = init.name;
    this.module = init.module;
    this.lifecycle = new Lifecycle(init.name, init.onStateChange);
    // Another agent's runaway took our worker down: reload a fresh instance before the next message.
    init.pool.assign(init.id, () => {
      this.needsLoad = true;
    });
  }

  get state(): AgentState {
    return this.lifecycle.state;
  }
  /** Totals since load (messages, failures, restarts, fuel, time) plus current memory and queue length. */
  get usage(): AgentTotals {
    return { ...this.totals, queued: this.mailbox.length };
  }
  get limits(): SandboxLimits {
    return this.init.limits;
  }

  /** Instantiate in the worker and start (unloaded -> loaded -> running); an AgentError if the start function fails. */
  async start(): Promise<AgentError | undefined> {
    const error = await this.instantiate();
    if (error) {
      this.lifecycle.to('failed', error.message);
      return error;
    }
    this.lifecycle.to('loaded');
    this.lifecycle.to('running');
    return undefined;
  }

  handle(message: FipaMessage): Promise<AgentResult> {
    const state = this.lifecycle.state;
    if (state === 'stopped' || state === 'unloaded' || (state === 'failed' && !this.restartPending)) {
      return Promise.resolve(fail('not_running', `agent ${this.name} is ${state}`));
    }
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (e) {
      return Promise.resolve(fail('oversized_input', `message cannot be serialized: ${(e as Error).message}`));
    }
    const bytes = encoder.encode(text).length;
    if (bytes > this.init.limits.maxMessageBytes) {
      return Promise.resolve(
        fail('oversized_input', `message of ${bytes} bytes exceeds ${this.name}'s ${this.init.limits.maxMessageBytes}-byte limit`),
      );
    }
    if (this.mailbox.length >= this.init.limits.mailbox) {
      return Promise.resolve(fail('mailbox_full', `${this.name}'s mailbox is full (${this.init.limits.mailbox} messages)`));
    }
    return new Promise((resolve) => {
      this.mailbox.push({ text, resolve });
      void this.pump();
    });
  }

  /**
   * Hot reload: check the new bytes first (an AgentLoadError leaves the old module running), then drain the
   * message in flight, swap in the new module (fresh instance) and carry on with the queued messages. When the new
   * module fails while starting, the previous module is loaded again and keeps answering (the error is thrown).
   * `reason` goes on the agent_state events (e.g. "hot reload").
   */
  async reload(wasmBytes: Uint8Array, reason = 'reload'): Promise<void> {
    if (this.lifecycle.state !== 'running')
      throw new Error(`agent ${this.name} is ${this.lifecycle.state}; only a running agent can be reloaded`);
    const module = await this.init.prepare(wasmBytes);
    if (this.lifecycle.state !== 'running')
      throw new Error(`agent ${this.name} is ${this.lifecycle.state}; only a running agent can be reloaded`);
    this.lifecycle.to('draining', reason);
    await this.whenIdle();
    const previous = this.module;
    this.module = module;
    const error = await this.instantiate();
    if (error) {
      this.module = previous;
      const back = await this.instantiate();
      if (back) {
        this.lifecycle.to('failed', `${reason} failed: ${error.message}`);
        this.rejectQueued();
        throw new Error(`agent ${this.name}: reload failed: ${error.message}`);
      }
      this.lifecycle.to('loaded', `${reason} refused; previous module restored`);
      this.lifecycle.to('running', reason);
      void this.pump();
      throw new Error(
        `agent ${this.name}: the new module failed while starting (${error.kind}: ${error.message}); the previous module keeps running`,
      );
    }
    this.lifecycle.to('loaded', reason === 'reload' ? 'reloaded' : reason);
    this.lifecycle.to('running', reason === 'reload' ? undefined : reason);
    void this.pump();
  }

  async dispose(): Promise<void> {
    const state = this.lifecycle.state;
    if (state === 'stopped') return;
    this.restartPending = false;
    if (state === 'running') this.lifecycle.to('draining', 'dispose');
    this.rejectQueued();
    await this.whenIdle();
    if (this.lifecycle.state !== 'stopped') this.lifecycle.to(this.lifecycle.state === 'unloaded' ? 'failed' : 'stopped', 'disposed');
    await this.init.pool.release(this.init.id);
    if (this.init.ownsPool) await this.init.pool.dispose();
  }

  private restartPending = false;

  private whenIdle(): Promise<void> {
    return this.busy ? new Promise((r) => this.idle.push(r)) : Promise.resolve();
  }

  private rejectQueued(): void {
    for (const p of this.mailbox.splice(0)) p.resolve(fail('not_running', `agent ${this.name} is ${this.lifecycle.state}`));
  }

  private workerLimits(): WorkerLimits {
    const l = this.init.limits;
    return {
      memoryBytes: l.memoryBytes,
      fuelPerMessage: l.fuelPerMessage,
      maxMessageBytes: l.maxMessageBytes,
      maxOutputBytes: l.maxOutputBytes,
      maxSendsPerMessage: l.maxSendsPerMessage,
    };
  }

  /** Load a fresh instance; retried when the worker is lost under us (another agent's runaway). */
  private async instantiate(): Promise<AgentError | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const code = this.module;
      const common = {
        type: 'load',
        agent: this.init.id,
        name: this.name,
        grants: this.init.grants,
        limits: this.workerLimits(),
        seed: this.init.seed,
      } as const;
      const req: LoadRequest = isJsCode(code)
        ? { ...common, kind: 'js', js: code }
        : { ...common, module: code, metered: this.init.metered };
      // A JS agent's load also makes its QuickJS engine (tens of ms, more on a loaded machine): its start code keeps
      // its own in-thread deadline, the pool's fence allows for the engine.
      const out = await this.init.pool.request(req, this.init.limits.timeoutMs + (isJsCode(code) ? JS_ENGINE_START_MS : 0));
      if (out.type === 'loaded') {
        this.needsLoad = false;
        this.totals.memoryBytes = out.memoryBytes;
        return undefined;
      }
      if (out.type === 'load_failed') return out.error;
      if (out.type === 'timeout')
        return { kind: 'timeout', message: `start function ran past the ${this.init.limits.timeoutMs} ms deadline` };
      if (out.type === 'crashed') return { kind: 'crashed', message: out.reason };
    }
    return { kind: 'crashed', message: 'the agent worker kept failing while loading' };
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.lifecycle.state === 'running' && this.mailbox.length > 0) {
        if (this.needsLoad) {
          const error = await this.instantiate();
          if (error) {
            this.onFailure(error);
            break;
          }
        }
        const next = this.mailbox[0];
        // A JS agent checks the same deadline in its own thread (at QuickJS's polls) and stops gracefully; the pool's
        // fence, a little later, is for native work between polls, so a loop does not cost its neighbours the worker.
        const deadline = this.init.limits.timeoutMs + (isJsCode(this.module) ? JS_IN_THREAD_GRACE_MS : 0);
        const outcome = await this.init.pool.request(
          { type: 'handle', agent: this.init.id, message: next.text, now: this.init.clock.now() },
          deadline,
        );
        if (outcome.type === 'lost') {
          this.needsLoad = true;
          continue;
        } // retried on a fresh instance
        this.mailbox.shift();
        const result = this.withLimits(this.toResult(outcome));
        account(this.totals, result);
        next.resolve(result);
        if (!result.ok && result.error.kind !== 'bad_input') this.onFailure(result.error);
      }
    } finally {
      this.busy = false;
      for (const r of this.idle.splice(0)) r();
    }
  }

  /** Usage reported with the granted limits, so traces can show usage against them. */
  private withLimits(result: AgentResult): AgentResult {
    return {
      ...result,
      usage: { ...result.usage, fuelLimit: this.init.limits.fuelPerMessage, memoryLimitBytes: this.init.limits.memoryBytes },
    };
  }

  private toResult(outcome: PoolOutcome): AgentResult {
    switch (outcome.type) {
      case 'result':
        return outcome.ok
          ? { ok: true, effects: outcome.effects, usage: outcome.usage }
          : { ok: false, error: outcome.error, usage: outcome.usage };
      case 'timeout':
        return {
          ok: false,
          error: {
            kind: 'timeout',
            message: `${this.name} ran past its ${this.init.limits.timeoutMs} ms deadline; its worker was terminated`,
          },
          usage: { ...NO_USAGE, durationMs: outcome.elapsedMs },
        };
      case 'crashed':
        return fail('crashed', outcome.reason);
      default:
        return fail('crashed', `unexpected worker answer ${outcome.type}`);
    }
  }

  /**
   * After a failed message: the instance is gone; a crash resets it (after backoff) or fails the agent, per policy;
   * running out of fuel fails only that message (agentTotals.ts: isCrash).
   */
  private onFailure(error: AgentError): void {
    this.needsLoad = true;
    if (this.lifecycle.state !== 'running' || !isCrash(error)) return;
    const decision = decideRestart(this.totals, this.init.restart);
    this.restartPending = decision.restart;
    this.lifecycle.to('failed', `${error.kind}: ${error.message}`);
    if (!decision.restart) {
      this.rejectQueued();
      return;
    }
    const restart = (): void => {
      void this.restart();
    };
    if (decision.delayMs > 0) this.init.clock.setTimer(decision.delayMs, restart);
    else queueMicrotask(restart);
  }

  private async restart(): Promise<void> {
    if (!this.restartPending || this.lifecycle.state !== 'failed') return;
    await this.whenIdle();
    const error = await this.instantiate();
    if (error || !this.restartPending) {
      this.restartPending = false;
      this.rejectQueued();
      return;
    }
    this.restartPending = false;
    this.lifecycle.to('loaded', `restart ${this.totals.restarts} of ${this.init.restart.maxRestarts}`);
    this.lifecycle.to('running');
    void this.pump();
  }
}

function isJsCode(m: WasmModule | JsCode): m is JsCode {
  return (m as JsCode).kind === 'js';
}

function fail(kind: AgentError['kind'], message: string): AgentResult {
  return { ok: false, error: { kind, message }, usage: NO_USAGE };
}
