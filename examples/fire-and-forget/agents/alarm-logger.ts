// The alarm logger: logs every threshold_exceeded event; never answers (fire-and-forget).
import { Message, log, now, onMessage } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  const c = msg.content;
  log("[" + now().toString() + " ms] ALARM from " + msg.sender + ": " + (c != null ? c.toString() : ""));
}
