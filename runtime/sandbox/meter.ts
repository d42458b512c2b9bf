/**
 * Deterministic fuel metering, injected at load time with binaryen: a mutable i64 global (exported as
 * `caxton_fuel`) is charged at every function entry and at every loop header by the static size of the code
 * entered (the expressions of that body outside nested loops and outside large `if` arms, which are charged
 * when taken). When it drops below zero the module traps
 * with `unreachable`; the host tells that trap from others by reading the global. Bulk memory instructions
 * (`memory.fill`, `memory.copy`, `memory.init`) are also charged by their length, as wasmtime does, so one
 * instruction cannot write 4 GiB for the price of one. Table instructions are not in the list the metering
 * understands, so a module using them is refused at load.
 */
type Binaryen = typeof import('binaryen', { with: { 'resolution-mode': 'import' } }).default;
/** Expression setters binaryen.js has at run time but its typings omit. */
interface Setters {
  Loop: { setBody(loop: number, body: number): void };
  Function: { setBody(fn: number, body: number): void };
  MemoryFill: { setSize(e: number, size: number): void };
  MemoryCopy: { setSize(e: number, size: number): void };
  MemoryInit: { setSize(e: number, size: number): void };
  If: { setIfTrue(e: number, arm: number): void; setIfFalse(e: number, arm: number): void };
  MemoryGrow: { setDelta(e: number, delta: number): void };
}

export const FUEL_EXPORT = 'caxton_fuel';
const FUEL_GLOBAL = 'caxton$fuel';
const BULK_CHARGE = 'caxton$charge_bulk';
/** Set to 1 when a memory.grow would pass the memory cap: only then is a trap labelled `memory_limit`. */
export const CAP_HIT_EXPORT = 'caxton_memory_cap_hit';
const CAP_HIT_GLOBAL = 'caxton$cap_hit';
const GROW_CHECK = 'caxton$grow_check';
/** Bytes per unit of fuel for bulk memory: one unit per 8 bytes, cheaper than the i64 store loop it replaces. */
export const BULK_BYTES_PER_FUEL = 8;
/** An `if` arm costing more than this is charged when it runs instead of with the code around it. */
const ARM_CHARGE_ABOVE = 12;
/** Bump when the instrumentation changes: cached instrumented modules carry it in their key. */
export const METERING_VERSION = 4;

let binaryenPromise: Promise<Binaryen> | undefined;
/** binaryen is ESM-only and large: load it once, lazily. */
export function loadBinaryen(): Promise<Binaryen> {
  binaryenPromise ??= import('binaryen').then((m) => m.default);
  return binaryenPromise;
}

/** Raised when the module uses an instruction the metering does not understand (and so cannot bound). */
export class UnsupportedInstructionError extends Error {
  constructor(
    readonly functionName: string,
    readonly expressionId: number,
  ) {
    super(`function ${functionName} uses an instruction the fuel metering does not support (binaryen expression id ${expressionId})`);
  }
}

function childFields(b: Binaryen): Map<number, readonly string[]> {
  return new Map<number, readonly string[]>([
    [b.BlockId, ['children']],
    [b.IfId, ['condition', 'ifTrue', 'ifFalse']],
    [b.LoopId, ['body']],
    [b.BreakId, ['condition', 'value']],
    [b.SwitchId, ['condition', 'value']],
    [b.CallId, ['operands']],
    [b.CallIndirectId, ['target', 'operands']],
    [b.LocalGetId, []],
    [b.LocalSetId, ['value']],
    [b.GlobalGetId, []],
    [b.GlobalSetId, ['value']],
    [b.LoadId, ['ptr']],
    [b.StoreId, ['ptr', 'value']],
    [b.ConstId, []],
    [b.UnaryId, ['value']],
    [b.BinaryId, ['left', 'right']],
    [b.SelectId, ['ifTrue', 'ifFalse', 'condition']],
    [b.DropId, ['value']],
    [b.ReturnId, ['value']],
    [b.MemorySizeId, []],
    [b.MemoryGrowId, ['delta']],
    [b.NopId, []],
    [b.UnreachableId, []],
    [b.MemoryInitId, ['dest', 'offset', 'size']],
    [b.DataDropId, []],
    [b.MemoryCopyId, ['dest', 'source', 'size']],
    [b.MemoryFillId, ['dest', 'value', 'size']],
  ]);
}

/**
 * Instrument `bytes` with fuel metering. `initialFuel` is what the start function (run at instantiation) may
 * use; the host sets the global before every message.
 */
export async function instrumentFuel(bytes: Uint8Array, initialFuel: number, capPages?: number): Promise<Uint8Array> {
  const b = await loadBinaryen();
  // Exactly the features the metering understands: anything else fails the walk or the validation below.
  const F = b.Features;
  const features =
    F.MutableGlobals | F.SignExt | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.Multivalue | F.CallIndirectOverlong;
  const mod = b.readBinary(bytes);
  try {
    mod.setFeatures(features);
    const fields = childFields(b);
    const set = b as unknown as Setters;
    const i64 = b.i64;
    const fuel = Math.max(0, Math.floor(initialFuel));
    // binaryen 132's i64.const takes one bigint (its typings still say low/high words).
    const i64const = (v: number): number => (mod.i64.const as unknown as (v: bigint) => number)(BigInt(v));
    mod.addGlobal(FUEL_GLOBAL, i64, true, i64const(fuel));
    mod.addGlobalExport(FUEL_GLOBAL, FUEL_EXPORT);

    // Take `cost` (an i64 expression) from the fuel and trap once it drops below zero.
    const spend = (cost: number): number[] => [
      mod.global.set(FUEL_GLOBAL, mod.i64.sub(mod.global.get(FUEL_GLOBAL, i64), cost)),
      mod.if(mod.i64.lt_s(mod.global.get(FUEL_GLOBAL, i64), i64const(0)), mod.unreachable()),
    ];
    const charge = (cost: number): number => mod.block(null, spend(i64const(cost)), b.none);
    const wrap = (body: number, cost: number): number => mod.block(null, [charge(Math.max(1, cost)), body], b.auto);
    // (size: i32) -> i32: charge size / BULK_BYTES_PER_FUEL, trap when fuel runs out, else give size back. It is
    // called on the size operand, after dest and value/source were evaluated, so the evaluation order is kept.
    const size = mod.local.get(0, b.i32);
    const lengthCost = mod.i64.shr_u(mod.i64.extend_u(size), i64const(Math.log2(BULK_BYTES_PER_FUEL)));
    mod.addFunction(BULK_CHARGE, b.createType([b.i32]), b.i32, [], mod.block(null, [...spend(lengthCost), mod.local.get(0, b.i32)], b.i32));
    // (delta: i32) -> i32 on memory.grow's operand: notes when the grow would pass the cap (it then returns -1).
    if (capPages !== undefined) {
      mod.addGlobal(CAP_HIT_GLOBAL, b.i32, true, mod.i32.const(0));
      mod.addGlobalExport(CAP_HIT_GLOBAL, CAP_HIT_EXPORT);
      const delta = mod.local.get(0, b.i32);
      mod.addFunction(
        GROW_CHECK,
        b.createType([b.i32]),
        b.i32,
        [],
        mod.block(
          null,
          [
            mod.if(
              mod.i64.gt_u(mod.i64.add(mod.i64.extend_u(mod.memory.size()), mod.i64.extend_u(delta)), i64const(capPages)),
              mod.global.set(CAP_HIT_GLOBAL, mod.i32.const(1)),
            ),
            mod.local.get(0, b.i32),
          ],
          b.i32,
        ),
      );
    }
    const bulk = new Map<number, (e: number, size: number) => void>([
      [b.MemoryFillId, set.MemoryFill.setSize],
      [b.MemoryCopyId, set.MemoryCopy.setSize],
      [b.MemoryInitId, set.MemoryInit.setSize],
    ]);

    // Cost of `expr` outside nested loops; nested loops get their own charge at their header.
    const walk = (fn: string, expr: number): number => {
      if (!expr) return 0;
      const id = b.getExpressionId(expr);
      const names = fields.get(id);
      if (!names) throw new UnsupportedInstructionError(fn, id);
      if (names.length === 0) return 1; // leaves (binaryen.js has no info wrapper for some, e.g. unreachable)
      const info = b.getExpressionInfo(expr) as unknown as Record<string, number | number[]>;
      if (id === b.LoopId) {
        const body = info.body as number;
        set.Loop.setBody(expr, wrap(body, walk(fn, body)));
        return 1;
      }
      if (id === b.IfId) {
        // A large arm is charged when taken, so a loop whose rare branch is big (an escape in a string scan, a
        // multi-byte UTF-8 sequence) does not pay for it on every iteration.
        let cost = 1 + walk(fn, info.condition as number);
        for (const [arm, setArm] of [
          [info.ifTrue, set.If.setIfTrue],
          [info.ifFalse, set.If.setIfFalse],
        ] as const) {
          if (!arm) continue;
          const armCost = walk(fn, arm as number);
          if (armCost > ARM_CHARGE_ABOVE) setArm(expr, wrap(arm as number, armCost));
          else cost += armCost;
        }
        return cost;
      }
      let cost = 1;
      for (const name of names) {
        const child = info[name];
        if (Array.isArray(child)) for (const c of child) cost += walk(fn, c);
        else cost += walk(fn, child);
      }
      const setSize = bulk.get(id);
      if (setSize) setSize(expr, mod.call(BULK_CHARGE, [info.size as number], b.i32));
      if (id === b.MemoryGrowId && capPages !== undefined)
        set.MemoryGrow.setDelta(expr, mod.call(GROW_CHECK, [info.delta as number], b.i32));
      return cost;
    };

    for (let i = 0; i < mod.getNumFunctions(); i++) {
      const fn = mod.getFunctionByIndex(i);
      const info = b.getFunctionInfo(fn);
      if (info.module || !info.body || info.name === BULK_CHARGE || info.name === GROW_CHECK) continue; // imported, or ours
      set.Function.setBody(fn, wrap(info.body, walk(info.name, info.body)));
    }
    if (!mod.validate()) throw new Error('the metered module does not validate');
    return mod.emitBinary();
  } finally {
    mod.dispose();
  }
}
