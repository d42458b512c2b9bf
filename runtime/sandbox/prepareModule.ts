/**
 * Untrusted bytes -> a checked, fuel-metered, memory-capped WebAssembly module. Instrumentation runs in a helper
 * worker with a deadline and compilation is asynchronous, so the router's thread keeps answering meanwhile. The
 * instrumented bytes are cached in memory and, when a ModuleCache is set (the CLI and runtime host set a disk one),
 * across runs: keyed by the module's hash, the metering version and its parameters, a cached run never loads binaryen.
 */
import { createHash } from 'node:crypto';
import { AgentLoadError } from './errors';
import { MODULE_LIMITS, WASM_PAGE } from './limits';
import { InstrumentError, instrumentOffThread } from './instrumentOffThread';
import { METERING_VERSION } from './meter';
import { validateModule, type CheckedModule, type ModuleCheck } from './validateModule';
import { capMemoryMax } from './wasmSections';
import { Wasm, type WasmModule } from './wasmApi';

export interface PreparedModule extends CheckedModule {
  module: WasmModule;
}

/** A store of instrumented modules between runs (content-addressed: the key names everything that made them). */
export interface ModuleCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, bytes: Uint8Array): void;
}

// Compiled modules by key: a module seen before (hot reload of the same bytes, agents sharing a module) is ready at once.
const cache = new Map<string, Promise<WasmModule>>();
const CACHE_MAX = 64;
let store: ModuleCache | undefined;

/** Use `next` to keep instrumented modules across runs (undefined: memory only). */
export function setModuleCache(next: ModuleCache | undefined): void {
  store = next;
}

/** The cache key of an instrumented module. */
export function preparedKey(bytes: Uint8Array, fuel: number, capPages: number): string {
  return `${createHash('sha256').update(bytes).digest('hex')}-m${METERING_VERSION}-f${fuel}-p${capPages}`;
}

/** Validate (deny by default), instrument with fuel unless `metered` is false, and cap the memory maximum. */
export async function prepareModule(
  bytes: Uint8Array,
  check: ModuleCheck,
  opts: { fuel: number; metered: boolean },
): Promise<PreparedModule> {
  const checked = validateModule(bytes, check);
  const capPages = Math.floor(check.memoryBytes / WASM_PAGE);
  const key = opts.metered ? preparedKey(bytes, opts.fuel, capPages) : `unmetered:${preparedKey(bytes, 0, capPages)}`;
  let prepared = cache.get(key);
  if (!prepared) {
    prepared = transform(bytes, check, opts, key, capPages).then((final) => Wasm.compile(final));
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, prepared);
    prepared.catch(() => cache.delete(key));
  }
  return { ...checked, module: await prepared };
}

async function transform(
  bytes: Uint8Array,
  check: ModuleCheck,
  opts: { fuel: number; metered: boolean },
  key: string,
  capPages: number,
): Promise<Uint8Array> {
  if (!opts.metered) return capMemoryMax(bytes, capPages);
  const stored = store?.get(key);
  if (stored) return stored;
  let out: Uint8Array;
  try {
    out = await instrumentOffThread(bytes, opts.fuel, capPages, MODULE_LIMITS.prepareTimeoutMs);
  } catch (e) {
    const reason = e instanceof InstrumentError ? e.reason : 'failed';
    const problem =
      reason === 'unsupported'
        ? (e as Error).message
        : reason === 'timeout'
          ? `took longer than ${MODULE_LIMITS.prepareTimeoutMs / 1000} s to instrument for fuel metering`
          : `could not be instrumented for fuel metering (${(e as Error).message})`;
    throw new AgentLoadError(
      check.file,
      problem,
      'use core WebAssembly with bulk memory only (no threads, SIMD, GC or exceptions), and keep the module small',
      check.manifestPath,
    );
  }
  out = capMemoryMax(out, capPages);
  store?.set(key, out);
  return out;
}
