// A flaky normaliser: of every three requests it fails the first two (a `failure` reply, as a busy backend
// would) and answers the third. Behind `retry: { max_attempts: 3 }` every call still succeeds; the trace shows
// the `retry` events, and the breaker (5 consecutive failures) stays closed.
// request {"action":"normalize","input":{"item":"Widget "}} -> inform {"item":"widget","attempts_seen":n}
import { Json, Message, notUnderstood, onMessage, reply, replyValue } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

// Globals first: AssemblyScript runs top-level code in order, and onMessage registers the handler.
let calls: i32 = 0;

onMessage(handle);


function handle(msg: Message): void {
  if (msg.performative != "request") { notUnderstood(msg, "flaky answers `request` only"); return; }
  calls++;
  if (calls % 3 != 0) {
    reply(msg, "failure", "{\"error\":" + Json.quote("temporarily unavailable (call " + calls.toString() + ")") + "}");
    return;
  }
  const content = msg.content;
  const input = content != null ? content.get("input") : null;
  const item = input != null ? input.getString("item") : null;
  const name = item != null ? item.trim().toLowerCase() : "unknown";
  replyValue(msg, "inform", Json.object().set("item", Json.string(name)).set("attempts_seen", Json.number(<f64>calls)));
}
