// A painter taking part in a contract net (FIPA SC00029) run by the built-in manager.
// One source, three agents: each reads its own name from the message's receiver and quotes its price.
// cfp -> propose {cost, quality} or refuse; accept_proposal -> inform {done}; reject_proposal -> a log line.
import { Json, Message, log, notUnderstood, onMessage, reply } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function me(msg: Message): string {
  const r = msg.json.getString("receiver");
  return r != null ? r : "";
}

function handle(msg: Message): void {
  const name = me(msg);
  const p = msg.performative;
  if (p == "cfp") {
    if (name == "painter-c") {
      reply(msg, "refuse", "{\"reason\":\"fully booked this week\"}");
      return;
    }
    const cost: f64 = name == "painter-a" ? 120 : 95;
    const quality: f64 = name == "painter-a" ? 0.9 : 0.7;
    const offer = Json.object().set("cost", Json.number(cost)).set("quality", Json.number(quality)).set("days", Json.number(2));
    reply(msg, "propose", offer.toString());
  } else if (p == "accept_proposal") {
    log(name + " won the job; painting");
    reply(msg, "inform", Json.object().set("done", Json.bool(true)).set("by", Json.string(name)).toString());
  } else if (p == "reject_proposal") {
    const c = msg.content;
    log(name + " was not chosen: " + (c != null ? c.toString() : ""));
  } else if (p != "inform" && p != "failure" && p != "not_understood") {
    notUnderstood(msg, "a painter answers cfp, accept_proposal and reject_proposal");
  }
}
