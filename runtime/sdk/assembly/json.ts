// A tiny JSON reader/writer for agents. AssemblyScript has no JSON.parse, and messages are JSON.
// The reader (jsonReader.ts) is strict (RFC 8259) but never traps on bad input: Json.parse returns null instead,
// and nesting is limited so hostile input cannot exhaust the stack.
import { JsonParser } from "./jsonReader";

/** The kind of a JSON value. */
export enum JsonKind { Null, Bool, Number, String, Array, Object }

// Scalars share these empty lists (allocating two arrays per number or string made messages costly in fuel);
// push() and set() give a value its own lists before the first write.
const NO_ITEMS = new Array<JsonValue>(0);
const NO_KEYS = new Array<string>(0);

/** A parsed (or built) JSON value. Objects keep their keys in order; when a key repeats, the last one counts. */
export class JsonValue {
  kind: JsonKind;
  boolValue: bool = false;
  numberValue: f64 = 0;
  stringValue: string = "";
  /** Array elements, or object values (parallel to `keys`). Empty for scalars. */
  items: Array<JsonValue> = NO_ITEMS;
  /** Object keys (empty for other kinds). */
  keys: Array<string> = NO_KEYS;

  constructor(kind: JsonKind) {
    this.kind = kind;
    if (kind == JsonKind.Array || kind == JsonKind.Object) this.items = new Array<JsonValue>();
    if (kind == JsonKind.Object) this.keys = new Array<string>();
  }

  isNull(): bool { return this.kind == JsonKind.Null; }
  isBool(): bool { return this.kind == JsonKind.Bool; }
  isNumber(): bool { return this.kind == JsonKind.Number; }
  isString(): bool { return this.kind == JsonKind.String; }
  isArray(): bool { return this.kind == JsonKind.Array; }
  isObject(): bool { return this.kind == JsonKind.Object; }

  /** The value of `key` in an object (the last one when the key repeats), or null (also for non-objects). */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] == key) return this.items[i];
    }
    return null;
  }

  /** The string at `key`, or null when absent or not a string. */
  getString(key: string): string | null {
    const v = this.get(key);
    if (v == null || !v.isString()) return null;
    return v.stringValue;
  }

  /** Whether `key` holds a number. */
  hasNumber(key: string): bool {
    const v = this.get(key);
    return v != null && v.isNumber();
  }

  /** The number at `key`, or `fallback`. */
  getNumber(key: string, fallback: f64 = 0): f64 {
    const v = this.get(key);
    if (v == null || !v.isNumber()) return fallback;
    return v.numberValue;
  }

  /** Set `key` in an object (replacing an existing value); returns this for chaining. */
  set(key: string, value: JsonValue): JsonValue {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] == key) { this.items[i] = value; return this; }
    }
    this.append(key, value);
    return this;
  }

  /** Add `key` without looking for it first (the reader: linear in the number of keys; the last repeat counts). */
  append(key: string, value: JsonValue): void {
    if (this.keys === NO_KEYS) this.keys = new Array<string>();
    if (this.items === NO_ITEMS) this.items = new Array<JsonValue>();
    this.keys.push(key);
    this.items.push(value);
  }

  /** Append to an array; returns this for chaining. */
  push(value: JsonValue): JsonValue {
    if (this.items === NO_ITEMS) this.items = new Array<JsonValue>();
    this.items.push(value);
    return this;
  }

  /** Serialize as compact JSON. */
  toString(): string {
    switch (this.kind) {
      case JsonKind.Null: return "null";
      case JsonKind.Bool: return this.boolValue ? "true" : "false";
      case JsonKind.Number: return Json.formatNumber(this.numberValue);
      case JsonKind.String: return Json.quote(this.stringValue);
      case JsonKind.Array: {
        // Pieces joined once: growing one string item by item would copy it again for every item (quadratic).
        const parts = new Array<string>(this.items.length);
        for (let i = 0; i < this.items.length; i++) parts[i] = this.items[i].toString();
        return "[" + parts.join(",") + "]";
      }
      default: {
        const parts = new Array<string>(this.keys.length);
        for (let i = 0; i < this.keys.length; i++) parts[i] = Json.quote(this.keys[i]) + ":" + this.items[i].toString();
        return "{" + parts.join(",") + "}";
      }
    }
  }
}

/** What Json.parseLazily found: the object without the lazy key, and where that key's value is. */
export class LazyParse {
  constructor(public value: JsonValue, public at: i32) {}
}

/** Builders and the reader. */
export class Json {
  static nil(): JsonValue { return new JsonValue(JsonKind.Null); }
  static bool(v: bool): JsonValue { const j = new JsonValue(JsonKind.Bool); j.boolValue = v; return j; }
  static number(v: f64): JsonValue { const j = new JsonValue(JsonKind.Number); j.numberValue = v; return j; }
  static string(v: string): JsonValue { const j = new JsonValue(JsonKind.String); j.stringValue = v; return j; }
  static array(): JsonValue { return new JsonValue(JsonKind.Array); }
  static object(): JsonValue { return new JsonValue(JsonKind.Object); }

  /** Parse JSON text; null when it is not valid JSON (never traps). */
  static parse(text: string): JsonValue | null {
    const p = new JsonParser(text);
    const v = p.value();
    p.skipSpace();
    if (!p.ok || p.pos != text.length) return null;
    return v;
  }

  /**
   * Parse a JSON object whose `lazyKey` value is only checked, not built: returns the object without that key and
   * the position of its value in `text` (-1 when absent), or null when the text is not valid JSON.
   */
  static parseLazily(text: string, lazyKey: string): LazyParse | null {
    const p = new JsonParser(text);
    p.skipSpace();
    if (p.peek() != 0x7b) return null;
    const v = p.object(lazyKey);
    p.skipSpace();
    if (!p.ok || p.pos != text.length) return null;
    return new LazyParse(v, p.lazyAt);
  }

  /** Parse the value at `at` in `text` (a position found by parseLazily, so already checked). */
  static parseAt(text: string, at: i32): JsonValue | null {
    const p = new JsonParser(text);
    p.pos = at;
    const v = p.value();
    return p.ok ? v : null;
  }

  /** A JSON string literal for `s`. */
  static quote(s: string): string {
    // As in the reader: a tight loop over plain characters; a string without escapes is copied once, between quotes,
    // and escapes are collected as pieces joined once.
    const n = s.length;
    const base = changetype<usize>(s);
    let i = 0;
    while (i < n) {
      const c = <i32>load<u16>(base + (<usize>i << 1));
      if (<i32>(c < 0x20) | <i32>(c == 0x22) | <i32>(c == 0x5c)) break;
      i++;
    }
    if (i >= n) {
      const out = changetype<usize>(__new(<usize>(n + 2) << 1, idof<string>()));
      store<u16>(out, 0x22);
      memory.copy(out + 2, base, <usize>n << 1);
      store<u16>(out + ((<usize>n + 1) << 1), 0x22);
      return changetype<string>(out);
    }
    const parts = new Array<string>();
    parts.push("\"");
    let start = 0;
    while (true) {
      while (i < n) {
        const c = <i32>load<u16>(base + (<usize>i << 1));
        if (<i32>(c < 0x20) | <i32>(c == 0x22) | <i32>(c == 0x5c)) break;
        i++;
      }
      if (i >= n) break;
      const c = <i32>load<u16>(base + (<usize>i << 1));
      parts.push(s.substring(start, i));
      if (c == 0x22) parts.push("\\\"");
      else if (c == 0x5c) parts.push("\\\\");
      else if (c == 0x0a) parts.push("\\n");
      else if (c == 0x0d) parts.push("\\r");
      else if (c == 0x09) parts.push("\\t");
      else parts.push("\\u00" + (c < 0x10 ? "0" : "1") + HEX.charAt(c & 0xf));
      i++;
      start = i;
    }
    parts.push(s.substring(start));
    parts.push("\"");
    return parts.join("");
  }

  /** Numbers as JSON writes them: integers without a trailing `.0`; NaN and infinities as null. */
  static formatNumber(n: f64): string {
    if (!isFinite(n)) return "null";
    if (n == Math.floor(n) && Math.abs(n) < 9007199254740992.0) return (<i64>n).toString();
    return n.toString();
  }
}

const HEX = "0123456789abcdef";

