// A bidder in a Vickrey (sealed-bid, second-price) auction: bidding its true valuation is the best strategy,
// since the winner pays the second-highest bid. Valuations: bidder-ann 410, bidder-ben 380, bidder-cy 395.
import { Json, Message, log, notUnderstood, onMessage, reply } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function me(msg: Message): string {
  const r = msg.json.getString("receiver");
  return r != null ? r : "";
}

function valuation(name: string): f64 {
  if (name == "bidder-ann") return 410;
  if (name == "bidder-ben") return 380;
  return 395;
}

function handle(msg: Message): void {
  const name = me(msg);
  const p = msg.performative;
  const c = msg.content;
  if (p == "cfp") {
    reply(msg, "propose", Json.object().set("amount", Json.number(valuation(name))).toString());
  } else if (p == "accept_proposal" && c != null && c.isObject()) {
    log(name + " won and pays " + Json.formatNumber(c.getNumber("price")));
  } else if (p != "inform" && p != "reject_proposal" && p != "failure" && p != "not_understood") {
    notUnderstood(msg, "a bidder answers cfp");
  }
}
