// A booking desk for one kind of resource (flight, hotel or car: the manifest's name picks which actions it
// serves). `book_<kind>` reserves the class the trip asks for, if the desk has it; `cancel_<kind>` undoes it.
// request {"action":"book_car","input":{"trip":"T-7","car":"limousine",...}}
//   -> inform {...input, "car_booking":"CAR-limousine-1"}   or failure {"error":"no limousine car available"}
// request {"action":"cancel_car","input":{...,"car_booking":"CAR-..."}} -> inform {"cancelled":"CAR-..."}
import { Json, JsonValue, Message, log, notUnderstood, onMessage, reply, replyValue } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

// Globals first: AssemblyScript runs top-level code in order, and onMessage registers the handler.
let bookings: i32 = 0;

onMessage(handle);


/** What each desk can sell. */
function available(kind: string, cls: string): bool {
  if (kind == "flight") return cls == "economy" || cls == "business";
  if (kind == "hotel") return cls == "single" || cls == "double";
  if (kind == "car") return cls == "compact" || cls == "suv";
  return false;
}

function handle(msg: Message): void {
  const content = msg.content;
  const action = content != null ? content.getString("action") : null;
  const input = content != null ? content.get("input") : null;
  if (msg.performative != "request" || action == null || input == null || !input.isObject()) {
    notUnderstood(msg, "send request {\"action\":\"book_<kind>\"|\"cancel_<kind>\",\"input\":{...}}");
    return;
  }
  if (action.startsWith("book_")) { book(msg, action.substr(5), input); return; }
  if (action.startsWith("cancel_")) { cancel(msg, action.substr(7), input); return; }
  notUnderstood(msg, "unknown action '" + action + "'");
}

function book(msg: Message, kind: string, input: JsonValue): void {
  const wanted = input.getString(kind);
  const cls = wanted != null ? wanted : "standard";
  if (!available(kind, cls)) {
    reply(msg, "failure", "{\"error\":" + Json.quote("no " + cls + " " + kind + " available") + "}");
    return;
  }
  bookings++;
  const id = kind.toUpperCase() + "-" + cls + "-" + bookings.toString();
  const out = Json.object();
  for (let i = 0; i < input.keys.length; i++) out.set(input.keys[i], input.items[i]);
  out.set(kind + "_booking", Json.string(id));
  log("booked " + id);
  replyValue(msg, "inform", out);
}

function cancel(msg: Message, kind: string, input: JsonValue): void {
  const id = input.getString(kind + "_booking");
  if (id == null) { reply(msg, "failure", "{\"error\":" + Json.quote("nothing to cancel: no " + kind + "_booking") + "}"); return; }
  log("cancelled " + id);
  replyValue(msg, "inform", Json.object().set("cancelled", Json.string(id)));
}
