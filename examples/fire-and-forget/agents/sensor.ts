// A temperature sensor: for each reading (inform {reading}) over the threshold it tells the alarm logger,
// fire-and-forget (an inform without reply_with: nobody waits for an answer).
import { Json, Message, notUnderstood, onMessage, send } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

const THRESHOLD: f64 = 80;

onMessage(handle);

function handle(msg: Message): void {
  const c = msg.content;
  if (msg.performative != "inform" || c == null || !c.isObject() || !c.hasNumber("reading")) {
    notUnderstood(msg, "the sensor takes inform {reading: <number>}");
    return;
  }
  const reading = c.getNumber("reading");
  if (reading <= THRESHOLD) return;
  const alarm = Json.object().set("event", Json.string("threshold_exceeded")).set("reading", Json.number(reading)).set("threshold", Json.number(THRESHOLD));
  send("inform", "alarm-logger", alarm.toString());
}
