// A database agent (FIPA query, SC00027): answers query_ref {query: "pending_orders", min_total?} with
// inform {rows, count}: the orders whose status is pending (and total >= min_total). Unknown queries get
// not_understood naming the queries it knows.
import { Json, JsonValue, Message, notUnderstood, onMessage, replyValue } from "caxton";

export { caxton_alloc, caxton_handle } from "caxton";

onMessage(handle);

function row(id: string, customer: string, status: string, total: f64): JsonValue {
  return Json.object().set("id", Json.string(id)).set("customer", Json.string(customer)).set("status", Json.string(status)).set("total", Json.number(total));
}

function table(): JsonValue[] {
  return [row("o-1", "acme", "pending", 120), row("o-2", "globex", "shipped", 940), row("o-3", "initech", "pending", 75), row("o-4", "umbrella", "pending", 300)];
}

function handle(msg: Message): void {
  const c = msg.content;
  if ((msg.performative != "query_ref" && msg.performative != "query") || c == null || !c.isObject()) {
    notUnderstood(msg, "orders-db answers query_ref {query: pending_orders, min_total?}");
    return;
  }
  const q = c.getString("query");
  if (q != "pending_orders") {
    notUnderstood(msg, "unknown query; orders-db knows: pending_orders");
    return;
  }
  const minTotal = c.getNumber("min_total", 0);
  const rows = Json.array();
  const all = table();
  for (let i = 0; i < all.length; i++) {
    const r = all[i];
    if (r.getString("status") == "pending" && r.getNumber("total") >= minTotal) rows.push(r);
  }
  replyValue(msg, "inform", Json.object().set("query", Json.string("pending_orders")).set("rows", rows).set("count", Json.number(<f64>rows.items.length)));
}
