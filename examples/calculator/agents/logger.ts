// The logger agent: writes one log line per message it receives and never answers.
import { Message, log, now, onMessage } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(record);

function record(msg: Message): void {
  const content = msg.content;
  const text = content != null ? content.toString() : "(no content)";
  // now() is the runtime's clock, so simulated runs log simulated times.
  log("[" + now().toString() + " ms] " + msg.performative + " from " + msg.sender + ": " + text);
}
