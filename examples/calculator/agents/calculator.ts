// The calculator agent: answers `request` messages whose content is {"action":"calculate","x":10,"y":20}
// (or just {"x":10,"y":20}) with `inform` {"result":30}. An optional "op" picks add (default), sub, mul or div.
// Anything it cannot make sense of gets `not_understood` with a reason, as FIPA expects.
import { Json, Message, log, notUnderstood, onMessage, reply } from "caxton";

// The two ABI entry points live in the SDK; re-exporting them makes them exports of this module.
export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  if (msg.performative != "request") {
    notUnderstood(msg, "calculator answers only `request` messages");
    return;
  }
  const content = msg.content;
  if (content == null || !content.isObject()) {
    notUnderstood(msg, "content must be an object like {\"action\":\"calculate\",\"x\":10,\"y\":20}");
    return;
  }
  const action = content.getString("action");
  if (action != null && action != "calculate") {
    notUnderstood(msg, "unknown action '" + action + "'; the calculator knows 'calculate'");
    return;
  }
  if (!content.hasNumber("x") || !content.hasNumber("y")) {
    notUnderstood(msg, "content needs numbers x and y");
    return;
  }
  const x = content.getNumber("x");
  const y = content.getNumber("y");
  const opValue = content.getString("op");
  const op = opValue != null ? opValue : "add";

  let result: f64 = 0;
  if (op == "add") result = x + y;
  else if (op == "sub") result = x - y;
  else if (op == "mul") result = x * y;
  else if (op == "div") {
    if (y == 0) { reply(msg, "failure", "{\"reason\":\"division by zero\"}"); return; }
    result = x / y;
  } else {
    notUnderstood(msg, "unknown op '" + op + "'; use add, sub, mul or div");
    return;
  }

  log(op + "(" + Json.formatNumber(x) + ", " + Json.formatNumber(y) + ") = " + Json.formatNumber(result));
  reply(msg, "inform", Json.object().set("result", Json.number(result)).toString());
}
