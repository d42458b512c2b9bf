/**
 * The few facts about a module's binary that the WebAssembly JS API does not expose: its memory limits.
 * A tiny reader of the section layout (magic, version, then id + LEB128 size + payload), and a rewriter
 * that caps the memory maximum so `memory.grow` beyond the agent's cap fails inside the engine.
 */

export interface MemoryLimits {
  initialPages: number;
  maxPages?: number;
  shared: boolean;
  memory64: boolean;
}

/** A section of the binary: its id and where its payload starts and ends. */
export interface Section {
  id: number;
  start: number;
  end: number;
  headerStart: number;
}

/** Read one unsigned LEB128 number at `at` (throws on a truncated one). */
export function readU32(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0,
    shift = 0,
    pos = at;
  for (;;) {
    if (pos >= bytes.length || shift > 35) throw new Error('truncated LEB128 number');
    const b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: pos };
    shift += 7;
  }
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/** The module's sections in order (throws when one runs past the end of the bytes). */
export function sections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const headerStart = pos;
    const id = bytes[pos++];
    const size = readU32(bytes, pos);
    if (size.next + size.value > bytes.length) throw new Error(`section ${id} runs past the end of the module`);
    out.push({ id, start: size.next, end: size.next + size.value, headerStart });
    pos = size.next + size.value;
  }
  return out;
}

/** The module's own memory (section 5), or undefined when it defines none. */
export function readMemoryLimits(bytes: Uint8Array): MemoryLimits | undefined {
  const mem = sections(bytes).find((s) => s.id === 5);
  if (!mem) return undefined;
  const count = readU32(bytes, mem.start);
  if (count.value === 0) return undefined;
  const flags = bytes[count.next];
  const initial = readU32(bytes, count.next + 1);
  const max = flags & 1 ? readU32(bytes, initial.next).value : undefined;
  return { initialPages: initial.value, maxPages: max, shared: (flags & 2) !== 0, memory64: (flags & 4) !== 0 };
}

/** A copy of the module whose (single, 32-bit, unshared) memory has maximum `maxPages` (initial kept). */
export function capMemoryMax(bytes: Uint8Array, maxPages: number): Uint8Array {
  const mem = sections(bytes).find((s) => s.id === 5);
  const limits = readMemoryLimits(bytes);
  if (!mem || !limits) return bytes;
  const payload = [1, ...writeU32(1), ...writeU32(limits.initialPages), ...writeU32(Math.max(limits.initialPages, maxPages))];
  const section = [5, ...writeU32(payload.length), ...payload];
  const out = new Uint8Array(bytes.length - (mem.end - mem.headerStart) + section.length);
  out.set(bytes.subarray(0, mem.headerStart), 0);
  out.set(section, mem.headerStart);
  out.set(bytes.subarray(mem.end), mem.headerStart + section.length);
  return out;
}
