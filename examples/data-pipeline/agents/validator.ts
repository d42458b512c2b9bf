// The validator: stage 1 of the data_processing pipeline. Content {"action":"validate","input":{"records":[...]}}
// -> inform {"records":[valid records],"rejected":n}. A record is valid when it is an object with a string `name`
// and a numeric `value`. No valid record at all is a `failure` (the pipeline stops there and says why).
import { Json, JsonValue, Message, notUnderstood, onMessage, reply, replyValue } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  if (msg.performative != "request") { notUnderstood(msg, "the validator answers `request` only"); return; }
  const content = msg.content;
  const input = content != null ? content.get("input") : null;
  const records = input != null ? input.get("records") : null;
  if (records == null || !records.isArray()) {
    reply(msg, "failure", "{\"error\":\"input needs a `records` list, e.g. {\\\"records\\\":[{\\\"name\\\":\\\"a\\\",\\\"value\\\":1}]}\"}");
    return;
  }
  const valid = Json.array();
  let rejected = 0;
  for (let i = 0; i < records.items.length; i++) {
    const r = records.items[i];
    if (r.isObject() && r.getString("name") != null && r.hasNumber("value")) valid.push(r);
    else rejected++;
  }
  if (valid.items.length == 0) {
    reply(msg, "failure", "{\"error\":\"no valid record (" + rejected.toString() + " rejected)\"}");
    return;
  }
  const out: JsonValue = Json.object().set("records", valid).set("rejected", Json.number(<f64>rejected));
  replyValue(msg, "inform", out);
}
