// The Caxton agent SDK for TypeScript and JavaScript agents (docs/typescript-agents.md). It runs inside the agent's
// QuickJS sandbox, bundled into the agent by `caxton build`; its types are in index.d.ts (import from "caxton-agent").
//
//   import { onMessage, reply } from "caxton-agent";
//   onMessage((msg) => reply(msg, "inform", { ok: true }));
//
// It has the shape of the AssemblyScript SDK (runtime/sdk/assembly): onMessage, send, reply, notUnderstood, log,
// now, random and the grant-gated blackboard and subscribe functions. Contents are plain JSON values, not text.

const host = globalThis.__caxton_host;

/** Log levels, as `log` expects them. */
export const LogLevel = Object.freeze({ Debug: 0, Info: 1, Warn: 2, Error: 3 });

const str = (v) => (typeof v === 'string' ? v : null);

/** One FIPA ACL message as the agent received it. */
export class Message {
  constructor(json) {
    this.json = json;
  }

  /** Parse a message; null unless it is an object with string `performative` and `sender`. */
  static parse(text) {
    let j;
    try {
      j = JSON.parse(text);
    } catch {
      return null;
    }
    if (j === null || typeof j !== 'object' || Array.isArray(j)) return null;
    if (typeof j.performative !== 'string' || typeof j.sender !== 'string') return null;
    return new Message(j);
  }

  get performative() {
    return this.json.performative;
  }
  get sender() {
    return this.json.sender;
  }
  get receiver() {
    return this.json.receiver ?? null;
  }
  get conversationId() {
    return str(this.json.conversation_id);
  }
  get replyWith() {
    return str(this.json.reply_with);
  }
  get inReplyTo() {
    return str(this.json.in_reply_to);
  }
  get protocol() {
    return str(this.json.protocol);
  }
  get ontology() {
    return str(this.json.ontology);
  }
  get messageId() {
    return str(this.json.message_id);
  }
  get content() {
    return this.json.content === undefined ? null : this.json.content;
  }
}

let handler = null;

/** Register the function that handles every message this agent receives (it may be async). */
export function onMessage(fn) {
  handler = fn;
}

/** Send one FIPA message given as an object. The runtime fills in `sender` with this agent's name. */
export function sendMessage(message) {
  host.send(JSON.stringify(message));
}

/** Send a message to `receiver` (an agent name, a list of names, `broadcast` or `topic://...`). */
export function send(performative, receiver, content, conversationId) {
  const m = { performative, receiver };
  if (content !== undefined) m.content = content;
  if (conversationId !== undefined && conversationId !== null) m.conversation_id = conversationId;
  sendMessage(m);
}

/**
 * Answer `msg`: to its `reply_to` (or its sender), with `in_reply_to` set from its `reply_with` and the same
 * conversation and protocol.
 */
export function reply(msg, performative, content) {
  const m = { performative, receiver: msg.json.reply_to ?? msg.sender };
  if (content !== undefined) m.content = content;
  if (msg.replyWith !== null) m.in_reply_to = msg.replyWith;
  if (msg.conversationId !== null) m.conversation_id = msg.conversationId;
  if (msg.protocol !== null) m.protocol = msg.protocol;
  sendMessage(m);
}

/** Answer `not_understood` with a reason, as FIPA expects for content the agent cannot parse. */
export function notUnderstood(msg, reason) {
  reply(msg, 'not_understood', { reason });
}

/** Write a line to the agent's log (shown in the trace and the inspector). */
export function log(text, level = LogLevel.Info) {
  host.log(level, String(text));
}

/** The runtime's clock in milliseconds since the run started (simulated in tests); fixed while handling one message. */
export function now() {
  return host.now();
}

/** A seeded random number in [0, 1): runs are reproducible from the run's seed (Math.random is the same generator). */
export function random() {
  return host.random();
}

function granted(fn, grant, name) {
  if (typeof host[fn] !== 'function')
    throw new Error(`${name} needs the '${grant}' grant: add it to host_functions in the agent's manifest`);
  return host[fn];
}

/** Ask for a blackboard entry (needs `blackboard_read`); the answer arrives later as an `inform` message. */
export function blackboardRead(key) {
  granted('blackboard_read', 'blackboard_read', 'blackboardRead')(JSON.stringify({ key }));
}

/** Write a blackboard entry (needs `blackboard_write`); `expectedVersion` makes it a compare-and-set. */
export function blackboardWrite(key, value, expectedVersion) {
  const w = { key, value };
  if (expectedVersion !== undefined && expectedVersion >= 0) w.expected_version = expectedVersion;
  granted('blackboard_write', 'blackboard_write', 'blackboardWrite')(JSON.stringify(w));
}

/** Subscribe to a topic such as `topic://orders/*` (needs `subscribe`), with an optional content filter. */
export function subscribe(topic, filter) {
  granted('subscribe', 'subscribe', 'subscribe')(JSON.stringify(filter === undefined ? { topic } : { topic, filter }));
}

/** Stop receiving a topic (needs `subscribe`). */
export function unsubscribe(topic) {
  granted('unsubscribe', 'subscribe', 'unsubscribe')(JSON.stringify({ topic }));
}

// console.* writes to the agent's log, so ordinary TypeScript logging works.
const format = (args) =>
  args
    .map((a) =>
      typeof a === 'string'
        ? a
        : (() => {
            try {
              return JSON.stringify(a);
            } catch {
              return String(a);
            }
          })(),
    )
    .join(' ');
const consoleAt =
  (level) =>
  (...args) =>
    log(format(args), level);
Object.defineProperty(globalThis, 'console', {
  value: Object.freeze({ debug: consoleAt(0), log: consoleAt(1), info: consoleAt(1), warn: consoleAt(2), error: consoleAt(3) }),
  writable: false,
  configurable: false,
});

// The entry point the host calls (the JS twin of the wasm ABI's caxton_handle): 0 handled, 1 not a message,
// 2 no handler registered, or a promise of 0 for an async handler (rejected when the handler fails).
function caxton_handle(text) {
  const msg = Message.parse(text);
  if (msg === null) return 1;
  if (handler === null) return 2;
  const result = handler(msg);
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') return Promise.resolve(result).then(() => 0);
  return 0;
}
Object.defineProperty(globalThis, 'caxton_handle', { value: caxton_handle, writable: false, configurable: false });
