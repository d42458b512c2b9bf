// The host functions of Agent ABI v1 (docs/agent-abi.md), all in the `caxton` import namespace, and thin
// wrappers that move strings across the boundary as UTF-8. Only the functions an agent actually calls end up
// as imports of its module, so an agent that never touches the blackboard needs no blackboard grant.

@external("caxton", "send") declare function hostSend(ptr: usize, len: i32): void;
@external("caxton", "log") declare function hostLog(level: i32, ptr: usize, len: i32): void;
@external("caxton", "now") declare function hostNow(): f64;
@external("caxton", "random") declare function hostRandom(): f64;
@external("caxton", "blackboard_read") declare function hostBlackboardRead(ptr: usize, len: i32): void;
@external("caxton", "blackboard_write") declare function hostBlackboardWrite(ptr: usize, len: i32): void;
@external("caxton", "subscribe") declare function hostSubscribe(ptr: usize, len: i32): void;
@external("caxton", "unsubscribe") declare function hostUnsubscribe(ptr: usize, len: i32): void;

// Lone surrogates (legal in AssemblyScript strings, e.g. from a "\ud800" escape) become U+FFFD, so the host
// always receives valid UTF-8.
function utf8(text: string): ArrayBuffer {
  return String.UTF8.encode(text, false, String.UTF8.ErrorMode.REPLACE);
}

/** Log levels, as `log` expects them. */
export enum LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 }

/** Send one FIPA message given as JSON text. The runtime fills in `sender` with this agent's name. */
export function sendJson(json: string): void {
  const buf = utf8(json);
  hostSend(changetype<usize>(buf), buf.byteLength);
}

/** Write a line to the agent's log (shown in the trace and the inspector). */
export function log(text: string, level: LogLevel = LogLevel.Info): void {
  const buf = utf8(text);
  hostLog(<i32>level, changetype<usize>(buf), buf.byteLength);
}

/** The runtime's clock in milliseconds since the run started (simulated in tests); fixed while handling one message. */
export function now(): f64 { return hostNow(); }

/** A seeded random number in [0, 1): runs are reproducible from the run's seed. */
export function random(): f64 { return hostRandom(); }

/** Ask for a blackboard entry (needs the `blackboard_read` grant); the answer arrives later as an `inform` message. */
export function blackboardRead(key: string): void {
  const buf = utf8("{\"key\":" + quoteKey(key) + "}");
  hostBlackboardRead(changetype<usize>(buf), buf.byteLength);
}

/** Write a blackboard entry (needs `blackboard_write`); `valueJson` is JSON text; `expectedVersion` < 0 means any. */
export function blackboardWrite(key: string, valueJson: string, expectedVersion: i32 = -1): void {
  let json = "{\"key\":" + quoteKey(key) + ",\"value\":" + valueJson;
  if (expectedVersion >= 0) json += ",\"expected_version\":" + expectedVersion.toString();
  const buf = utf8(json + "}");
  hostBlackboardWrite(changetype<usize>(buf), buf.byteLength);
}

/** Subscribe to a topic such as `topic://orders/*` (needs `subscribe`); `filterJson` is an optional content filter object. */
export function subscribe(topic: string, filterJson: string = ""): void {
  let json = "{\"topic\":" + quoteKey(topic);
  if (filterJson.length > 0) json += ",\"filter\":" + filterJson;
  const buf = utf8(json + "}");
  hostSubscribe(changetype<usize>(buf), buf.byteLength);
}

/** Stop receiving a topic (needs `subscribe`). */
export function unsubscribe(topic: string): void {
  const buf = utf8("{\"topic\":" + quoteKey(topic) + "}");
  hostUnsubscribe(changetype<usize>(buf), buf.byteLength);
}

// Imported lazily from json.ts would create a cycle for the abort handler; a local quote keeps host.ts standalone.
function quoteKey(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c) out += "\\" + String.fromCharCode(c);
    else if (c < 0x20) out += " ";
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

/**
 * AssemblyScript's `abort` (failed assert, out-of-bounds, ...), routed here by `--use abort=...` so modules
 * never import `env.abort`: the reason goes to the log at error level, then the handler traps.
 */
export function caxtonAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "abort: " + (message != null ? message : "(no message)");
  if (fileName != null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  log(text, LogLevel.Error);
  unreachable();
}

/** AssemblyScript's `trace(...)`, routed to the log at debug level instead of `env.trace`. */
export function caxtonTrace(message: string, n: i32 = 0, a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0): void {
  let text = message;
  if (n > 0) text += " " + a0.toString();
  if (n > 1) text += " " + a1.toString();
  if (n > 2) text += " " + a2.toString();
  if (n > 3) text += " " + a3.toString();
  if (n > 4) text += " " + a4.toString();
  log(text, LogLevel.Debug);
}

/** Seed for AssemblyScript's Math.random, from the runtime's seeded random instead of `env.seed`. */
export function caxtonSeed(): f64 { return hostRandom() * 4294967296.0; }
