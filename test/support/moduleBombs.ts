/**
 * Module bombs, written byte by byte (WAT cannot say "a million functions" or "40,000 locals" compactly): valid
 * WebAssembly that is costly to compile or instrument, for the tests that show they are refused before that.
 */

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function section(id: number, payload: number[] | Uint8Array): Uint8Array {
  const head = [id, ...leb(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A module of `functions` empty functions `() -> ()`, the first declaring `locals` i64 locals, and an exported memory. */
export function moduleBomb(opts: { functions: number; locals?: number }): Uint8Array {
  const n = opts.functions;
  const count = leb(n);
  const funcs = new Uint8Array(count.length + n);
  funcs.set(count, 0); // every entry is type index 0, already zero-filled
  const first = opts.locals ? [1, ...leb(opts.locals), 0x7e, 0x0b] : [0, 0x0b];
  const bodies = new Uint8Array(count.length + 1 + first.length + (n - 1) * 3);
  let at = 0;
  for (const b of [...count, first.length, ...first]) bodies[at++] = b;
  for (let i = 1; i < n; i++) {
    bodies[at++] = 2;
    bodies[at++] = 0;
    bodies[at++] = 0x0b;
  }
  const exportMemory = [1, 6, ...Buffer.from('memory'), 2, 0];
  return concat([
    new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    section(1, [1, 0x60, 0, 0]),
    section(3, funcs),
    section(5, [1, 0, 1]),
    section(7, exportMemory),
    section(10, bodies),
  ]);
}
