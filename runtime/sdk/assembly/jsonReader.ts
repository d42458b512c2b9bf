// The JSON reader behind Json.parse / Json.parseLazily: recursive descent, strict (RFC 8259), linear and frugal in
// fuel (plain characters skipped four at a time, escapes decoded into one buffer, values that are only checked are
// never built). Never traps on bad input: it sets `ok = false` at the first error.
import { Json, JsonValue } from "./json";

const MAX_DEPTH: i32 = 64;

// Exact powers of ten (every one up to 1e22 is exactly representable as f64).
const POW10: StaticArray<f64> = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

function scale(f: f64, mantissa: u64, exp10: i32): f64 {
  if (mantissa == 0) return 0;
  if (exp10 > 400) return Infinity;
  if (exp10 < -400) return 0;
  let e = exp10;
  if (e > 0) {
    while (e > 22) { f *= 1e22; e -= 22; }
    return f * POW10[e];
  }
  while (e < -22) { f /= 1e22; e += 22; }
  return f / POW10[-e];
}

/** Recursive-descent reader; sets `ok = false` at the first error instead of trapping. */
export class JsonParser {
  text: string;
  pos: i32 = 0;
  ok: bool = true;
  depth: i32 = 0;
  /** Where the lazily read key's value starts (object(lazyKey)), or -1. */
  lazyAt: i32 = -1;

  constructor(text: string) { this.text = text; }

  fail(): JsonValue { this.ok = false; return Json.nil(); }

  @inline peek(): i32 { return this.pos < this.text.length ? this.at(this.pos) : -1; }

  @inline skipSpace(): void {
    const n = this.text.length;
    let i = this.pos;
    while (i < n) {
      const c = this.at(i);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      i++;
    }
    this.pos = i;
  }

  value(): JsonValue {
    if (!this.ok) return Json.nil();
    this.skipSpace();
    const c = this.peek();
    if (c == 0x7b) return this.object();
    if (c == 0x5b) return this.array();
    if (c == 0x22) { const s = this.string(); return this.ok ? Json.string(s) : Json.nil(); }
    if (c == 0x74) return this.literal("true", Json.bool(true));
    if (c == 0x66) return this.literal("false", Json.bool(false));
    if (c == 0x6e) return this.literal("null", Json.nil());
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail();
  }

  literal(word: string, result: JsonValue): JsonValue {
    if (this.pos + word.length > this.text.length || this.text.substr(this.pos, word.length) != word) return this.fail();
    this.pos += word.length;
    return result;
  }

  // AssemblyScript's parseFloat mis-scales large exponents (0.28: "9.5e+44" -> 9.5e+37), so numbers are read
  // here: up to 19 significant digits exactly, then scaled by exact powers of ten (correctly rounded when the
  // digits fit in 2^53 and |exponent| <= 22, within a few ulps otherwise).
  number(): JsonValue {
    const v = this.readNumber();
    return this.ok ? Json.number(v) : Json.nil();
  }

  /** A number's value (no allocation); sets `ok = false` on a malformed one. */
  readNumber(): f64 {
    let negative = false;
    if (this.peek() == 0x2d) { negative = true; this.pos++; }
    let mantissa: u64 = 0;
    let significant = 0;
    let exp10: i32 = 0;
    const intStart = this.pos;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) {
      const d = <u64>(this.peek() - 0x30);
      if (significant < 19) { mantissa = mantissa * 10 + d; if (mantissa != 0) significant++; } else exp10++;
      this.pos++;
    }
    if (this.pos == intStart) { this.ok = false; return 0; }
    if (this.peek() == 0x2e) {
      this.pos++;
      const fracStart = this.pos;
      while (this.peek() >= 0x30 && this.peek() <= 0x39) {
        if (significant < 19) { mantissa = mantissa * 10 + <u64>(this.peek() - 0x30); exp10--; if (mantissa != 0) significant++; }
        this.pos++;
      }
      if (this.pos == fracStart) { this.ok = false; return 0; }
    }
    if (this.peek() == 0x65 || this.peek() == 0x45) {
      this.pos++;
      let expNegative = false;
      if (this.peek() == 0x2b || this.peek() == 0x2d) { expNegative = this.peek() == 0x2d; this.pos++; }
      const expStart = this.pos;
      let e: i32 = 0;
      while (this.peek() >= 0x30 && this.peek() <= 0x39) {
        if (e < 100000) e = e * 10 + (this.peek() - 0x30);
        this.pos++;
      }
      if (this.pos == expStart) { this.ok = false; return 0; }
      exp10 += expNegative ? -e : e;
    }
    const value = scale(<f64>mantissa, mantissa, exp10);
    return negative ? -value : value;
  }

  /** The UTF-16 code unit at `i` (no bounds check: callers compare with the length first). */
  @inline at(i: i32): i32 { return <i32>load<u16>(changetype<usize>(this.text) + (<usize>i << 1)); }

  /** How many plain characters (no quote, backslash or control character) start at `i`. */
  @inline plainRun(i: i32, n: i32): i32 {
    let j = i;
    // Four characters per step (SWAR on 16-bit lanes): a lane below 0x20, or equal to '"' or '\\', sets its top bit.
    // Exact when no lane matches; on a match the loop below finds which character it was.
    const base = changetype<usize>(this.text);
    while (j + 4 <= n) {
      const x = load<u64>(base + (<usize>j << 1));
      const q = x ^ 0x0022002200220022;
      const b = x ^ 0x005c005c005c005c;
      const hit = (((x - 0x0020002000200020) & ~x) | ((q - 0x0001000100010001) & ~q) | ((b - 0x0001000100010001) & ~b)) & 0x8000800080008000;
      if (hit != 0) break;
      j += 4;
    }
    while (j < n) {
      const c = this.at(j);
      // Bitwise, not short-circuit: no branches, so the metered loop body stays small.
      if (<i32>(c < 0x20) | <i32>(c == 0x22) | <i32>(c == 0x5c)) break;
      j++;
    }
    return j - i;
  }

  // Fuel is charged per loop iteration by the size of the loop's body, so plain characters are skipped by a tight
  // loop. A string without escapes is one substring; with escapes it is decoded into one buffer (never longer than
  // the rest of the text) and copied out once: linear, unlike growing a string piece by piece.
  string(): string {
    const text = this.text;
    const n = text.length;
    const first = this.pos + 1; // after the opening quote
    let i = first + this.plainRun(first, n);
    if (i < n && this.at(i) == 0x22) { this.pos = i + 1; return text.substring(first, i); }
    const buf = heap.alloc(<usize>(n - first) << 1);
    let w: usize = 0;
    let start = first;
    while (true) {
      const run = <usize>(i - start) << 1;
      memory.copy(buf + w, changetype<usize>(text) + (<usize>start << 1), run);
      w += run;
      if (i >= n) break; // unterminated
      const c = this.at(i);
      if (c == 0x22) {
        this.pos = i + 1;
        const out = String.UTF16.decodeUnsafe(buf, w);
        heap.free(buf);
        return out;
      }
      if (c < 0x20) break;
      const e = i + 1 < n ? this.at(i + 1) : -1;
      i += 2;
      let ch = -1;
      if (e == 0x22 || e == 0x5c || e == 0x2f) ch = e;
      else if (e == 0x62) ch = 0x08;
      else if (e == 0x66) ch = 0x0c;
      else if (e == 0x6e) ch = 0x0a;
      else if (e == 0x72) ch = 0x0d;
      else if (e == 0x74) ch = 0x09;
      else if (e == 0x75) { this.pos = i; ch = this.hex4(); i = this.pos; }
      if (ch < 0) break;
      store<u16>(buf + w, <u16>ch);
      w += 2;
      start = i;
      i += this.plainRun(i, n);
    }
    heap.free(buf);
    this.pos = i;
    this.ok = false;
    return "";
  }

  hex4(): i32 {
    if (this.pos + 4 > this.text.length) return -1;
    let code = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.text.charCodeAt(this.pos + i);
      let d = -1;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      if (d < 0) return -1;
      code = (code << 4) | d;
    }
    this.pos += 4;
    return code;
  }

  /** Check one value's syntax (same rules and depth limit as value()) without building anything. */
  skipValue(): void {
    if (!this.ok) return;
    this.skipSpace();
    const c = this.peek();
    if (c == 0x7b) this.skipContainer(0x7d);
    else if (c == 0x5b) this.skipContainer(0x5d);
    else if (c == 0x22) this.skipString();
    else if (c == 0x74) this.skipWord("true");
    else if (c == 0x66) this.skipWord("false");
    else if (c == 0x6e) this.skipWord("null");
    else if (c == 0x2d || (c >= 0x30 && c <= 0x39)) this.skipNumber();
    else this.ok = false;
  }

  /** Check a number's syntax (as readNumber accepts it) without computing its value. */
  skipNumber(): void {
    const n = this.text.length;
    let i = this.pos;
    if (this.at(i) == 0x2d) i++;
    const intStart = i;
    while (i < n && <u32>(this.at(i) - 0x30) <= 9) i++;
    let ok = i > intStart;
    if (ok && i < n && this.at(i) == 0x2e) {
      const fracStart = ++i;
      while (i < n && <u32>(this.at(i) - 0x30) <= 9) i++;
      ok = i > fracStart;
    }
    if (ok && i < n && (this.at(i) | 0x20) == 0x65) {
      i++;
      if (i < n && (this.at(i) == 0x2b || this.at(i) == 0x2d)) i++;
      const expStart = i;
      while (i < n && <u32>(this.at(i) - 0x30) <= 9) i++;
      ok = i > expStart;
    }
    this.pos = i;
    if (!ok) this.ok = false;
  }

  skipWord(word: string): void {
    if (this.pos + word.length > this.text.length || this.text.substr(this.pos, word.length) != word) { this.ok = false; return; }
    this.pos += word.length;
  }

  skipString(): void {
    const n = this.text.length;
    let i = this.pos + 1;
    while (true) {
      i += this.plainRun(i, n);
      if (i >= n) break;
      const c = this.at(i);
      if (c == 0x22) { this.pos = i + 1; return; }
      if (c < 0x20 || i + 1 >= n) break;
      const e = this.at(i + 1);
      i += 2;
      if (e == 0x75) {
        this.pos = i;
        if (this.hex4() < 0) break;
        i = this.pos;
      } else if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) break;
    }
    this.ok = false;
  }

  skipContainer(close: i32): void {
    if (++this.depth > MAX_DEPTH) { this.ok = false; return; }
    this.pos++;
    this.skipSpace();
    if (this.peek() == close) { this.pos++; this.depth--; return; }
    while (this.ok) {
      if (close == 0x7d) {
        this.skipSpace();
        if (this.peek() != 0x22) { this.ok = false; return; }
        this.skipString();
        this.skipSpace();
        if (!this.ok || this.peek() != 0x3a) { this.ok = false; return; }
        this.pos++;
      }
      this.skipValue();
      this.skipSpace();
      const c = this.peek();
      this.pos++;
      if (c == close) { this.depth--; return; }
      if (c != 0x2c) { this.ok = false; return; }
    }
  }

  array(): JsonValue {
    if (++this.depth > MAX_DEPTH) return this.fail();
    this.pos++;
    const arr = Json.array();
    this.skipSpace();
    if (this.peek() == 0x5d) { this.pos++; this.depth--; return arr; }
    while (this.ok) {
      arr.push(this.value());
      this.skipSpace();
      const c = this.peek();
      this.pos++;
      if (c == 0x5d) { this.depth--; return arr; }
      if (c != 0x2c) return this.fail();
    }
    return this.fail();
  }

  /**
   * An object. With `lazyKey`, that key's value is only checked (skipValue: no allocation) and its position kept in
   * `lazyAt` (the last one when the key repeats), for whoever reads it later.
   */
  object(lazyKey: string | null = null): JsonValue {
    if (++this.depth > MAX_DEPTH) return this.fail();
    this.pos++;
    const obj = Json.object();
    this.skipSpace();
    if (this.peek() == 0x7d) { this.pos++; this.depth--; return obj; }
    while (this.ok) {
      this.skipSpace();
      if (this.peek() != 0x22) return this.fail();
      const key = this.string();
      this.skipSpace();
      if (!this.ok || this.peek() != 0x3a) return this.fail();
      this.pos++;
      if (lazyKey != null && key == lazyKey) {
        this.skipSpace();
        this.lazyAt = this.pos;
        this.skipValue();
      } else {
        obj.append(key, this.value());
      }
      this.skipSpace();
      const c = this.peek();
      this.pos++;
      if (c == 0x7d) { this.depth--; return obj; }
      if (c != 0x2c) return this.fail();
    }
    return this.fail();
  }
}
