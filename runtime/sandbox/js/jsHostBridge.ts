/**
 * The caxton.* host functions inside a QuickJS context, as one frozen global object (`__caxton_host`) that the JS
 * SDK wraps. Values cross as strings and numbers only, never host objects: every call is checked by the same
 * code as the wasm imports (hostCalls.ts: sizes, JSON, performatives, send storms, effect caps), which reads the
 * string through a scratch buffer standing in for the wasm memory.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import type { HostGrant } from '../../../schemas';
import { HostAbort, hostImports, type HostContext } from '../hostCalls';
import { BASE_HOST_FUNCTIONS, GATED_HOST_FUNCTIONS } from '../validateModule';
import type { WasmMemory } from '../wasmApi';

/** The global the bridge installs (non-writable, frozen); the SDK reads it once. */
export const HOST_GLOBAL = '__caxton_host';

const encoder = new TextEncoder();
const TEXT_FUNCTIONS = new Set(['send', 'blackboard_read', 'blackboard_write', 'subscribe', 'unsubscribe']);

/** The host functions an agent with these grants may call (the base set plus what the grants unlock). */
export function grantedHostFunctions(grants: readonly HostGrant[]): string[] {
  return [
    ...BASE_HOST_FUNCTIONS,
    ...Object.entries(GATED_HOST_FUNCTIONS)
      .filter(([, g]) => grants.includes(g))
      .map(([name]) => name),
  ];
}

/**
 * Put the granted host functions on the context's global object. A refused call (HostAbort) is reported to
 * `onAbort` (the instance stops the agent and fails the message with it) and thrown into the agent as an Error.
 */
export function installHostBridge(
  ctx: QuickJSContext,
  host: Omit<HostContext, 'memory'>,
  grants: readonly HostGrant[],
  onAbort: (e: HostAbort) => void,
): void {
  const scratch: WasmMemory = { buffer: new ArrayBuffer(0), grow: () => -1 };
  const allowed = grantedHostFunctions(grants);
  const imports = hostImports({ ...host, memory: () => scratch }, allowed);
  const text = (h: QuickJSHandle | undefined, what: string): [number, number] => {
    if (!h || ctx.typeof(h) !== 'string')
      throw new HostAbort('bad_output', `${what} expects a string of JSON (the SDK's ${what} builds it)`);
    const bytes = encoder.encode(ctx.getString(h));
    (scratch as { buffer: ArrayBuffer }).buffer = bytes.buffer as ArrayBuffer;
    return [0, bytes.length];
  };
  const obj = ctx.newObject();
  for (const name of allowed) {
    const fn = ctx.newFunction(name, (...args: QuickJSHandle[]) => {
      try {
        if (name === 'now' || name === 'random') return ctx.newNumber(imports[name]() as number);
        if (name === 'log') {
          const level = args[0] && ctx.typeof(args[0]) === 'number' ? ctx.getNumber(args[0]) : 1;
          imports.log(level, ...text(args[1], 'log'));
        } else if (TEXT_FUNCTIONS.has(name)) {
          imports[name](...text(args[0], name));
        }
        return undefined;
      } catch (e) {
        if (e instanceof HostAbort) {
          onAbort(e);
          throw new Error(`${name} refused: ${e.message}`);
        }
        throw e;
      }
    });
    ctx.setProp(obj, name, fn);
    fn.dispose();
  }
  ctx.setProp(ctx.global, HOST_GLOBAL, obj);
  obj.dispose();
}
