/** Byte-level mutations of wasm modules, from a seeded generator so every run (and every failure) is reproducible. */
import type { Random } from '../../runtime/core/random';

export interface Mutant {
  bytes: Uint8Array;
  how: string;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0b, 0x40, 0x41, 0x60, 0x70, 0x6f, 0xfc, 0xfd, 0xfe];

const int = (r: Random, n: number): number => Math.floor(r.next() * n);

/** Offsets of the module's sections (id, start of payload, size), when the header parses; [] otherwise. */
export function sections(bytes: Uint8Array): Array<{ id: number; at: number; size: number }> {
  const out: Array<{ id: number; at: number; size: number }> = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0,
      shift = 0,
      b = 0x80;
    while (b & 0x80 && p < bytes.length && shift < 35) {
      b = bytes[p++];
      size |= (b & 0x7f) << shift;
      shift += 7;
    }
    out.push({ id, at: p, size: size >>> 0 });
    p += size >>> 0;
  }
  return out;
}

/**
 * Mutations that often keep the module valid, so it gets past the loader and runs: data segments scribbled
 * (the agent then sends garbage), i32.const immediates changed (offsets, lengths, loop bounds), memory limits changed.
 */
export function gentleMutate(src: Uint8Array, r: Random): Mutant {
  const b = Uint8Array.from(src);
  const secs = sections(b);
  const choice = int(r, 3);
  const data = secs.find((s) => s.id === 11);
  const code = secs.find((s) => s.id === 10);
  const memory = secs.find((s) => s.id === 5);
  if (choice === 0 && data && data.size > 8) {
    const n = 1 + int(r, 12);
    for (let k = 0; k < n; k++) b[data.at + 4 + int(r, data.size - 4)] = INTERESTING[int(r, INTERESTING.length)] ^ int(r, 128);
    return { bytes: b, how: `data scribble x${n}` };
  }
  if (choice === 1 && code) {
    // i32.const (0x41) followed by a one-byte LEB: swap in another one-byte signed value (sign bit 0x40 included).
    const consts: number[] = [];
    for (let i = code.at; i < code.at + code.size - 1; i++) if (b[i] === 0x41 && (b[i + 1] & 0x80) === 0) consts.push(i + 1);
    const n = Math.min(consts.length, 1 + int(r, 3));
    for (let k = 0; k < n; k++) b[consts[int(r, consts.length)]] = int(r, 128);
    return { bytes: b, how: `i32.const x${n}` };
  }
  if (memory && memory.size >= 3) {
    // count, flags, initial (LEB): a one-byte initial becomes another one-byte value (0..127 pages).
    const initialAt = memory.at + 2;
    if ((b[initialAt] & 0x80) === 0) b[initialAt] = int(r, 128);
    if (b[memory.at + 1] === 1 && (b[initialAt] & 0x80) === 0 && (b[initialAt + 1] & 0x80) === 0) b[initialAt + 1] = int(r, 128);
    return { bytes: b, how: `memory limits -> ${b[initialAt]}` };
  }
  return mutate(src, r, src);
}

/** One random mutation of `src`: flips, cuts, inserts, splices and section-aware edits (ids, sizes, payloads). */
export function mutate(src: Uint8Array, r: Random, other: Uint8Array): Mutant {
  const b = Uint8Array.from(src);
  // A module already cut below its header only grows (random bytes appended): positions need a body to point into.
  if (b.length <= 8)
    return {
      bytes: concat(
        b,
        Uint8Array.from({ length: 1 + int(r, 16) }, () => int(r, 256)),
      ),
      how: 'append to a headless module',
    };
  const at = (): number => 8 + int(r, b.length - 8);
  switch (int(r, 9)) {
    case 0: {
      // flip a few bytes
      const n = 1 + int(r, 4);
      for (let i = 0; i < n; i++) b[at()] ^= 1 << int(r, 8);
      return { bytes: b, how: `bit flips x${n}` };
    }
    case 1: {
      // interesting values
      const i = at();
      b[i] = INTERESTING[int(r, INTERESTING.length)];
      return { bytes: b, how: `byte ${i} = 0x${b[i].toString(16)}` };
    }
    case 2: {
      // truncate
      const n = int(r, b.length);
      return { bytes: b.slice(0, n), how: `truncated to ${n}` };
    }
    case 3: {
      // insert random bytes
      const i = at(),
        n = 1 + int(r, 16);
      const ins = Uint8Array.from({ length: n }, () => int(r, 256));
      return { bytes: concat(b.slice(0, i), ins, b.slice(i)), how: `insert ${n} bytes at ${i}` };
    }
    case 4: {
      // delete a range
      const i = at(),
        n = 1 + int(r, 64);
      return { bytes: concat(b.slice(0, i), b.slice(i + n)), how: `delete ${n} bytes at ${i}` };
    }
    case 5: {
      // splice: the head of one module and the tail of another
      const i = at(),
        j = 8 + int(r, Math.max(1, other.length - 8));
      return { bytes: concat(b.slice(0, i), other.slice(j)), how: `splice ${i} + other@${j}` };
    }
    case 6: {
      // change a section's id
      const s = pick(r, sections(b));
      if (!s) return { bytes: b, how: 'no sections' };
      const idAt = s.at - lebLength(b, s.at) - 1;
      b[idAt] = int(r, 14);
      return { bytes: b, how: `section at ${idAt} id -> ${b[idAt]}` };
    }
    case 7: {
      // change a section's size (first LEB byte)
      const s = pick(r, sections(b));
      if (!s) return { bytes: b, how: 'no sections' };
      const sizeAt = s.at - lebLength(b, s.at);
      b[sizeAt] = (b[sizeAt] & 0x80) | int(r, 128);
      return { bytes: b, how: `section size at ${sizeAt} -> ${b[sizeAt] & 0x7f}` };
    }
    default: {
      // scribble inside one section's payload (code, data, imports, exports, memory)
      const s = pick(r, sections(b));
      if (!s || s.size === 0) return { bytes: b, how: 'no sections' };
      const n = 1 + int(r, 8);
      for (let k = 0; k < n; k++) b[Math.min(b.length - 1, s.at + int(r, s.size))] = int(r, 256);
      return { bytes: b, how: `scribble x${n} in section ${s.id}` };
    }
  }
}

function pick<T>(r: Random, xs: readonly T[]): T | undefined {
  return xs.length ? xs[int(r, xs.length)] : undefined;
}

/** How many bytes the LEB128 size just before `payloadAt` takes (walk back over continuation bytes). */
function lebLength(b: Uint8Array, payloadAt: number): number {
  let n = 1;
  while (payloadAt - n - 1 >= 8 && b[payloadAt - n - 1] & 0x80 && n < 5) n++;
  return n;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
