// A price quoter. request {"action":"quote","input":{"item":"widget"}} -> inform {"quoter":..,"price":p};
// in a contract net it answers cfp {"capability":"order","input":{...}} with propose {"cost":p} and fills the
// order on accept_proposal. The item comes from {"item":..} or from the quotes of a scatter-gather stage. Its price is fixed per manifest name (priced by the length of its name), so runs
// are reproducible.
import { Json, JsonValue, Message, notUnderstood, onMessage, replyValue } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function priceFor(me: string, item: string): f64 {
  return <f64>(item.length * 10 + me.length);
}

/** The item from {"item":..}, or from a scatter-gather result [{"agent":..,"output":{"item":..}}, ...]. */
function itemOf(input: JsonValue | null, depth: i32 = 0): string {
  if (input == null || depth > 2) return "";
  if (input.isArray()) return input.items.length > 0 ? itemOf(input.items[0].get("output"), depth + 1) : "";
  const s = input.getString("item");
  return s != null ? s : "";
}

function handle(msg: Message): void {
  const me = msg.json.getString("receiver");
  const name = me != null ? me : "quoter";
  const content = msg.content;
  const input = content != null ? content.get("input") : null;
  const item = itemOf(input);
  const price = priceFor(name, item);
  if (msg.performative == "request") {
    replyValue(msg, "inform", Json.object().set("quoter", Json.string(name)).set("item", Json.string(item)).set("price", Json.number(price)));
  } else if (msg.performative == "cfp") {
    replyValue(msg, "propose", Json.object().set("cost", Json.number(price)));
  } else if (msg.performative == "accept_proposal") {
    const order: JsonValue = Json.object().set("ordered", Json.string(item)).set("from", Json.string(name)).set("price", Json.number(price));
    replyValue(msg, "inform", order);
  } else if (msg.performative != "reject_proposal") {
    notUnderstood(msg, "a quoter answers request, cfp and accept_proposal");
  }
}
