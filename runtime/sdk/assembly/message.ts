// Typed access to FIPA messages (schemas/message.schema.json) and the helpers agents use to answer.
import { Json, JsonValue } from "./json";
import { sendJson } from "./host";

/**
 * One FIPA ACL message as the agent received it. The content is checked when the message arrives but built only
 * when the agent reads it (`content` or `json`), so a large content the agent ignores costs little fuel.
 */
export class Message {
  /** The message's fields (the content joins them once read). */
  private fields: JsonValue;
  private text: string = "";
  private contentAt: i32 = -1;
  private contentRead: bool = true;

  constructor(json: JsonValue) { this.fields = json; }

  /** Parse a message; null unless it is an object with string `performative` and `sender` (and valid JSON throughout). */
  static parse(text: string): Message | null {
    const lazy = Json.parseLazily(text, "content");
    if (lazy == null) return null;
    const j = lazy.value;
    if (j.getString("performative") == null || j.getString("sender") == null) return null;
    const m = new Message(j);
    m.text = text;
    m.contentAt = lazy.at;
    m.contentRead = false;
    return m;
  }

  /** The whole message as JSON, for fields without a getter (builds the content if not built yet). */
  get json(): JsonValue { this.readContent(); return this.fields; }

  /** A top-level field other than `content`, without building the content. */
  field(key: string): JsonValue | null { return this.fields.get(key); }

  get performative(): string { const s = this.fields.getString("performative"); return s != null ? s : ""; }
  get sender(): string { const s = this.fields.getString("sender"); return s != null ? s : ""; }
  get conversationId(): string | null { return this.fields.getString("conversation_id"); }
  get replyWith(): string | null { return this.fields.getString("reply_with"); }
  get inReplyTo(): string | null { return this.fields.getString("in_reply_to"); }
  get protocol(): string | null { return this.fields.getString("protocol"); }
  get ontology(): string | null { return this.fields.getString("ontology"); }
  get messageId(): string | null { return this.fields.getString("message_id"); }
  /** The content (any JSON), or null when the message has none. */
  get content(): JsonValue | null { this.readContent(); return this.fields.get("content"); }

  private readContent(): void {
    if (this.contentRead) return;
    this.contentRead = true;
    if (this.contentAt < 0) return;
    const v = Json.parseAt(this.text, this.contentAt);
    if (v != null) this.fields.append("content", v);
  }
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
  const replyTo = msg.field("reply_to");
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
