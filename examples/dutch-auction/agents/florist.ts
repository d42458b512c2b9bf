// A florist in a Dutch auction (FIPA XC00032): the price falls each round; the first florist to take it wins.
// It takes (propose) once the price is at or under its limit, else passes (refuse). Limits: florist-a 340, florist-b 400.
import { Json, Message, log, notUnderstood, onMessage, reply } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function me(msg: Message): string {
  const r = msg.json.getString("receiver");
  return r != null ? r : "";
}

function handle(msg: Message): void {
  const name = me(msg);
  const limit: f64 = name == "florist-a" ? 340 : 400;
  const p = msg.performative;
  const c = msg.content;
  if (p == "cfp" && c != null && c.isObject()) {
    const price = c.getNumber("price");
    if (price <= limit) reply(msg, "propose", Json.object().set("amount", Json.number(price)).toString());
    else reply(msg, "refuse", "{\"reason\":\"still too dear\"}");
  } else if (p == "accept_proposal") {
    log(name + " bought the tulips");
  } else if (p != "inform" && p != "reject_proposal" && p != "failure" && p != "not_understood") {
    notUnderstood(msg, "a bidder answers cfp");
  }
}
