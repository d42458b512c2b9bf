/**
 * Prepare a TypeScript/JavaScript agent (its QuickJS bundle) for a shard (prepareJsAgent: sessions place it like a
 * wasm agent), or load it into a worker pool (loadJsAgent: the same WasmAgent endpoint as wasm agents, with a `js`
 * load that makes the agent a QuickJS engine of its own in the worker, jsWorkerLoad.ts).
 */
import * as path from 'node:path';
import { RealClock, type Clock } from '../../core/clock';
import { AgentLoadError } from '../errors';
import { resolveRestart, type RestartPolicy, type SandboxLimits } from '../limits';
import { agentSeed, nextPoolId, normaliseAgentOptions, type CommonAgentOptions } from '../agentOptions';
import { WasmAgent } from '../wasmAgent';
import { WorkerPool, type WorkerPoolOptions } from '../workerPool';
import type { StateChange } from '../lifecycle';
import type { HostGrant } from '../../../schemas';
import type { JsCode } from '../workerProtocol';
import { jsMemoryCap } from './quickJsEngine';
import { errorPosition, type SourcePosition } from './jsSourceMap';

export interface LoadJsAgentOptions extends CommonAgentOptions {
  /** The agent's bundle (runtime/build/buildJsAgent.ts output, `build/<name>.js`). */
  code: string;
  /** The bundle's path, for error messages and stack traces (default: `<name>.js`). */
  codePath?: string;
  clock?: Clock;
  pool?: WorkerPool;
  worker?: WorkerPoolOptions;
  onStateChange?: (change: StateChange) => void;
}

/** A JS agent that failed to start, with where in its source (relative to the agent's folder) when known. */
export class JsAgentLoadError extends AgentLoadError {
  constructor(
    file: string,
    problem: string,
    fix: string,
    manifestPath: string | undefined,
    readonly position?: SourcePosition,
  ) {
    super(file, problem, fix, manifestPath);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A checked JS agent and everything needed to run it, before it is placed (the JS twin of PreparedAgent). */
export interface PreparedJsAgent {
  name: string;
  kind: 'js';
  module: JsCode;
  grants: HostGrant[];
  /** `memoryBytes` is the engine's wasm cap: 16 MiB base + the manifest's `limits.memory`. */
  limits: SandboxLimits;
  restart: RestartPolicy;
  seed: number;
  metered: true;
  /** Check new bundle bytes (hot reload); throws AgentLoadError. */
  prepare(bytes: Uint8Array): Promise<JsCode>;
  tableElements: 0;
}

/**
 * The in-thread deadline: a little before the manifest's timeout, so the agent stops itself at a QuickJS poll and
 * the outer fence (the pool's deadline, or a shard's watchdog) is left for native work between polls.
 */
export function inThreadDeadline(timeoutMs: number): number {
  return Math.max(1, timeoutMs - Math.min(250, Math.floor(timeoutMs / 4)));
}

/** Check the options and the bundle; throws AgentLoadError naming the manifest and the fix. */
export function prepareJsAgent(options: Omit<LoadJsAgentOptions, 'clock' | 'pool' | 'worker' | 'onStateChange'>): PreparedJsAgent {
  const {
    manifest,
    limits: resolved,
    grants,
    seed,
  } = normaliseAgentOptions(options, (bad) => {
    if (typeof options.code !== 'string') bad('has no bundle', 'pass the built agent (build/<name>.js) as `code`');
  });
  // The manifest's memory is the JS heap; the engine's wasm memory is capped at its 16 MiB base plus that.
  const limits: SandboxLimits = { ...resolved, memoryBytes: jsMemoryCap(resolved.memoryBytes) };
  const file = options.codePath ?? `${manifest.name}.js`;
  const toCode = (text: string): JsCode => {
    const bytes = Buffer.byteLength(text);
    if (bytes > limits.maxModuleBytes)
      throw new AgentLoadError(
        file,
        `is ${bytes} bytes, above the ${limits.maxModuleBytes}-byte module limit`,
        'make the agent smaller',
        options.manifestPath,
      );
    return { kind: 'js', code: text, file: path.basename(file), timeoutMs: inThreadDeadline(limits.timeoutMs) };
  };
  const prepare = async (bytes: Uint8Array): Promise<JsCode> => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new AgentLoadError(file, 'is not UTF-8 text', 'rebuild it with `caxton build`', options.manifestPath);
    }
    return toCode(text);
  };
  return {
    name: manifest.name,
    kind: 'js',
    module: toCode(options.code),
    grants,
    limits,
    restart: resolveRestart(manifest),
    seed: agentSeed(seed, manifest.name),
    metered: true,
    prepare,
    tableElements: 0,
  };
}

/** Load and start a JS agent in a worker pool (state: running); throws AgentLoadError (JsAgentLoadError when its start code fails). */
export async function loadJsAgent(options: LoadJsAgentOptions): Promise<WasmAgent> {
  // The bundle was checked once (prepareJsAgent); `prepare` checks the bytes of a hot reload.
  const prepared = prepareJsAgent(options);
  const pool = options.pool ?? new WorkerPool(options.worker);
  const agent = new WasmAgent({
    ...prepared,
    id: nextPoolId(prepared.name),
    clock: options.clock ?? new RealClock(),
    pool,
    ownsPool: !options.pool,
    onStateChange: options.onStateChange,
  });
  const error = await agent.start();
  if (error) {
    await agent.dispose();
    throw new JsAgentLoadError(
      options.codePath ?? `${prepared.name}.js`,
      `failed while starting (${error.kind}: ${error.message})`,
      "fix the agent's top-level code",
      options.manifestPath,
      errorPosition(error.message),
    );
  }
  return agent;
}
