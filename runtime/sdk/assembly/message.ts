// Typed access to FIPA messages (schemas/message.schema.json) and the helpers agents use to answer.
import { Json, JsonValue } from "./json";
import { sendJson } from "./host";

/** One FIPA ACL message as the agent received it. */
export class Message {
  /** The whole message as JSON, for fields without a getter. */
  json: JsonValue;

  constructor(json: JsonValue) { this.json = json; }

  /** Parse a message; null unless it is an object with string `performative` and `sender`. */
  static parse(text: string): Message | null {
    const j = Json.parse(text);
    if (j == null || !j.isObject()) return null;
    if (j.getString("performative") == null || j.getString("sender") == null) return null;
    return new Message(j);
  }

  get performative(): string { const s = this.json.getString("performative"); return s != null ? s : ""; }
  get sender(): string { const s = this.json.getString("sender"); return s != null ? s : ""; }
  get conversationId(): string | null { return this.json.getString("conversation_id"); }
  get replyWith(): string | null { return this.json.getString("reply_with"); }
  get inReplyTo(): string | null { return this.json.getString("in_reply_to"); }
  get protocol(): string | null { return this.json.getString("protocol"); }
  get ontology(): string | null { return this.json.getString("ontology"); }
  get messageId(): string | null { return this.json.getString("message_id"); }
  /** The content (any JSON), or null when the message has none. */
  get content(): JsonValue | null { return this.json.get("content"); }
}

/** Send a message to `receiver` (an agent name or `topic://...`); `contentJson` is JSON text ("" for none). */
export function send(performative: string, receiver: string, contentJson: string = "", conversationId: string | null = null): void {
  let json = "{\"performative\":" + Json.quote(performative) + ",\"receiver\":" + Json.quote(receiver);
  if (contentJson.length > 0) json += ",\"content\":" + contentJson;
  if (conversationId != null) json += ",\"conversation_id\":" + Json.quote(conversationId);
  sendJson(json + "}");
}

/**
 * Answer `msg`: to its `reply_to` (or its sender), with `in_reply_to` set from its `reply_with` and the same
 * conversation and protocol. `contentJson` is JSON text ("" for none).
 */
export function reply(msg: Message, performative: string, contentJson: string = ""): void {
  const replyTo = msg.json.get("reply_to");
  const receiver = replyTo != null ? replyTo.toString() : Json.quote(msg.sender);
  let json = "{\"performative\":" + Json.quote(performative) + ",\"receiver\":" + receiver;
  if (contentJson.length > 0) json += ",\"content\":" + contentJson;
  const replyWith = msg.replyWith;
  if (replyWith != null) json += ",\"in_reply_to\":" + Json.quote(replyWith);
  const conversation = msg.conversationId;
  if (conversation != null) json += ",\"conversation_id\":" + Json.quote(conversation);
  const protocol = msg.protocol;
  if (protocol != null) json += ",\"protocol\":" + Json.quote(protocol);
  sendJson(json + "}");
}

/** Like `reply`, with the content given as a JsonValue. */
export function replyValue(msg: Message, performative: string, content: JsonValue): void {
  reply(msg, performative, content.toString());
}

/** Answer `not_understood` with a reason, as FIPA expects for content the agent cannot parse. */
export function notUnderstood(msg: Message, reason: string): void {
  reply(msg, "not_understood", "{\"reason\":" + Json.quote(reason) + "}");
}
