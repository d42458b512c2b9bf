/**
 * One QuickJS engine: an instance of the QuickJS WebAssembly module with a linear memory of its own whose maximum
 * is fixed when it is created. That maximum is the JS agent's hard memory cap: QuickJS's own malloc limit does not
 * bound every allocation (quickjs-emscripten issues #255, #271), the wasm memory does. Creating an engine is
 * asynchronous (Emscripten's loader); everything after it (runtimes, contexts, calls) is synchronous.
 */
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import quickJsVariant from '@jitl/quickjs-wasmfile-release-sync';
import { Wasm, type WasmMemory, type WasmModule } from '../wasmApi';
import { WASM_PAGE as PAGE } from '../limits';

/** The npm package of the engine (Bellard's QuickJS, synchronous build with a separate .wasm file); docs/typescript-agents.md says why. */
export const QUICKJS_PACKAGE = '@jitl/quickjs-wasmfile-release-sync';
/** The QuickJS module's declared initial memory (its static data, C stack and first heap): every engine has at least this. */
export const ENGINE_BASE_BYTES = 256 * PAGE;

/** A QuickJS engine and the memory it may never grow past. */
export interface JsEngine {
  readonly module: QuickJSWASMModule;
  readonly memory: WasmMemory;
  /** The wasm memory's fixed maximum, bytes. */
  readonly capBytes: number;
  /**
   * Set when a call left the engine in an unknown state (the host's stack overflowed inside QuickJS, or the wasm
   * trapped): nothing may run in it again, not even freeing its runtimes. Make a new engine.
   */
  poisoned?: string;
}

/** The wasm cap of a JS agent: the engine's base plus the agent's `limits.memory` (the JS heap it may use). */
export function jsMemoryCap(heapBytes: number): number {
  return ENGINE_BASE_BYTES + Math.ceil(heapBytes / PAGE) * PAGE;
}

/** The JS heap a JS agent may use under a wasm cap from jsMemoryCap. */
export function jsHeapLimit(capBytes: number): number {
  return Math.max(PAGE, capBytes - ENGINE_BASE_BYTES);
}

interface MemoryCtor {
  new (desc: { initial: number; maximum: number }): WasmMemory;
}
const Memory = (Wasm as unknown as { Memory: MemoryCtor }).Memory;

/**
 * Instantiate the (already compiled) QuickJS module with a fresh memory capped at `capBytes` (at least the engine's
 * 16 MiB base). `wasmModule` comes from loadQuickJsWasm (runtime/node), compiled once per thread.
 */
export async function createJsEngine(wasmModule: WasmModule, capBytes: number): Promise<JsEngine> {
  const maximum = Math.max(ENGINE_BASE_BYTES, Math.floor(capBytes / PAGE) * PAGE) / PAGE;
  const memory = new Memory({ initial: ENGINE_BASE_BYTES / PAGE, maximum });
  const variant = newVariant(quickJsVariant, { wasmModule: wasmModule as never, wasmMemory: memory as never });
  const module = await newQuickJSWASMModuleFromVariant(variant);
  return { module, memory, capBytes: maximum * PAGE };
}
