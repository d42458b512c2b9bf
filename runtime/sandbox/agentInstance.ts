/** One agent's live instance inside a worker: instantiate, run one message under fuel, classify failures. */
import type { AgentError, AgentResult } from '../core/types';
import { seededRandom, type Random } from '../core/random';
import type { HostGrant } from '../../schemas';
import { CAP_HIT_EXPORT, FUEL_EXPORT } from './meter';
import { agentNow, WASM_PAGE } from './limits';
import { CallRecord, HostAbort, hostImports } from './hostCalls';
import type { WorkerLimits } from './workerProtocol';
import { Wasm, type WasmGlobal, type WasmMemory, type WasmModule } from './wasmApi';

const encoder = new TextEncoder();

interface Exports {
  memory: WasmMemory;
  caxton_alloc(len: number): number;
  caxton_handle(ptr: number, len: number): number;
}

export interface InstanceOptions {
  name: string;
  module: WasmModule;
  grants: HostGrant[];
  limits: WorkerLimits;
  seed: number;
  metered: boolean;
}

/** A running agent instance; `instantiate` runs the start function under the per-message fuel budget. */
export class AgentInstance {
  private exports!: Exports;
  private fuel?: WasmGlobal;
  private capHit?: WasmGlobal;
  private record: CallRecord | undefined;
  private clockNow = 0;
  private readonly random: Random;

  private constructor(private readonly opts: InstanceOptions) {
    this.random = seededRandom(opts.seed);
  }

  /** Instantiate (running the start function); a failure comes back as an AgentError. */
  static create(opts: InstanceOptions): AgentInstance | AgentError {
    const inst = new AgentInstance(opts);
    const allowed = Wasm.Module.imports(opts.module).map((i) => i.name);
    const caxton = hostImports(
      {
        name: opts.name,
        limits: opts.limits,
        random: inst.random,
        memory: () => inst.exports?.memory,
        call: () => inst.record,
        now: () => agentNow(inst.clockNow),
      },
      allowed,
    );
    inst.record = { effects: [], outputBytes: 0, sends: 0 };
    try {
      const instance = new Wasm.Instance(opts.module, { caxton });
      inst.exports = instance.exports as unknown as Exports;
      inst.fuel = instance.exports[FUEL_EXPORT] as WasmGlobal | undefined;
      inst.capHit = instance.exports[CAP_HIT_EXPORT] as WasmGlobal | undefined;
    } catch (e) {
      return inst.classify(e, 'start function');
    } finally {
      inst.record = undefined;
    }
    return inst;
  }

  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /** Handle one message (JSON text) at simulated time `now`. */
  handle(message: string, now: number): AgentResult {
    const started = performance.now();
    const budget = this.opts.limits.fuelPerMessage;
    this.clockNow = now;
    this.record = { effects: [], outputBytes: 0, sends: 0 };
    if (this.fuel) this.fuel.value = BigInt(budget);
    if (this.capHit) this.capHit.value = 0;
    try {
      const bytes = encoder.encode(message);
      const ptr = this.exports.caxton_alloc(bytes.length) >>> 0;
      const mem = this.exports.memory.buffer;
      if (ptr + bytes.length > mem.byteLength) {
        return {
          ok: false,
          error: { kind: 'bad_output', message: `caxton_alloc returned ${ptr}, outside memory` },
          usage: this.usage(budget, started),
        };
      }
      new Uint8Array(mem, ptr, bytes.length).set(bytes);
      const status = this.exports.caxton_handle(ptr, bytes.length);
      if (status === 1) {
        return {
          ok: false,
          error: { kind: 'bad_input', message: 'caxton_handle returned 1: the agent could not understand the message' },
          usage: this.usage(budget, started),
        };
      }
      if (status !== 0) {
        return {
          ok: false,
          error: { kind: 'trap', message: `caxton_handle returned status ${status} (2 = no handler registered)` },
          usage: this.usage(budget, started),
        };
      }
      // The memory maximum was capped at load; this re-check guards against an engine that ignored it.
      if (this.memoryBytes > this.opts.limits.memoryBytes) {
        return {
          ok: false,
          error: {
            kind: 'memory_limit',
            message: `memory grew to ${this.memoryBytes} bytes, above the ${this.opts.limits.memoryBytes}-byte cap`,
          },
          usage: this.usage(budget, started),
        };
      }
      return { ok: true, effects: this.record.effects, usage: this.usage(budget, started) };
    } catch (e) {
      return { ok: false, error: this.classify(e, 'handler'), usage: this.usage(budget, started) };
    } finally {
      this.record = undefined;
    }
  }

  private usage(budget: number, started: number): AgentResult['usage'] {
    const left = this.fuel ? Number(this.fuel.value as bigint) : budget;
    return { fuel: Math.min(budget, Math.max(0, budget - left)), memoryBytes: this.memoryBytes, durationMs: performance.now() - started };
  }

  /** Tell fuel exhaustion, memory cap, host aborts and plain traps apart. */
  private classify(e: unknown, where: string): AgentError {
    const detail = this.record?.lastError ? ` (${this.record.lastError})` : '';
    if (e instanceof HostAbort) return { kind: e.kind, message: e.message };
    if (this.fuel && (this.fuel.value as bigint) < 0n) {
      return { kind: 'fuel_exhausted', message: `${where} used more than its ${this.opts.limits.fuelPerMessage} fuel` };
    }
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof RangeError && /call stack/i.test(msg)) return { kind: 'trap', message: `${where} overflowed the stack` };
    // Only a trap after a memory.grow was refused at the cap is the cap's doing (metered modules record that);
    // without metering (tests only), a trap with memory within a page of the cap is the best guess.
    const mem = this.exports?.memory?.buffer.byteLength ?? 0;
    const atCap = this.capHit ? this.capHit.value === 1 : mem + WASM_PAGE > this.opts.limits.memoryBytes;
    if (atCap && e instanceof Wasm.RuntimeError) {
      return { kind: 'memory_limit', message: `${where} trapped at the ${this.opts.limits.memoryBytes}-byte memory cap: ${msg}${detail}` };
    }
    if (e instanceof Wasm.RuntimeError) return { kind: 'trap', message: `${where} trapped: ${msg}${detail}` };
    return { kind: 'crashed', message: `${where} failed: ${msg}${detail}` };
  }
}
