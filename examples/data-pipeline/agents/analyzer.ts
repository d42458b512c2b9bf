// The analyzer: stage 3. Summarises the transformer's records: inform {"count","sum","mean","min","max","top"}
// where `top` is the name of the record with the largest value.
import { Json, JsonValue, Message, notUnderstood, onMessage, reply, replyValue } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  if (msg.performative != "request") { notUnderstood(msg, "the analyzer answers `request` only"); return; }
  const content = msg.content;
  const input = content != null ? content.get("input") : null;
  const records = input != null ? input.get("records") : null;
  if (records == null || !records.isArray() || records.items.length == 0) { reply(msg, "failure", "{\"error\":\"nothing to analyze\"}"); return; }
  let sum = 0.0, lo = Infinity, hi = -Infinity;
  let top = "";
  for (let i = 0; i < records.items.length; i++) {
    const r = records.items[i];
    const v = r.getNumber("value");
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) { hi = v; const n = r.getString("name"); top = n != null ? n : ""; }
  }
  const count = <f64>records.items.length;
  const out: JsonValue = Json.object()
    .set("count", Json.number(count)).set("sum", Json.number(sum)).set("mean", Json.number(sum / count))
    .set("min", Json.number(lo)).set("max", Json.number(hi)).set("top", Json.string(top));
  replyValue(msg, "inform", out);
}
