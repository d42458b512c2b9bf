// The Caxton agent SDK for AssemblyScript (Agent ABI v1, docs/agent-abi.md).
//
// An agent imports from "caxton", registers a handler, and re-exports the two ABI entry points:
//
//   import { Message, onMessage, reply } from "caxton";
//   export { caxton_alloc, caxton_handle } from "caxton";
//   onMessage((msg: Message): void => { reply(msg, "inform", "{\"ok\":true}"); });

import { Message } from "./message";

export { Json, JsonKind, JsonValue } from "./json";
export { Message, send, reply, replyValue, notUnderstood } from "./message";
export {
  LogLevel, log, now, random, sendJson, blackboardRead, blackboardWrite, subscribe, unsubscribe,
  caxtonAbort, caxtonTrace, caxtonSeed,
} from "./host";

/** What handles one incoming message. */
export type Handler = (msg: Message) => void;

let handler: Handler | null = null;

/** Register the function that handles every message this agent receives. */
export function onMessage(fn: Handler): void { handler = fn; }

/** ABI: reserve `len` bytes for the host to write a message into; freed by caxton_handle. */
export function caxton_alloc(len: i32): i32 {
  const size: usize = len > 0 ? <usize>len : 1;
  return <i32>heap.alloc(size);
}

/**
 * UTF-8 to a string. Messages are mostly ASCII: those are widened four bytes per step (cheap in fuel, which is
 * charged per loop iteration); anything else goes to the standard decoder.
 */
function decodeMessage(ptr: usize, len: usize): string {
  const out = changetype<usize>(__new(len << 1, idof<string>()));
  let i: usize = 0;
  while (i + 4 <= len) {
    const x = <u64>load<u32>(ptr + i);
    if (x & 0x80808080) return String.UTF8.decodeUnsafe(ptr, len);
    store<u64>(out + (i << 1), (x & 0xff) | ((x & 0xff00) << 8) | ((x & 0xff0000) << 16) | ((x & 0xff000000) << 24));
    i += 4;
  }
  for (; i < len; i++) {
    const b = load<u8>(ptr + i);
    if (b >= 0x80) return String.UTF8.decodeUnsafe(ptr, len);
    store<u16>(out + (i << 1), b);
  }
  return changetype<string>(out);
}

/** ABI: handle one message (UTF-8 JSON at ptr, len). 0 = handled, 1 = not a message, 2 = no handler registered. */
export function caxton_handle(ptr: i32, len: i32): i32 {
  const text = decodeMessage(<usize>ptr, <usize>len);
  heap.free(<usize>ptr);
  const msg = Message.parse(text);
  if (msg == null) return 1;
  const h = handler;
  if (h == null) return 2;
  h(msg);
  return 0;
}
