// The foreman: the manager agent that decides a contract net (policy: agent). The built-in manager sends it
// request {action: select, proposals: [{agent, content: {cost, quality}}]}; it answers inform {winner} with the
// best quality per unit of cost, or {winner: null} when nothing was proposed.
import { Json, JsonValue, Message, log, notUnderstood, onMessage, reply } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  const c = msg.content;
  if (msg.performative != "request" || c == null || !c.isObject() || c.getString("action") != "select") {
    notUnderstood(msg, "the foreman answers request {action: select, proposals}");
    return;
  }
  const proposals = c.get("proposals");
  if (proposals == null || !proposals.isArray()) {
    notUnderstood(msg, "proposals must be a list of {agent, content}");
    return;
  }
  let best: string | null = null;
  let bestValue: f64 = -1;
  for (let i = 0; i < proposals.items.length; i++) {
    const p: JsonValue = proposals.items[i];
    const offer = p.get("content");
    const agent = p.getString("agent");
    if (offer == null || agent == null || !offer.hasNumber("cost") || offer.getNumber("cost") <= 0) continue;
    const value = offer.getNumber("quality") / offer.getNumber("cost");
    if (value > bestValue) { bestValue = value; best = agent; }
  }
  log("foreman picks " + (best != null ? best : "nobody"));
  const answer = Json.object().set("winner", best != null ? Json.string(best) : Json.nil());
  reply(msg, "inform", answer.toString());
}
