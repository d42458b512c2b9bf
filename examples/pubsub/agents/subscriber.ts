// A subscriber that logs every order it receives (eu-desk, audit and big-orders share this source).
// eu-desk and audit subscribe in their manifests (topic://orders/eu/* and topic://orders/#); big-orders
// subscribes on `start` with a content filter (total > 1000). A publication's receiver is the topic itself.
import { Message, log, onMessage, subscribe } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  const c = msg.content;
  if (msg.performative == "request" && c != null && c.isObject() && c.getString("action") == "start") {
    subscribe("topic://orders/#", "{\"total\":{\"$gt\":1000}}");
    return;
  }
  if (msg.performative == "inform" && c != null && c.isObject()) {
    const topic = msg.json.getString("receiver");
    log("order on " + (topic != null ? topic : "?") + ": " + c.toString());
  }
}
