// A subscriber that goes away: it unsubscribes after its first order, so later publications skip it (the
// router stops matching it; nothing is queued for it and nothing fails).
import { Message, log, onMessage, unsubscribe } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

let seen: i32 = 0;

onMessage(handle);

function handle(msg: Message): void {
  const c = msg.content;
  if (msg.performative != "inform" || c == null) return;
  seen++;
  log("fickle got " + c.toString() + "; leaving");
  if (seen == 1) unsubscribe("topic://orders/#");
}
