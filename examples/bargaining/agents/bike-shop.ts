// A bike shop bargaining (caxton-bargaining) with the built-in buyer: it opens high and concedes 15 per round,
// never under 170; it accepts an offer as good as what it would ask next, and walks away after 8 rounds.
import { Json, Message, log, notUnderstood, onMessage, reply } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

let ask: f64 = 240;
let rounds: i32 = 0;

onMessage(handle);

function handle(msg: Message): void {
  const p = msg.performative;
  const c = msg.content;
  if (p == "propose" && c != null && c.isObject() && c.hasNumber("price")) {
    const offer = c.getNumber("price");
    rounds++;
    const next = Math.max(170, ask - 15);
    if (offer >= next) {
      log("deal at " + Json.formatNumber(offer));
      reply(msg, "accept_proposal", Json.object().set("price", Json.number(offer)).toString());
    } else if (rounds >= 8) {
      reply(msg, "reject_proposal", "{\"reason\":\"we are too far apart\"}");
    } else {
      ask = next;
      reply(msg, "propose", Json.object().set("price", Json.number(ask)).toString());
    }
  } else if (p == "accept_proposal") {
    log("sold at " + Json.formatNumber(ask));
  } else if (p != "reject_proposal" && p != "cancel" && p != "failure" && p != "not_understood") {
    notUnderstood(msg, "the bike shop answers offers: propose {price}");
  }
}
