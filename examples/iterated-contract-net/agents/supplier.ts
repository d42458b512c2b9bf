// A supplier in an iterated contract net (FIPA SC00030): each new cfp round it undercuts its last price by its
// step, never going under its floor (then it re-proposes its floor: a standing final offer).
import { Json, Message, log, notUnderstood, onMessage, reply } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

// Agent state lives in module globals: the instance persists between messages.
let price: f64 = 100;

onMessage(handle);

function me(msg: Message): string {
  const r = msg.json.getString("receiver");
  return r != null ? r : "";
}

function handle(msg: Message): void {
  const name = me(msg);
  const floor: f64 = name == "supplier-x" ? 70 : 80;
  const step: f64 = name == "supplier-x" ? 12 : 10;
  const p = msg.performative;
  if (p == "cfp") {
    price = Math.max(floor, price - step);
    reply(msg, "propose", Json.object().set("cost", Json.number(price)).toString());
  } else if (p == "accept_proposal") {
    log(name + " delivers at " + Json.formatNumber(price));
    reply(msg, "inform", Json.object().set("delivered", Json.bool(true)).set("price", Json.number(price)).toString());
  } else if (p == "reject_proposal") {
    log(name + " lost at " + Json.formatNumber(price));
  } else if (p != "inform" && p != "failure" && p != "not_understood") {
    notUnderstood(msg, "a supplier answers cfp, accept_proposal and reject_proposal");
  }
}
