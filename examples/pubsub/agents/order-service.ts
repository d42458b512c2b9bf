// The publisher: on request {action: create, id, region, total} it publishes the order to the hierarchical topic
// topic://orders/<region>/created (receivers are whoever subscribed; the publisher does not know them).
import { Json, Message, notUnderstood, onMessage, reply, send } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function handle(msg: Message): void {
  const c = msg.content;
  if (msg.performative != "request" || c == null || !c.isObject() || c.getString("action") != "create") {
    notUnderstood(msg, "order-service understands request {action: create, id, region, total}");
    return;
  }
  const region = c.getString("region");
  const id = c.getString("id");
  if (region == null || id == null || !c.hasNumber("total")) {
    notUnderstood(msg, "an order needs id, region and total");
    return;
  }
  const order = Json.object().set("id", Json.string(id)).set("region", Json.string(region)).set("total", Json.number(c.getNumber("total")));
  send("inform", "topic://orders/" + region + "/created", order.toString());
  reply(msg, "inform", Json.object().set("published", Json.string("orders/" + region + "/created")).toString());
}
