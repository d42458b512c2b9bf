/**
 * A cheap scan of a module's sections (no compilation, no binaryen): how many functions, how much code, the most
 * locals in one function and the table sizes it declares. Module bombs (a million functions, huge locals or tables)
 * are refused from these numbers before anything expensive reads the module.
 */
import { readU32, sections } from './wasmSections';

export interface ModuleShape {
  /** Functions defined by the module (not imported). */
  functions: number;
  /** Bytes of the code section. */
  codeBytes: number;
  /** The largest function body, in bytes. */
  largestBodyBytes: number;
  /** The most locals (parameters excluded) declared by one function, and its index among the defined functions. */
  mostLocals: { count: number; index: number };
  /** Tables the module defines: initial and maximum element counts. */
  tables: Array<{ initial: number; max?: number }>;
}

const SECTION = { function: 3, table: 4, code: 10 } as const;

/** Scan the module's sections; `stopAbove` ends the walk over function bodies early once a local count passes it. */
export function scanModule(bytes: Uint8Array, stopAbove = Infinity): ModuleShape {
  const shape: ModuleShape = { functions: 0, codeBytes: 0, largestBodyBytes: 0, mostLocals: { count: 0, index: -1 }, tables: [] };
  for (const s of sections(bytes)) {
    if (s.id === SECTION.function) shape.functions = readU32(bytes, s.start).value;
    if (s.id === SECTION.table) shape.tables = readTables(bytes, s.start);
    if (s.id === SECTION.code) {
      shape.codeBytes = s.end - s.start;
      scanBodies(bytes, s.start, s.end, shape, stopAbove);
    }
  }
  return shape;
}

function readTables(bytes: Uint8Array, at: number): ModuleShape['tables'] {
  const count = readU32(bytes, at);
  const out: ModuleShape['tables'] = [];
  let pos = count.next;
  for (let i = 0; i < count.value; i++) {
    const flags = bytes[pos + 1]; // after the reference type byte
    const initial = readU32(bytes, pos + 2);
    pos = initial.next;
    let max: number | undefined;
    if (flags & 1) {
      const m = readU32(bytes, pos);
      max = m.value;
      pos = m.next;
    }
    out.push({ initial: initial.value, max });
  }
  return out;
}

function scanBodies(bytes: Uint8Array, start: number, end: number, shape: ModuleShape, stopAbove: number): void {
  const count = readU32(bytes, start);
  let pos = count.next;
  for (let i = 0; i < count.value && pos < end; i++) {
    const size = readU32(bytes, pos);
    const bodyEnd = size.next + size.value;
    if (bodyEnd > end) throw new Error(`function body ${i} runs past the end of the code section`);
    if (size.value > shape.largestBodyBytes) shape.largestBodyBytes = size.value;
    const groups = readU32(bytes, size.next);
    let locals = 0,
      at = groups.next;
    for (let g = 0; g < groups.value && at < bodyEnd; g++) {
      const n = readU32(bytes, at);
      locals += n.value;
      at = n.next + 1; // the value type
    }
    if (locals > shape.mostLocals.count) shape.mostLocals = { count: locals, index: i };
    if (locals > stopAbove) return;
    pos = bodyEnd;
  }
}
