// The planner posts tasks on the shared blackboard (host function blackboard_write, create-only: expected
// version 0) when asked to `plan`, and reads one back (blackboard_read; the entry arrives as an inform) on `report`.
import { Json, Message, blackboardRead, blackboardWrite, log, notUnderstood, onMessage } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  const p = msg.performative;
  const c = msg.content;
  if (p == "request" && c != null && c.isObject()) {
    const action = c.getString("action");
    if (action == "plan") {
      blackboardWrite("tasks/1", "{\"status\":\"open\",\"job\":\"index the archive\"}", 0);
      blackboardWrite("tasks/2", "{\"status\":\"open\",\"job\":\"resize the images\"}", 0);
      return;
    }
    if (action == "report") { blackboardRead("tasks/1"); return; }
  }
  if (p == "inform" && msg.sender == "caxton" && c != null) {
    log("tasks/1 is now " + c.toString());
    return;
  }
  if (p == "failure") { log("the blackboard refused: " + (c != null ? c.toString() : "")); return; }
  notUnderstood(msg, "the planner understands request {action: plan | report}");
}
