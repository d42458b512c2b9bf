/**
 * One JS agent's live instance, the same shape as the wasm AgentInstance (agentInstance.ts): a synchronous
 * `create(options) -> instance | AgentError` and `handle(messageJson, now) -> AgentResult` with effects as data and
 * usage (fuel, memory, duration), so a worker or a shard can host wasm and JS agents side by side. Each instance
 * is a QuickJS runtime + context in its own engine (quickJsEngine.ts: a wasm memory capped per agent).
 */
import { resourceLimits } from 'node:worker_threads';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten-core';
import type { TraceMap } from '@jridgewell/trace-mapping';
import type { AgentError, AgentResult } from '../../core/types';
import { seededRandom } from '../../core/random';
import type { HostGrant } from '../../../schemas';
import type { CallRecord, HostAbort } from '../hostCalls';
import type { WorkerLimits } from '../workerProtocol';
import { agentNow } from '../limits';
import { jsHeapLimit, type JsEngine } from './quickJsEngine';
import { JsFuelMeter } from './jsFuel';
import { installHostBridge } from './jsHostBridge';
import { JS_PRELUDE } from './jsPrelude';
import { readInlineSourceMap } from './jsSourceMap';
import { describeJsError, describeHostFailure } from './jsErrors';

/** The global the JS SDK defines: `caxton_handle(json) -> 0 | 1 | 2 | Promise` (the wasm ABI's entry point). */
export const JS_HANDLE_GLOBAL = 'caxton_handle';

export interface JsInstanceOptions {
  name: string;
  /** The agent's bundle (runtime/build/buildJsAgent.ts): one script with an inline source map. */
  code: string;
  /** The bundle's file name as stack traces show it before mapping, e.g. `calculator-ts.js`. */
  file: string;
  grants: HostGrant[];
  /** `memoryBytes` is the engine's wasm cap (jsMemoryCap of the manifest's `limits.memory`). */
  limits: WorkerLimits;
  seed: number;
  /** An engine made by createJsEngine for this agent (its memory cap is the agent's). */
  engine: JsEngine;
  /** In-thread wall-clock backstop per call, ms (checked at QuickJS's interrupt polls). */
  timeoutMs?: number;
  /** QuickJS's stack limit, bytes; default: 1/16 of this thread's V8 stack (see defaultMaxStackBytes). */
  maxStackBytes?: number;
}

/**
 * QuickJS's own stack check must fire before the thread's V8 stack overflows inside the wasm (which would leave the
 * engine corrupt). Measured: QuickJS uses 8-16x more native stack than the limit counts, so 1/16 of the thread's
 * stack (V8's ~984 KiB on the main thread, `resourceLimits.stackSizeMb` in a worker) keeps the order.
 */
export function defaultMaxStackBytes(): number {
  const mb = resourceLimits.stackSizeMb ?? 0.984;
  return Math.floor((mb * 1024 * 1024) / 16);
}

export class JsAgentInstance {
  private readonly meter = new JsFuelMeter();
  private readonly map: TraceMap | undefined;
  private runtime!: QuickJSRuntime;
  private ctx!: QuickJSContext;
  private entry!: QuickJSHandle;
  private record: CallRecord | undefined;
  private abort: HostAbort | undefined;
  private clockNow = 0;
  private disposed = false;

  private constructor(private readonly opts: JsInstanceOptions) {
    this.map = readInlineSourceMap(opts.code);
  }

  /** Start the agent: a runtime and context in the engine, the host bridge, the prelude, then the bundle under fuel. */
  static create(opts: JsInstanceOptions): JsAgentInstance | AgentError {
    if (opts.engine.poisoned)
      return { kind: 'crashed', message: `the agent's QuickJS engine cannot be reused (${opts.engine.poisoned}); make a new one` };
    const inst = new JsAgentInstance(opts);
    const error = inst.start();
    if (error) {
      inst.dispose();
      return error;
    }
    return inst;
  }

  get memoryBytes(): number {
    return this.opts.engine.memory.buffer.byteLength;
  }

  /** Handle one message (JSON text) at runtime time `now`: call caxton_handle, then drain its jobs, all under one budget. */
  handle(message: string, now: number): AgentResult {
    const started = performance.now();
    if (this.disposed || this.opts.engine.poisoned) {
      return {
        ok: false,
        error: { kind: 'crashed', message: `the instance is gone (${this.opts.engine.poisoned ?? 'disposed'})` },
        usage: this.usage(started),
      };
    }
    this.begin(now, started);
    try {
      const arg = this.ctx.newString(message);
      const r = this.ctx.callFunction(this.entry, this.ctx.undefined, arg);
      arg.dispose();
      if (r.error) return this.failed(this.jsError(r.error, 'handler'), started);
      const drained = this.drain('handler');
      if (drained) {
        r.value.dispose();
        return this.failed(drained, started);
      }
      const outcome = this.settle(r.value);
      if (outcome) return this.failed(outcome, started);
      return { ok: true, effects: this.record!.effects, usage: this.usage(started) };
    } catch (e) {
      return this.failed(this.hostFailure(e, 'handler'), started);
    } finally {
      this.record = undefined;
    }
  }

  /** Free the runtime (unless the engine is poisoned: then nothing of it may run again). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.opts.engine.poisoned) return;
    try {
      if (this.entry?.alive) this.entry.dispose();
      if (this.ctx?.alive) this.ctx.dispose();
      if (this.runtime?.alive) this.runtime.dispose();
    } catch (e) {
      this.opts.engine.poisoned = `freeing the runtime failed: ${(e as Error).message}`;
    }
  }

  private start(): AgentError | undefined {
    const { engine, limits, grants, name } = this.opts;
    const random = seededRandom(this.opts.seed);
    try {
      this.runtime = engine.module.newRuntime();
      this.runtime.setMaxStackSize(this.opts.maxStackBytes ?? defaultMaxStackBytes());
      this.ctx = this.runtime.newContext();
      const now = (): number => agentNow(this.clockNow);
      installHostBridge(this.ctx, { name, limits, random, call: () => this.record, now }, grants, (e) => {
        this.abort ??= e;
        this.meter.stop('host');
      });
      const prelude = this.ctx.evalCode(JS_PRELUDE, 'caxton-prelude.js');
      if (prelude.error) return this.jsError(prelude.error, 'prelude');
      prelude.value.dispose();
      this.runtime.setMemoryLimit(jsHeapLimit(limits.memoryBytes));
      this.runtime.setInterruptHandler(this.meter.interrupt);
      this.begin(0, performance.now());
      this.record = undefined; // effects are not allowed in start code (as in a wasm start function)
      const loaded = this.ctx.evalCode(this.opts.code, this.opts.file);
      if (loaded.error) return this.jsError(loaded.error, 'start code');
      loaded.value.dispose();
      const drained = this.drain('start code');
      if (drained) return drained;
      const entry = this.ctx.getProp(this.ctx.global, JS_HANDLE_GLOBAL);
      if (this.ctx.typeof(entry) !== 'function') {
        entry.dispose();
        return {
          kind: 'bad_output',
          message: `${this.opts.file} defines no ${JS_HANDLE_GLOBAL}: import { onMessage } from 'caxton-agent' and register a handler`,
        };
      }
      this.entry = entry;
      return undefined;
    } catch (e) {
      return this.hostFailure(e, 'start code');
    }
  }

  private begin(now: number, started: number): void {
    this.clockNow = now;
    this.abort = undefined;
    this.record = { effects: [], outputBytes: 0, sends: 0 };
    const deadline = this.opts.timeoutMs !== undefined ? started + this.opts.timeoutMs : Infinity;
    this.meter.start(this.opts.limits.fuelPerMessage, deadline);
  }

  /** Run the jobs the call queued (promise reactions, async continuations) under the same budget. */
  private drain(where: string): AgentError | undefined {
    while (this.runtime.hasPendingJob()) {
      const r = this.runtime.executePendingJobs(-1);
      if ('error' in r && r.error) return this.jsError(r.error, where);
      if (this.meter.stopped) return this.stopError(where);
    }
    return this.meter.stopped ? this.stopError(where) : undefined;
  }

  /** What the entry point returned: a status, or a promise (rejected: the handler failed; pending: it waits). */
  private settle(value: QuickJSHandle): AgentError | undefined {
    const state = this.ctx.getPromiseState(value);
    // For a plain (non-promise) value the state holds the same handle: free each handle once.
    const release = (h: QuickJSHandle): void => {
      if (h.alive) h.dispose();
      if (value.alive) value.dispose();
    };
    if (state.type === 'pending') {
      release(value);
      return undefined;
    }
    if (state.type === 'rejected') {
      const error = this.jsError(state.error, 'async handler');
      release(value);
      return error;
    }
    const status = this.ctx.typeof(state.value) === 'number' ? this.ctx.getNumber(state.value) : -1;
    release(state.value);
    if (status === 0) return undefined;
    if (status === 1) return { kind: 'bad_input', message: 'caxton_handle returned 1: the agent could not understand the message' };
    return { kind: 'trap', message: `caxton_handle returned ${status} (2 = no handler registered: call onMessage)` };
  }

  private stopError(where: string): AgentError {
    return describeJsError(this.stopContext(), undefined, where);
  }

  private stopContext(): Parameters<typeof describeJsError>[0] {
    return {
      stopped: this.meter.stopped,
      abort: this.abort,
      limits: this.opts.limits,
      timeoutMs: this.opts.timeoutMs,
      file: this.opts.file,
      map: this.map,
      memoryBytes: this.memoryBytes,
      capBytes: this.opts.engine.capBytes,
    };
  }

  /** Read a thrown value (and free its handle) into an AgentError with the stack mapped to the sources. */
  private jsError(handle: QuickJSHandle, where: string): AgentError {
    let dumped: unknown;
    try {
      dumped = this.ctx.dump(handle);
    } catch {
      dumped = undefined;
    }
    handle.dispose();
    return describeJsError(this.stopContext(), dumped, where);
  }

  /** A host exception came out of QuickJS: the engine's state is unknown, so it is poisoned. */
  private hostFailure(e: unknown, where: string): AgentError {
    const error = describeHostFailure(e, where, this.stopContext());
    this.opts.engine.poisoned = error.message;
    return error;
  }

  private failed(error: AgentError, started: number): AgentResult {
    return { ok: false, error, usage: this.usage(started) };
  }

  private usage(started: number): AgentResult['usage'] {
    return {
      fuel: Math.min(this.meter.used, this.opts.limits.fuelPerMessage),
      memoryBytes: this.memoryBytes,
      durationMs: performance.now() - started,
    };
  }
}
