/** Checks on an untrusted module before anything of it runs: deny by default (docs/agent-abi.md). */
import type { HostGrant } from '../../schemas';
import { AgentLoadError } from './errors';
import { MODULE_LIMITS, WASM_PAGE } from './limits';
import { scanModule, type ModuleShape } from './moduleShape';
import { readMemoryLimits } from './wasmSections';
import { CAP_HIT_EXPORT, FUEL_EXPORT } from './meter';
import { Wasm, type WasmModule } from './wasmApi';

/** Host functions every agent gets. */
export const BASE_HOST_FUNCTIONS = ['send', 'log', 'now', 'random'] as const;
/** Host functions that need a grant, and the grant each needs. */
export const GATED_HOST_FUNCTIONS: Readonly<Record<string, HostGrant>> = {
  blackboard_read: 'blackboard_read',
  blackboard_write: 'blackboard_write',
  subscribe: 'subscribe',
  unsubscribe: 'subscribe',
};

const REQUIRED_EXPORTS: ReadonlyArray<{ name: string; kind: string }> = [
  { name: 'memory', kind: 'memory' },
  { name: 'caxton_alloc', kind: 'function' },
  { name: 'caxton_handle', kind: 'function' },
];

export interface ModuleCheck {
  /** The module's file, as shown in errors. */
  file: string;
  manifestPath?: string;
  grants: readonly HostGrant[];
  memoryBytes: number;
  maxModuleBytes: number;
}

/** What a checked module uses: the caxton.* functions it imports and the table elements it declares. */
export interface CheckedModule {
  imports: string[];
  /** Table elements the module declares (tableElements of its scan), counted against its worker's table budget. */
  tableElements: number;
}

/** Check the module (all of it). Throws AgentLoadError at the first problem. */
export function validateModule(bytes: Uint8Array, check: ModuleCheck): CheckedModule {
  const refuse = (problem: string, fix: string): never => {
    throw new AgentLoadError(check.file, problem, fix, check.manifestPath);
  };
  if (bytes.byteLength === 0) refuse('is empty', 'build the agent (caxton build) or point `module` at a real .wasm file');
  if (bytes.byteLength > check.maxModuleBytes) {
    refuse(
      `is ${bytes.byteLength} bytes, above the ${check.maxModuleBytes}-byte module limit`,
      'make the module smaller (build with optimisation)',
    );
  }
  if (bytes.byteLength < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    refuse(
      'is not a WebAssembly module (it does not start with \\0asm)',
      'point `module` at a .wasm file, or at an AssemblyScript .ts source and run caxton build',
    );
  }
  const elements = checkShape(bytes, refuse);
  let module: WasmModule | undefined;
  try {
    module = new Wasm.Module(bytes);
  } catch (e) {
    const detail = (e as Error).message.replace(/^WebAssembly\.Module\(\): /, '');
    refuse(`is not a valid WebAssembly module (${detail}); it may be truncated or corrupt`, 'rebuild it (caxton build)');
  }
  const imports = Wasm.Module.imports(module!);
  const used: string[] = [];
  for (const imp of imports) {
    const what = `${imp.module}.${imp.name}`;
    if (imp.kind !== 'function') {
      refuse(
        `imports a ${imp.kind} (${what}); agents may not import memories, tables or globals`,
        'let the module define and export its own memory (see docs/agent-abi.md)',
      );
    }
    if (imp.module !== 'caxton') {
      const hint =
        imp.module === 'env' && ['abort', 'trace', 'seed'].includes(imp.name)
          ? ' (AssemblyScript: build with `caxton build`, which routes abort/trace/seed to the SDK)'
          : '';
      refuse(`imports ${what}, which Caxton does not provide`, `agents may import only caxton.* (see docs/agent-abi.md)${hint}`);
    }
    if ((BASE_HOST_FUNCTIONS as readonly string[]).includes(imp.name)) {
      used.push(imp.name);
      continue;
    }
    const grant = GATED_HOST_FUNCTIONS[imp.name];
    if (!grant)
      refuse(
        `imports ${what}, which is not a Caxton host function`,
        `use one of ${[...BASE_HOST_FUNCTIONS, ...Object.keys(GATED_HOST_FUNCTIONS)].join(', ')} (see docs/agent-abi.md)`,
      );
    if (!check.grants.includes(grant)) {
      refuse(
        `imports ${what}, which its manifest does not grant`,
        `add \`host_functions: [${grant}]\` to the manifest, or stop calling it`,
      );
    }
    used.push(imp.name);
  }
  const exported = Wasm.Module.exports(module!);
  for (const want of REQUIRED_EXPORTS) {
    const found = exported.find((e) => e.name === want.name);
    if (!found)
      refuse(
        `does not export \`${want.name}\` (${want.kind})`,
        'agents must export memory, caxton_alloc and caxton_handle (see docs/agent-abi.md; AssemblyScript: `export { caxton_alloc, caxton_handle } from "caxton"`)',
      );
    if (found!.kind !== want.kind)
      refuse(`exports \`${want.name}\` as a ${found!.kind}, not a ${want.kind}`, 'see docs/agent-abi.md for the required exports');
  }
  for (const reserved of [FUEL_EXPORT, CAP_HIT_EXPORT]) {
    if (exported.some((e) => e.name === reserved))
      refuse(`exports \`${reserved}\`, a name Caxton reserves for its metering`, 'rename that export');
  }
  let limits: ReturnType<typeof readMemoryLimits>;
  try {
    limits = readMemoryLimits(bytes);
  } catch (e) {
    refuse(`has an unreadable memory section (${(e as Error).message})`, 'rebuild it (caxton build)');
  }
  if (!limits) refuse('defines no memory', 'agents must define and export their memory');
  if (limits!.shared || limits!.memory64) refuse('uses a shared or 64-bit memory', 'use one unshared 32-bit memory');
  const capPages = Math.floor(check.memoryBytes / WASM_PAGE);
  if (limits!.initialPages > capPages) {
    refuse(
      `declares ${limits!.initialPages * 64} KiB of initial memory, above its ${capPages * 64} KiB memory cap`,
      'raise `limits.memory` in the manifest or make the module start smaller',
    );
  }
  return { imports: used, tableElements: elements };
}

/** Total table elements a module declares (the larger of initial and maximum, per table). */
export function tableElements(shape: Pick<ModuleShape, 'tables'>): number {
  return shape.tables.reduce((sum, t) => sum + Math.max(t.initial, t.max ?? 0), 0);
}

/**
 * Module-bomb checks from a section scan, before the engine or binaryen reads the module (MODULE_LIMITS); returns the
 * table elements it declares.
 */
function checkShape(bytes: Uint8Array, refuse: (problem: string, fix: string) => never): number {
  const L = MODULE_LIMITS;
  let shape: ModuleShape;
  try {
    shape = scanModule(bytes, L.maxLocalsPerFunction);
  } catch (e) {
    return refuse(
      `is not a valid WebAssembly module (${(e as Error).message}); it may be truncated or corrupt`,
      'rebuild it (caxton build)',
    );
  }
  const smaller = 'split the agent or make it smaller (build with optimisation)';
  if (shape.functions > L.maxFunctions) refuse(`defines ${shape.functions} functions, above the limit of ${L.maxFunctions}`, smaller);
  if (shape.codeBytes > L.maxCodeBytes) refuse(`has ${shape.codeBytes} bytes of code, above the ${L.maxCodeBytes}-byte limit`, smaller);
  if (shape.largestBodyBytes > L.maxFunctionBodyBytes)
    refuse(`has a function body of ${shape.largestBodyBytes} bytes, above the ${L.maxFunctionBodyBytes}-byte limit`, smaller);
  if (shape.mostLocals.count > L.maxLocalsPerFunction) {
    refuse(
      `declares ${shape.mostLocals.count} locals in function ${shape.mostLocals.index}, above the limit of ${L.maxLocalsPerFunction}`,
      'use fewer locals (keep large data in linear memory)',
    );
  }
  const elements = tableElements(shape);
  if (elements > L.maxTableElements) {
    refuse(
      `declares tables of ${elements} elements, above the limit of ${L.maxTableElements}`,
      'declare a smaller table (tables are memory too; they hold the functions called indirectly)',
    );
  }
  return elements;
}
