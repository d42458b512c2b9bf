// The transformer: stage 2. Takes the validator's {"records":[{"name","value"}...]} and normalises each value to
// the 0..1 range of the batch (min-max), keeping the raw value: inform {"records":[{"name","value","scaled"}...]}.
import { Json, JsonValue, Message, notUnderstood, onMessage, reply, replyValue } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  if (msg.performative != "request") { notUnderstood(msg, "the transformer answers `request` only"); return; }
  const content = msg.content;
  const input = content != null ? content.get("input") : null;
  const records = input != null ? input.get("records") : null;
  if (records == null || !records.isArray()) { reply(msg, "failure", "{\"error\":\"input needs a `records` list\"}"); return; }
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < records.items.length; i++) {
    const v = records.items[i].getNumber("value");
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  const out = Json.array();
  for (let i = 0; i < records.items.length; i++) {
    const r = records.items[i];
    const v = r.getNumber("value");
    const scaled = span > 0 ? (v - lo) / span : 0.0;
    const name = r.getString("name");
    out.push(Json.object().set("name", Json.string(name != null ? name : "")).set("value", Json.number(v)).set("scaled", Json.number(scaled)));
  }
  const result: JsonValue = Json.object().set("records", out);
  replyValue(msg, "inform", result);
}
