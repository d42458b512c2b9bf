/**
 * Hot reload for a running session: rebuild an agent through the build cache and swap its module in place
 * (WasmAgent.reload: drain, swap, keep queued messages). A module that fails to build or load is refused with the
 * build diagnostics (file:line:col) and the old module keeps running.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentManifest } from '../../../schemas';
import type { Logger } from '../../core/types';
import { builtModulePath, createBuildRun, type BuildRun } from '../../build';
import { sourcePlace } from './agentErrors';
import { readWorkspaceBytes } from '../../../platform/workspaceFile';
import type { StartedAgent } from './startAgents';
import { formatProblem, readManifest, type WorkspaceProblem } from '../files/workspace';

/** What happened to one agent: `reloaded` (new module runs), `unchanged` (same module) or `failed` (old one runs). */
export interface ReloadResult {
  agent: string;
  status: 'reloaded' | 'unchanged' | 'failed';
  /** For AssemblyScript agents: compiled now or already up to date. */
  build?: 'built' | 'up to date';
  durationMs: number;
  /** Why it failed, one problem a line, each starting `file:line:col:`. */
  error?: string;
  /** The problems (build diagnostics or manifest problems) behind `error`. */
  problems?: WorkspaceProblem[];
}

/** The `agent_state` reason hot reload puts on the trace (the inspector shows it). */
export const HOT_RELOAD_REASON = 'hot reload';

/** Manifest fields a module swap cannot apply: they shape the sandbox and the routes, set when the agent starts. */
const FIXED_FIELDS: ReadonlyArray<keyof AgentManifest> = ['name', 'host_functions', 'limits', 'subscriptions', 'restart'];

export interface Reloader {
  /** Rebuild (if a source) and reload one agent, even when its module did not change. */
  reloadAgent(name: string): Promise<ReloadResult>;
  /** Rebuild what changed and reload the agents whose module changed; `files` (absolute paths) narrows the check. */
  reloadChanged(files?: readonly string[]): Promise<ReloadResult[]>;
}

/** The reloader of a session: `agents` are the ones it started (updated in place as modules change). */
export function createReloader(root: string, agents: readonly StartedAgent[], logger?: Logger): Reloader {
  let queue: Promise<unknown> = Promise.resolve();
  // One reload at a time: two saves in a row must not swap modules concurrently.
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const reloadOne = async (started: StartedAgent, run: BuildRun, always: boolean): Promise<ReloadResult> => {
    const t0 = Date.now();
    const name = started.entry.manifest.name;
    const failed = (problems: WorkspaceProblem[], build?: ReloadResult['build']): ReloadResult => {
      const result: ReloadResult = {
        agent: name,
        status: 'failed',
        build,
        durationMs: Date.now() - t0,
        error: problems.map(formatProblem).join('\n'),
        problems,
      };
      logger?.warn(`hot reload of ${name} refused; the previous module keeps running:\n${result.error}`);
      return result;
    };
    const problems: WorkspaceProblem[] = [];
    const entry = readManifest(root, started.entry.file, problems);
    if (!entry) return failed(problems);
    const changed = FIXED_FIELDS.filter((f) => JSON.stringify(entry.manifest[f]) !== JSON.stringify(started.entry.manifest[f]));
    if (changed.length) {
      return failed([
        {
          file: entry.file,
          line: 1,
          column: 1,
          message: `${changed.join(', ')} changed; hot reload swaps only the module: stop and run the agent again to apply this`,
        },
      ]);
    }
    let wasmPath = entry.wasmPath;
    let build: ReloadResult['build'];
    if (!wasmPath) {
      const out = builtModulePath(entry.file, entry.manifest);
      const r = await run.build(entry.source, out);
      if (!r.ok) {
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        return failed(
          (errors.length ? errors : r.diagnostics)
            .slice(0, 5)
            .map((d) => ({ file: d.file, line: d.line, column: d.column, message: d.message })),
        );
      }
      build = r.status === 'up to date' ? 'up to date' : 'built';
      wasmPath = r.outWasm ?? out;
    }
    // Through the workspace-path guard: a module swapped for a FIFO, a folder or a huge file is refused by name.
    const read = readWorkspaceBytes(root, wasmPath);
    if (!read.ok) return failed([{ file: wasmPath, line: 1, column: 1, message: `cannot read the module: ${read.reason}` }], build);
    const wasm = read.bytes;
    const hash = crypto.createHash('sha256').update(wasm).digest('hex');
    if (!always && hash === started.moduleSha256) return { agent: name, status: 'unchanged', build, durationMs: Date.now() - t0 };
    try {
      await started.agent.reload(wasm, HOT_RELOAD_REASON);
    } catch (e) {
      const message = (e as Error).message;
      // A start error that names a line of the agent's source (a source-mapped stack, an abort) is put on that line.
      const where = sourcePlace(entry, message) ?? { file: wasmPath, line: 1, column: 1 };
      return failed([{ ...where, message }], build);
    }
    started.moduleSha256 = hash;
    started.entry.manifest = entry.manifest;
    started.entry.wasmPath = wasmPath;
    const result: ReloadResult = { agent: name, status: 'reloaded', build, durationMs: Date.now() - t0 };
    logger?.info(`hot reloaded ${name}${build ? ` (${build})` : ''} in ${result.durationMs} ms`);
    return result;
  };

  return {
    reloadAgent: (name) =>
      serial(async () => {
        const started = agents.find((a) => a.entry.manifest.name === name);
        if (!started) {
          const known = agents.map((a) => a.entry.manifest.name).join(', ') || 'none';
          return {
            agent: name,
            status: 'failed',
            durationMs: 0,
            error: `${root}:1:1: no running agent '${name}' (running: ${known})`,
            problems: [{ file: root, line: 1, column: 1, message: `no running agent '${name}' (running: ${known})` }],
          };
        }
        return reloadOne(started, createBuildRun(), true);
      }),
    reloadChanged: (files) =>
      serial(async () => {
        const run = createBuildRun();
        const results: ReloadResult[] = [];
        for (const started of agents.filter((a) => affectedBy(a, files))) results.push(await reloadOne(started, run, false));
        return results;
      }),
  };
}

/**
 * Whether a change to `files` may concern this agent: its manifest, its module or built output, or any source file
 * (imports can reach across folders; the build cache makes checking an unaffected agent cost a few hashes).
 */
export function affectedBy(started: StartedAgent, files: readonly string[] | undefined): boolean {
  if (!files?.length) return true;
  const { entry } = started;
  const mine = new Set(
    [entry.file, entry.source, entry.wasmPath ?? '', builtModulePath(entry.file, entry.manifest)].map((f) => path.resolve(f)),
  );
  const source = /\.(ts|js|mjs)$/;
  return files.some((f) => mine.has(real(f)) || (source.test(f) && source.test(entry.source)));
}

/** The path with symlinks resolved (the workspace's paths are), or as given when it does not exist. */
function real(file: string): string {
  try {
    return fs.realpathSync(path.resolve(file));
  } catch {
    return path.resolve(file);
  }
}
