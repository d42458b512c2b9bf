// Types of the Caxton agent SDK for TypeScript and JavaScript agents (implementation: index.js next to this file).
// Agents import it as "caxton-agent"; a tsconfig/jsconfig beside the agents maps that name here (see
// examples/calculator-ts/agents/tsconfig.json), so the editor knows every function below.

/** Any JSON value: what message contents, blackboard values and filters are made of. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A FIPA ACL message (schemas/message.schema.json) as JSON. */
export interface FipaMessageJson {
  performative: string;
  sender: string;
  receiver?: string | string[];
  content?: JsonValue;
  conversation_id?: string;
  reply_with?: string;
  in_reply_to?: string;
  reply_to?: string | string[];
  reply_by?: string;
  protocol?: string;
  language?: string;
  ontology?: string;
  message_id?: string;
  [field: string]: JsonValue | undefined;
}

/** A message to send: like FipaMessageJson without `sender` (the runtime sets it to this agent's name). */
export interface OutgoingMessage {
  performative: string;
  receiver: string | string[];
  content?: JsonValue;
  conversation_id?: string;
  reply_with?: string;
  in_reply_to?: string;
  protocol?: string;
  [field: string]: JsonValue | undefined;
}

/** Log levels, as `log` expects them. */
export declare const LogLevel: { readonly Debug: 0; readonly Info: 1; readonly Warn: 2; readonly Error: 3 };
export type LogLevel = 0 | 1 | 2 | 3;

/** One FIPA ACL message as the agent received it. */
export declare class Message {
  /** The whole message as JSON, for fields without a getter. */
  readonly json: FipaMessageJson;
  constructor(json: FipaMessageJson);
  /** Parse a message; null unless it is an object with string `performative` and `sender`. */
  static parse(text: string): Message | null;
  readonly performative: string;
  readonly sender: string;
  readonly receiver: string | string[] | null;
  readonly conversationId: string | null;
  readonly replyWith: string | null;
  readonly inReplyTo: string | null;
  readonly protocol: string | null;
  readonly ontology: string | null;
  readonly messageId: string | null;
  /** The content (any JSON), or null when the message has none. */
  readonly content: JsonValue;
}

/** What handles one incoming message; it may be async (its promise is awaited under the same fuel budget). */
export type Handler = (msg: Message) => void | Promise<void>;

/** Register the function that handles every message this agent receives. */
export declare function onMessage(fn: Handler): void;
/** Send one FIPA message given as an object. The runtime fills in `sender` with this agent's name. */
export declare function sendMessage(message: OutgoingMessage): void;
/** Send a message to `receiver` (an agent name, a list of names, `broadcast` or `topic://...`). */
export declare function send(performative: string, receiver: string | string[], content?: JsonValue, conversationId?: string | null): void;
/** Answer `msg`: to its `reply_to` (or its sender), with `in_reply_to`, conversation and protocol carried over. */
export declare function reply(msg: Message, performative: string, content?: JsonValue): void;
/** Answer `not_understood` with a reason, as FIPA expects for content the agent cannot parse. */
export declare function notUnderstood(msg: Message, reason: string): void;
/** Write a line to the agent's log (shown in the trace and the inspector). `console.log` and friends do the same. */
export declare function log(text: string, level?: LogLevel): void;
/** The runtime's clock in ms since the run started (simulated in tests); fixed while handling one message. `Date.now()` is the same. */
export declare function now(): number;
/** A seeded random number in [0, 1): runs are reproducible from the run's seed. `Math.random()` is the same generator. */
export declare function random(): number;
/** Ask for a blackboard entry (needs the `blackboard_read` grant); the answer arrives later as an `inform` message. */
export declare function blackboardRead(key: string): void;
/** Write a blackboard entry (needs `blackboard_write`); `expectedVersion` makes it a compare-and-set. */
export declare function blackboardWrite(key: string, value: JsonValue, expectedVersion?: number): void;
/** Subscribe to a topic such as `topic://orders/*` (needs `subscribe`), with an optional content filter. */
export declare function subscribe(topic: string, filter?: { [key: string]: JsonValue }): void;
/** Stop receiving a topic (needs `subscribe`). */
export declare function unsubscribe(topic: string): void;

declare global {
  /** console.* writes to the agent's log (debug, info, warn, error levels). */
  var console: {
    debug(...args: unknown[]): void;
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  };
}
