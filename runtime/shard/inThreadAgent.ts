/**
 * A sandboxed agent that runs in its shard's own thread: handling a message is a synchronous call into its
 * instance (no postMessage per message). It keeps the agent's lifecycle, restart policy (backoff on the shard's
 * clock), usage totals and hot reload. The shard's watchdog publishes each call's wall-clock deadline.
 */
import type { AgentState, FipaMessage } from '../../schemas';
import type { Clock } from '../core/clock';
import type { AgentEndpoint, AgentError, AgentResult, AgentUsage } from '../core/types';
import { Lifecycle, type StateChange } from '../sandbox/lifecycle';
import type { RestartPolicy, SandboxLimits } from '../sandbox/limits';
import { account, decideRestart, isCrash, newTotals, type AgentTotals } from '../sandbox/agentTotals';
import { jsonBytes } from '../router/limits';

/** What an instance looks like to the shard: a wasm AgentInstance, or a JS one, created and called synchronously. */
export interface SyncInstance {
  handle(message: string, now: number): AgentResult;
  readonly memoryBytes: number;
  /** Free what the instance holds outside the JS heap (a JS agent's QuickJS runtime); called when it is dropped. */
  dispose?(): void;
}

/** Creates a fresh instance (the start function runs); an AgentError when it cannot. */
export type InstanceFactory = () => SyncInstance | AgentError;

export type { AgentTotals };

export interface InThreadAgentInit {
  name: string;
  create: InstanceFactory;
  limits: SandboxLimits;
  restart: RestartPolicy;
  clock: Clock;
  onStateChange?: (change: StateChange) => void;
  /** Called before and after each call (the watchdog's deadline slot). */
  watch?: { begin(deadlineMs: number): void; end(): void };
  /** The agent can take messages again (a restart finished): the router pumps its mailbox. */
  onReady?: () => void;
}

const NO_USAGE: AgentUsage = { fuel: 0, memoryBytes: 0, durationMs: 0 };

/** See the file comment. */
export class InThreadAgent implements AgentEndpoint {
  readonly name: string;
  private readonly lifecycle: Lifecycle;
  private instance: SyncInstance | undefined;
  private create: InstanceFactory;
  private restartPending = false;
  readonly totals: AgentTotals = newTotals();

  constructor(private readonly init: InThreadAgentInit) {
    this.name = init.name;
    this.create = init.create;
    this.lifecycle = new Lifecycle(init.name, init.onStateChange);
  }

  get state(): AgentState {
    return this.lifecycle.state;
  }
  get limits(): SandboxLimits {
    return this.init.limits;
  }

  /** Instantiate and start (unloaded -> loaded -> running); the AgentError when the start function fails. */
  start(): AgentError | undefined {
    const error = this.instantiate();
    if (error) {
      this.lifecycle.to('failed', error.message);
      return error;
    }
    this.lifecycle.to('loaded');
    this.lifecycle.to('running');
    return undefined;
  }

  /** Whether the agent takes messages now: false only while it waits for a restart (its mail waits too). */
  ready(): boolean {
    return !this.restartPending || this.lifecycle.state === 'running';
  }

  handle(message: FipaMessage): Promise<AgentResult> {
    return Promise.resolve(this.handleSync(message));
  }

  /** `json`: the message's JSON text when the router already made it (it is not serialised twice). */
  handleSync(message: FipaMessage, json?: string): AgentResult {
    const state = this.lifecycle.state;
    if (state !== 'running') return fail('not_running', `agent ${this.name} is ${state}`);
    let text: string;
    try {
      text = json ?? JSON.stringify(message);
    } catch (e) {
      return fail('oversized_input', `message cannot be serialized: ${(e as Error).message}`);
    }
    const bytes = jsonBytes(text, this.init.limits.maxMessageBytes);
    if (bytes > this.init.limits.maxMessageBytes) {
      return fail('oversized_input', `message of ${bytes} bytes exceeds ${this.name}'s ${this.init.limits.maxMessageBytes}-byte limit`);
    }
    if (!this.instance) {
      const error = this.instantiate();
      if (error) {
        this.onFailure(error);
        return { ok: false, error, usage: NO_USAGE };
      }
    }
    const watch = this.init.watch;
    watch?.begin(this.init.limits.timeoutMs);
    let result: AgentResult;
    try {
      result = this.instance!.handle(text, this.init.clock.now());
    } finally {
      watch?.end();
    }
    result = {
      ...result,
      usage: { ...result.usage, fuelLimit: this.init.limits.fuelPerMessage, memoryLimitBytes: this.init.limits.memoryBytes },
    };
    account(this.totals, result);
    if (!result.ok && result.error.kind !== 'bad_input') this.onFailure(result.error);
    return result;
  }

  /**
   * Hot reload: `create` makes instances of the new module. The new instance must start; otherwise the old one keeps
   * running and the error is thrown. In-thread there is no message in flight to drain.
   */
  reload(create: InstanceFactory, reason = 'reload'): void {
    if (this.lifecycle.state !== 'running')
      throw new Error(`agent ${this.name} is ${this.lifecycle.state}; only a running agent can be reloaded`);
    const fresh = create();
    if (!('handle' in fresh)) {
      throw new Error(
        `agent ${this.name}: the new module failed while starting (${fresh.kind}: ${fresh.message}); the previous module keeps running`,
      );
    }
    this.lifecycle.to('draining', reason);
    this.create = create;
    this.instance?.dispose?.();
    this.instance = fresh;
    this.totals.memoryBytes = fresh.memoryBytes;
    this.lifecycle.to('loaded', reason === 'reload' ? 'reloaded' : reason);
    this.lifecycle.to('running', reason === 'reload' ? undefined : reason);
  }

  async dispose(): Promise<void> {
    this.stop('disposed');
  }

  /** Stop for good (no restart); idempotent. */
  stop(reason: string): void {
    this.restartPending = false;
    this.instance?.dispose?.();
    this.instance = undefined;
    const state = this.lifecycle.state;
    if (state === 'stopped') return;
    if (state === 'running') this.lifecycle.to('draining', reason);
    this.lifecycle.to(this.lifecycle.state === 'unloaded' ? 'failed' : 'stopped', reason);
  }

  private instantiate(): AgentError | undefined {
    const created = this.create();
    if ('handle' in created) {
      this.instance = created;
      this.totals.memoryBytes = created.memoryBytes;
      return undefined;
    }
    this.instance = undefined;
    return created;
  }

  /**
   * After a failed message the instance is discarded (it may be half-way through an update). A crash follows the
   * restart policy; running out of fuel fails only that message (agentTotals.ts: isCrash).
   */
  private onFailure(error: AgentError): void {
    this.instance?.dispose?.();
    this.instance = undefined;
    if (this.lifecycle.state !== 'running' || !isCrash(error)) return;
    const decision = decideRestart(this.totals, this.init.restart);
    this.restartPending = decision.restart;
    this.lifecycle.to('failed', `${error.kind}: ${error.message}`);
    if (!decision.restart) return;
    if (decision.delayMs > 0) this.init.clock.setTimer(decision.delayMs, () => this.restart());
    else this.restart();
  }

  private restart(): void {
    if (!this.restartPending || this.lifecycle.state !== 'failed') return;
    this.restartPending = false;
    const error = this.instantiate();
    if (error) return;
    this.lifecycle.to('loaded', `restart ${this.totals.restarts} of ${this.init.restart.maxRestarts}`);
    this.lifecycle.to('running');
    this.init.onReady?.();
  }
}

function fail(kind: AgentError['kind'], message: string): AgentResult {
  return { ok: false, error: { kind, message }, usage: NO_USAGE };
}
