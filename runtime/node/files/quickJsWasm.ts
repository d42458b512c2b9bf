/** The QuickJS WebAssembly module, read from its npm package and compiled once per thread (JS agents' engine). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QUICKJS_PACKAGE } from '../../sandbox/js/quickJsEngine';
import { Wasm, type WasmModule } from '../../sandbox/wasmApi';

let compiled: WasmModule | undefined;

/** Where the engine's .wasm file is (inside the installed package; dist/node_modules in the packaged extension). */
export function quickJsWasmPath(): string {
  return path.join(path.dirname(require.resolve(`${QUICKJS_PACKAGE}/package.json`)), 'dist', 'emscripten-module.wasm');
}

/** The compiled QuickJS module (compiled on first use, then shared by every engine of this thread). */
export function loadQuickJsWasm(): WasmModule {
  compiled ??= new Wasm.Module(fs.readFileSync(quickJsWasmPath()));
  return compiled;
}
