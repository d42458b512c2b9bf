// A quoter whose code is broken: it traps (wasm `unreachable`) on every message. The runtime answers each
// request with `failure`; the quorum stage gets by without it, and its circuit breaker opens.
import { Message, onMessage } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(_msg: Message): void {
  unreachable();
}
