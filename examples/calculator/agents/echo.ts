// The echo agent: answers every message with `inform`, carrying the same content back to whoever asked.
import { Message, onMessage, reply } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(echo);

function echo(msg: Message): void {
  const content = msg.content;
  // Echo the content exactly as received (re-serialized); a message without content gets an empty inform.
  reply(msg, "inform", content != null ? content.toString() : "");
}
