/**
 * Why a JS agent's call failed, in words a person can act on: fuel, deadline, memory cap, stack overflow, a host
 * function's refusal, or an exception with its stack mapped to the TypeScript source (jsSourceMap.ts).
 */
import type { TraceMap } from '@jridgewell/trace-mapping';
import type { AgentError } from '../../core/types';
import type { HostAbort } from '../hostCalls';
import type { WorkerLimits } from '../workerProtocol';
import { WASM_PAGE } from '../limits';
import type { StopReason } from './jsFuel';
import { jsHeapLimit } from './quickJsEngine';
import { mapStackTrace } from './jsSourceMap';

/** What the instance knows when a call fails. */
export interface FailureContext {
  stopped: StopReason | undefined;
  abort: HostAbort | undefined;
  limits: WorkerLimits;
  timeoutMs?: number;
  file: string;
  map: TraceMap | undefined;
  memoryBytes: number;
  capBytes: number;
}

/** Longest error text kept (an agent can throw a megabyte-long message). */
const MAX_TEXT = 2000;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}... (${text.length} characters)` : text;
}

/** Whether the engine's memory is within 16 wasm pages of its cap (where a failure is most likely the cap's doing). */
function nearCap(c: FailureContext): boolean {
  return c.memoryBytes + 16 * WASM_PAGE >= c.capBytes;
}

const MiB = (n: number): string => `${(n / 1048576).toFixed(n % 1048576 ? 1 : 0)} MiB`;

/** An AgentError for a value thrown inside QuickJS (`dumped` as ctx.dump gave it), or for a stop without one. */
export function describeJsError(c: FailureContext, dumped: unknown, where: string): AgentError {
  if (c.stopped === 'host' && c.abort) return { kind: c.abort.kind, message: c.abort.message };
  if (c.stopped === 'fuel')
    return {
      kind: 'fuel_exhausted',
      message: `${where} used more than its ${c.limits.fuelPerMessage} fuel (JS fuel counts QuickJS polls: calls and loop iterations)`,
    };
  if (c.stopped === 'deadline')
    return {
      kind: 'timeout',
      message: `${where} ran past its ${c.timeoutMs} ms in-thread deadline (the manifest's timeout, less a margin for the outer fence)`,
    };
  const err = (dumped && typeof dumped === 'object' ? dumped : {}) as { name?: unknown; message?: unknown; stack?: unknown };
  const name = typeof err.name === 'string' ? err.name : '';
  const message = typeof err.message === 'string' ? err.message : dumped === undefined || typeof dumped === 'object' ? '' : String(dumped);
  const stack = typeof err.stack === 'string' ? mapStackTrace(clip(err.stack), c.map, c.file).trimEnd() : '';
  if (/out of memory/i.test(message) || (!name && !message && nearCap(c))) {
    return {
      kind: 'memory_limit',
      message: `${where} ran out of memory: the JS heap is capped at ${MiB(jsHeapLimit(c.capBytes))} (limits.memory), the engine's wasm memory at ${MiB(c.capBytes)}${stack ? `\n${stack}` : ''}`,
    };
  }
  if ((name === 'RangeError' && /call stack/i.test(message)) || (name === 'InternalError' && /stack overflow/i.test(message))) {
    return { kind: 'trap', message: `${where} overflowed the stack (deep recursion?): ${name}: ${message}${stack ? `\n${stack}` : ''}` };
  }
  const head = name ? `${name}: ${clip(mapStackTrace(message, c.map, c.file))}` : clip(message || 'an exception without a message');
  return { kind: 'trap', message: `${where} threw ${head}${stack ? `\n${stack}` : ''}` };
}

/** An AgentError for a host exception thrown out of QuickJS (V8 stack overflow inside the wasm, a wasm trap). */
export function describeHostFailure(e: unknown, where: string, c: FailureContext): AgentError {
  const msg = e instanceof Error ? e.message : String(e);
  if (c.stopped) return describeJsError(c, undefined, where);
  if (e instanceof RangeError && /call stack/i.test(msg)) {
    return {
      kind: 'trap',
      message: `${where} overflowed the host stack inside QuickJS (deep recursion in a native function?); the engine was discarded`,
    };
  }
  // QuickJS allocating past a full wasm memory can end in a wasm trap rather than its own out-of-memory error.
  if (nearCap(c) && /out of bounds|unreachable|memory/i.test(msg)) {
    return {
      kind: 'memory_limit',
      message: `${where} ran out of memory: the engine's wasm memory is capped at ${MiB(c.capBytes)} (limits.memory) and the engine failed at it (${clip(msg)}); it was discarded`,
    };
  }
  return { kind: 'crashed', message: `${where}: the QuickJS engine failed (${clip(msg)}); it was discarded` };
}
