/** Untrusted bytes -> a checked, fuel-metered, memory-capped WebAssembly module (cached by content). */
import { createHash } from 'node:crypto';
import { AgentLoadError } from './errors';
import { WASM_PAGE } from './limits';
import { instrumentFuel, UnsupportedInstructionError } from './meter';
import { validateModule, type ModuleCheck } from './validateModule';
import { capMemoryMax } from './wasmSections';
import { Wasm, type WasmModule } from './wasmApi';

export interface PreparedModule { module: WasmModule; imports: string[] }

const cache = new Map<string, Promise<Uint8Array>>();
const CACHE_MAX = 64;

/** Validate (deny by default), instrument with fuel unless `metered` is false, and cap the memory maximum. */
export async function prepareModule(bytes: Uint8Array, check: ModuleCheck, opts: { fuel: number; metered: boolean }): Promise<PreparedModule> {
  const imports = validateModule(bytes, check);
  const key = createHash('sha256').update(bytes).digest('hex') + `:${opts.fuel}:${opts.metered}:${check.memoryBytes}`;
  let prepared = cache.get(key);
  if (!prepared) {
    prepared = transform(bytes, check, opts);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, prepared);
    prepared.catch(() => cache.delete(key));
  }
  const final = await prepared;
  return { module: new Wasm.Module(final), imports };
}

async function transform(bytes: Uint8Array, check: ModuleCheck, opts: { fuel: number; metered: boolean }): Promise<Uint8Array> {
  let out = bytes;
  if (opts.metered) {
    try {
      out = await instrumentFuel(bytes, opts.fuel, Math.floor(check.memoryBytes / WASM_PAGE));
    } catch (e) {
      const problem = e instanceof UnsupportedInstructionError ? e.message : `could not be instrumented for fuel metering (${(e as Error).message})`;
      throw new AgentLoadError(check.file, problem, 'use core WebAssembly with bulk memory only (no threads, SIMD, GC or exceptions)', check.manifestPath);
    }
  }
  return capMemoryMax(out, Math.floor(check.memoryBytes / WASM_PAGE));
}
