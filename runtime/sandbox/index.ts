/**
 * Public entry of the sandbox: load untrusted WebAssembly agents (Agent ABI v1, docs/agent-abi.md) and run them
 * in worker threads under fuel, memory and wall-clock limits. Options are normalised and checked here.
 */
import type { AgentManifest, HostGrant } from '../../schemas';
import { RealClock, type Clock } from '../core/clock';
import { AgentLoadError } from './errors';
import { resolveRestart, type RestartPolicy, type SandboxLimits } from './limits';
import { agentSeed, nextPoolId, normaliseAgentOptions, type NormalisedAgentOptions } from './agentOptions';
import { prepareModule, type PreparedModule } from './prepareModule';
import { releaseTables, reserveTables } from './tableBudget';
import { WasmAgent } from './wasmAgent';
import { WorkerPool, type WorkerPoolOptions } from './workerPool';
import type { StateChange } from './lifecycle';
import type { WasmModule } from './wasmApi';

export { AgentLoadError } from './errors';
export { setModuleCache } from './prepareModule';
export type { ModuleCache } from './prepareModule';
export { WasmAgent } from './wasmAgent';
export type { AgentTotals } from './wasmAgent';
export { WorkerPool, defaultWorkerScript } from './workerPool';
export type { WorkerPoolOptions } from './workerPool';
export { DEFAULT_LIMITS, DEFAULT_RESTART, parseBytes, resolveLimits, resolveRestart } from './limits';
export type { SandboxLimits, RestartPolicy } from './limits';
export { canTransition, TRANSITIONS, IllegalTransitionError } from './lifecycle';
export { loadJsAgent, JsAgentLoadError, prepareJsAgent } from './js/loadJsAgent';
export type { LoadJsAgentOptions, PreparedJsAgent } from './js/loadJsAgent';
export { JsAgentInstance, defaultMaxStackBytes } from './js/jsAgentInstance';
export type { JsInstanceOptions } from './js/jsAgentInstance';
export { createJsEngine, jsMemoryCap, ENGINE_BASE_BYTES } from './js/quickJsEngine';
export type { JsEngine } from './js/quickJsEngine';
export { errorPosition } from './js/jsSourceMap';
export type { JsCode } from './workerProtocol';
export type { StateChange } from './lifecycle';

export interface LoadWasmAgentOptions {
  /** The agent's manifest (schemas/agent.schema.json); its name is the agent's address. */
  manifest: AgentManifest;
  /** Where the manifest is, for error messages. */
  manifestPath?: string;
  /** The module's bytes. */
  wasm: Uint8Array;
  /** The module's path, for error messages (default: the manifest's `module`). */
  wasmPath?: string;
  /** The runtime clock: `now` inside the agent and restart backoff follow it (default: a RealClock). */
  clock?: Clock;
  /** Run seed; each agent's `random` is seeded from it and the agent's name. Default 0. */
  seed?: number;
  /** Overrides on top of the manifest's limits and the defaults. */
  limits?: Partial<SandboxLimits>;
  /** A shared worker pool; without one the agent gets a worker of its own (disposed with it). */
  pool?: WorkerPool;
  /** Options for the agent's own worker when no pool is given. */
  worker?: WorkerPoolOptions;
  /** Lifecycle changes, for `agent_state` trace events. */
  onStateChange?: (change: StateChange) => void;
  /** Tests only: run without fuel metering, to exercise the wall-clock backstop. */
  unsafeDisableMetering?: boolean;
}

/** Check and normalise the options; throws AgentLoadError naming the manifest and the fix. */
function normalise(options: LoadWasmAgentOptions): NormalisedAgentOptions & { file: string } {
  const n = normaliseAgentOptions(options, (bad) => {
    if (!(options.wasm instanceof Uint8Array)) bad('has no module bytes', 'pass the .wasm file contents as `wasm` (a Uint8Array)');
  });
  return { ...n, file: options.wasmPath ?? n.manifest.module ?? '(module)' };
}

/** A checked, metered module and everything needed to run it, before it is placed anywhere. */
export interface PreparedAgent {
  name: string;
  module: WasmModule;
  grants: HostGrant[];
  limits: SandboxLimits;
  restart: RestartPolicy;
  /** The agent's own seed (from the run seed and its name). */
  seed: number;
  metered: boolean;
  /**
   * Validate and instrument new module bytes with the same checks (hot reload), with the table elements they declare
   * (the shard counts them against its budget again); throws AgentLoadError.
   */
  prepare(bytes: Uint8Array): Promise<{ module: WasmModule; tableElements: number }>;
  /** Table elements the module declares (counted against its worker's table budget). */
  tableElements: number;
}

/** Check the options and the module (deny by default), and meter it; throws AgentLoadError naming the manifest and the fix. */
export async function prepareWasmAgent(options: LoadWasmAgentOptions): Promise<PreparedAgent> {
  const { agent, meter } = checked(options);
  const { module, tableElements } = await meter(options.wasm);
  return { ...agent, module, prepare: meter, tableElements };
}

/** The checked options: the agent as every host runs it, its file, and the one way to validate and meter module bytes. */
function checked(options: LoadWasmAgentOptions) {
  const { manifest, file, limits, grants, seed } = normalise(options);
  const metered = !options.unsafeDisableMetering;
  const check = {
    file,
    manifestPath: options.manifestPath,
    grants,
    memoryBytes: limits.memoryBytes,
    maxModuleBytes: limits.maxModuleBytes,
  };
  const meter = (bytes: Uint8Array): Promise<PreparedModule> => prepareModule(bytes, check, { fuel: limits.fuelPerMessage, metered });
  const agent = {
    name: manifest.name,
    grants,
    limits,
    restart: resolveRestart(manifest),
    seed: agentSeed(seed, manifest.name),
    metered,
  };
  return { agent, file, meter };
}

/**
 * Load, check, meter and start a wasm agent (state: running) in a worker of its own (or of `pool`). Throws
 * AgentLoadError for a module that may not run (forbidden import, missing export, malformed bytes, memory above
 * the cap, start function failing). Sessions place agents in shards instead (runtime/shard).
 */
export async function loadWasmAgent(options: LoadWasmAgentOptions): Promise<WasmAgent> {
  const { agent: checkedAgent, file, meter } = checked(options);
  const ownsPool = !options.pool;
  const pool = options.pool ?? new WorkerPool(options.worker);
  const id = nextPoolId(checkedAgent.name);
  const prepare = async (bytes: Uint8Array): Promise<WasmModule> => {
    const prepared = await meter(bytes);
    // Tables are counted across the worker pool (prepareModule's scan found how many the module declares).
    const over = reserveTables(pool, id, prepared.tableElements);
    if (over)
      throw new AgentLoadError(file, over, 'declare a smaller table, or run this agent in another worker pool', options.manifestPath);
    return prepared.module;
  };
  let module: WasmModule;
  try {
    module = await prepare(options.wasm);
  } catch (e) {
    if (ownsPool) await pool.dispose();
    throw e;
  }
  const onStateChange = (change: StateChange): void => {
    if (change.to === 'stopped') releaseTables(pool, id);
    options.onStateChange?.(change);
  };
  const agent = new WasmAgent({
    ...checkedAgent,
    id,
    module,
    clock: options.clock ?? new RealClock(),
    pool,
    ownsPool,
    prepare,
    onStateChange,
  });
  const error = await agent.start();
  if (error) {
    await agent.dispose();
    throw new AgentLoadError(
      file,
      `failed while starting (${error.kind}: ${error.message})`,
      "fix the module's start code (top-level statements)",
      options.manifestPath,
    );
  }
  return agent;
}
