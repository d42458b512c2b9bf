// A collector in an English auction (FIPA XC00031) run by the built-in auctioneer. Each round's cfp says the ask
// (the lowest acceptable bid) and whether this bidder leads; a bidder raises to the ask while it is within its
// valuation, else passes with refuse. Valuations by name: collector-ann 260, collector-ben 300, collector-cy 180.
import { Json, Message, log, notUnderstood, onMessage, reply } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function me(msg: Message): string {
  const r = msg.json.getString("receiver");
  return r != null ? r : "";
}

function valuation(name: string): f64 {
  if (name == "collector-ann") return 260;
  if (name == "collector-ben") return 300;
  return 180;
}

function handle(msg: Message): void {
  const name = me(msg);
  const p = msg.performative;
  const c = msg.content;
  if (p == "cfp" && c != null && c.isObject()) {
    const youLead = c.get("you_lead");
    if (youLead != null && youLead.isBool() && youLead.boolValue) return; // the leader waits
    const ask = c.getNumber("ask");
    if (ask <= valuation(name)) reply(msg, "propose", Json.object().set("amount", Json.number(ask)).toString());
    else reply(msg, "refuse", "{\"reason\":\"over my valuation\"}");
  } else if (p == "inform" && c != null && c.isObject()) {
    const won = c.get("you_won");
    if (won != null && won.isBool() && won.boolValue) log(name + " won at " + Json.formatNumber(c.getNumber("price")));
  } else if (p != "accept_proposal" && p != "reject_proposal" && p != "failure" && p != "not_understood") {
    notUnderstood(msg, "a bidder answers cfp");
  }
}
