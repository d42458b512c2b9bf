// A worker watching the blackboard: on `start` it subscribes to changes under tasks/ (a subscribe message to the
// blackboard agent); when a task shows up open it claims it with write-if-version (optimistic concurrency). Two
// workers race for each task: one claim is accepted, the other is refused with a version conflict.
import { Json, Message, blackboardWrite, log, notUnderstood, onMessage, send } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

let name: string = "";

onMessage(handle);

function handle(msg: Message): void {
  const r = msg.json.getString("receiver");
  if (r != null) name = r;
  const p = msg.performative;
  const c = msg.content;
  if (p == "request" && c != null && c.isObject() && c.getString("action") == "start") {
    send("subscribe", "blackboard", "{\"prefix\":\"tasks/\"}");
    return;
  }
  if (p == "agree") return;
  if (p == "inform" && msg.sender == "blackboard" && c != null && c.isObject()) {
    const value = c.get("value");
    const key = c.getString("key");
    if (key == null || value == null || !value.isObject() || value.getString("status") != "open") return;
    const claim = Json.object().set("status", Json.string("taken")).set("by", Json.string(name));
    const job = value.getString("job");
    if (job != null) claim.set("job", Json.string(job));
    blackboardWrite(key, claim.toString(), <i32>c.getNumber("version"));
    return;
  }
  if (p == "failure" && c != null && c.isObject()) {
    const key = c.getString("key");
    log(name + " lost the race for " + (key != null ? key : "?") + ": " + c.toString());
    return;
  }
  notUnderstood(msg, "a worker understands request {action: start} and blackboard notifications");
}
