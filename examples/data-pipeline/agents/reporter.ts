// The reporter: stage 4. Turns the analyzer's summary into a one-line report: inform {"report":"..."}.
import { Json, JsonValue, Message, notUnderstood, onMessage, reply, replyValue } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  if (msg.performative != "request") { notUnderstood(msg, "the reporter answers `request` only"); return; }
  const content = msg.content;
  const s = content != null ? content.get("input") : null;
  if (s == null || !s.hasNumber("count")) { reply(msg, "failure", "{\"error\":\"input needs the analyzer's summary\"}"); return; }
  const top = s.getString("top");
  const text = Json.formatNumber(s.getNumber("count")) + " records, mean " + Json.formatNumber(s.getNumber("mean"))
    + ", range " + Json.formatNumber(s.getNumber("min")) + ".." + Json.formatNumber(s.getNumber("max"))
    + ", top " + (top != null ? top : "?");
  const out: JsonValue = Json.object().set("report", Json.string(text));
  replyValue(msg, "inform", out);
}
