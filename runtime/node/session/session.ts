/**
 * The session API shared by the CLI and the VS Code runtime host: start a folder's agents in a Runtime, send
 * messages, watch the trace, stop.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../../../schemas';
import { RealClock, SimulatedClock, absoluteNow, type Clock } from '../../core/clock';
import type { BlackboardService, Logger } from '../../core/types';
import type { RouterLimits } from '../../router/limits';
import { DEFAULT_REQUEST_TIMEOUT_MS, Runtime, type RunInputs } from '../../runtime';
import { ShardGroup } from '../../shard/shardGroup';
import type { TraceListener } from '../../trace/traceRecorder';
import { agentErrorListener, type AgentSourceError } from './agentErrors';
import { NatsRemoteLink, type NatsRemoteLinkOptions } from '../../transport/nats/natsRemoteLink';
import { createReloader, type ReloadResult } from './hotReload';
import { startAgents, type ReadModule } from './startAgents';
import { createTraceWriter, type TraceFileWriter } from '../files/traceFile';
import { loadWorkspace, WorkspaceError, type AgentEntry, type Workspace } from '../files/workspace';

export type { ReloadResult } from './hotReload';
export type { AgentSourceError } from './agentErrors';

export interface SessionOptions {
  /** The workspace folder holding *.agent.yaml manifests. */
  folder: string;
  /** Agent names (or manifest paths) to start; default every agent in the folder. */
  agents?: string[];
  /** Write the trace as JSONL here. */
  traceFile?: string;
  /** RealClock by default; pass a SimulatedClock for deterministic runs. */
  clock?: Clock;
  seed?: number;
  logger?: Logger;
  /** Default reply timeout (ms). */
  requestTimeoutMs?: number;
  limits?: Partial<RouterLimits>;
  /** Worker shards the agents are spread over (default: the number of cores, at most one per agent). */
  workers?: number;
  validateMessages?: boolean;
  /** At-least-once for fire-and-forget: attempts in all when an agent fails (default 1). */
  deliveryAttempts?: number;
  blackboard?: BlackboardService;
  /** A trace listener attached before the first event, so nothing is missed. */
  onTrace?: TraceListener;
  /** Each agent failure that names a line of the agent's source (once per agent and place), for diagnostics. */
  onAgentError?: (error: AgentSourceError) => void;
  /** A name for the run (trace run_started). */
  name?: string;
  /** The folder's workspace, already loaded (and built): not loaded again. */
  workspace?: Workspace;
  /** Inputs to record in the trace header besides those the session knows (seed, workers, modules, clock): the scenario, a fork. */
  inputs?: RunInputs;
  /** Stepped runs: every delivery passes the step boundary, where `Runtime.onBoundary` hooks (a debugger) see it. */
  observeAll?: boolean;
  /** Join a NATS cluster as a node (docs/nats.md): other nodes' agents become reachable, this node's agents reachable from them. */
  nats?: NatsSessionOptions;
  /** Start no agent of the folder (a client node: `caxton send --nats`); only with `nats`. */
  noAgents?: boolean;
}

/** How a session joins a NATS cluster; `node` defaults to `<host>-<pid>`. */
export type NatsSessionOptions = Omit<NatsRemoteLinkOptions, 'node'> & { node?: string };

export interface Session {
  runtime: Runtime;
  workspace: Workspace;
  /** The NATS link, when the session joined a cluster. */
  link?: NatsRemoteLink;
  /** Send a message (its sender becomes an outside party that receives replies). */
  send(message: FipaMessage): void;
  /** Send and wait for the correlated reply. */
  request(message: FipaMessage, options?: { timeoutMs?: number }): Promise<FipaMessage>;
  /** Listen to trace events; returns the function that stops listening. */
  onTrace(listener: (event: TraceEvent) => void): () => void;
  /** Listen to messages delivered to outside parties (replies to what `send` sent). */
  onMessage(listener: (message: FipaMessage, to: string) => void): () => void;
  /**
   * Hot reload one agent: rebuild its source (cached), then drain, swap the module and keep queued messages.
   * A build or load failure is reported (file:line:col) and the old module keeps running.
   */
  reloadAgent(name: string): Promise<ReloadResult>;
  /** Rebuild what changed (build cache) and hot reload the agents whose module changed; `files` narrows the check. */
  reloadChanged(files?: readonly string[]): Promise<ReloadResult[]>;
  /** Drain, stop every agent and worker, close the trace file. */
  stop(reason?: string): Promise<void>;
}

/** Start the agents of a folder; throws WorkspaceError (naming the file, place and fix) when it cannot. */
export async function startSession(options: SessionOptions): Promise<Session> {
  const workspace = options.workspace ?? (await loadWorkspace(options.folder));
  if (options.noAgents && !options.nats)
    throw new RangeError('noAgents needs nats: a session without agents only makes sense as a client of a cluster');
  const entries = options.noAgents ? [] : selectAgents(workspace, options.agents);
  const manifestProblems = workspace.problems.filter(
    (p) => p.file.endsWith('.agent.yaml') || entries.some((e) => p.message.includes(`'${e.manifest.name}'`)),
  );
  if (manifestProblems.length) throw new WorkspaceError(manifestProblems);
  if (!entries.length && !options.nats) {
    throw new WorkspaceError([
      { file: workspace.folder, line: 1, column: 1, message: 'no agents found; add a *.agent.yaml manifest (see examples/calculator)' },
    ]);
  }
  const clock = options.clock ?? new RealClock();
  const seed = options.seed ?? 1;
  let writer: TraceFileWriter | undefined;
  const listeners: TraceListener[] = [];
  if (options.traceFile) {
    writer = createTraceWriter(options.traceFile);
    listeners.push((e) => writer!.write(e));
  }
  if (options.onTrace) listeners.push(options.onTrace);
  if (options.onAgentError) listeners.push(agentErrorListener(entries, options.onAgentError));
  const stepped = clock instanceof SimulatedClock;
  if (options.nats && stepped)
    throw new RangeError('a run across NATS nodes runs on the real clock (docs/nats.md); drop the simulated clock');
  const node = options.nats ? (options.nats.node ?? defaultNodeName()) : undefined;
  const runtime = new Runtime({
    name: options.name ?? path.basename(workspace.folder),
    clock,
    seed,
    logger: options.logger,
    trace: listeners,
    node,
    requestTimeoutMs: options.requestTimeoutMs,
    limits: options.limits,
    validateMessages: options.validateMessages,
    deliveryAttempts: options.deliveryAttempts,
    blackboard: options.blackboard,
    scheduling: stepped ? 'steps' : 'immediate',
    observeAll: options.observeAll,
  });
  const workers = defaultWorkers(options.workers, entries.length);
  const modules = readModules(entries);
  runtime.start(
    entries.map((e) => e.manifest.name),
    { ...options.inputs, seed, workers, modules: moduleHashes(entries, modules), clock: stepped ? 'simulated' : 'real' },
  );
  // A client node holds no agents: no worker threads.
  const group = !entries.length
    ? undefined
    : new ShardGroup({
        workers,
        logger: options.logger,
        onShardLost: (loss) => runtime.shardLost(loss),
        init: {
          stepped,
          observeAll: stepped && options.observeAll === true,
          limits: runtime.limits,
          requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
          attempts: options.deliveryAttempts ?? 1,
          dedupe: true,
          protocolChecks: true,
          validate: options.validateMessages === true,
          epochMs: clock instanceof RealClock ? clock.epochMs : absoluteNow(),
          epochWallMs: clock.wallTime() - clock.now(),
        },
      });
  if (group) runtime.attachShards(group);
  let stopped = false;
  let link: NatsRemoteLink | undefined;
  const stop = async (reason = 'stopped'): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await runtime.stop(reason);
    } finally {
      await link?.close().catch(() => undefined);
      await group?.stop(reason, 0);
      writer?.close();
    }
  };
  let started: Awaited<ReturnType<typeof startAgents>> = [];
  try {
    if (group) started = await startAgents(runtime, entries, { seed, group, modules });
    if (options.nats) {
      link = await NatsRemoteLink.connect({
        ...options.nats,
        node: node!,
        requestTimeoutMs: options.nats.requestTimeoutMs ?? options.requestTimeoutMs,
      });
      runtime.attachRemote(link);
      // This node's names go out now: a list too large for one NATS message fails the start with the fix.
      link.flushAnnouncement();
    }
  } catch (e) {
    await stop('failed to start');
    throw e;
  }
  const reloader = createReloader(workspace.folder, started, options.logger);
  const refuseStopped = (name: string): ReloadResult => ({
    agent: name,
    status: 'failed',
    durationMs: 0,
    error: `${workspace.folder}:1:1: the session is stopped`,
  });
  return {
    runtime,
    workspace,
    link,
    send: (m) => runtime.send(m),
    request: (m, o) => runtime.request(m, o),
    onTrace: (l) => runtime.onTrace(l),
    onMessage: (l) => runtime.onExternalMessage(l),
    reloadAgent: (name) => (stopped ? Promise.resolve(refuseStopped(name)) : reloader.reloadAgent(name)),
    reloadChanged: (files) => (stopped ? Promise.resolve([]) : reloader.reloadChanged(files)),
    stop,
  };
}

/** Each built module's bytes and sha256, read once for the trace header and for starting the agents (replicas share a file). */
function readModules(entries: readonly AgentEntry[]): Map<string, ReadModule> {
  const out = new Map<string, ReadModule>();
  for (const e of entries) {
    if (!e.wasmPath || out.has(e.wasmPath)) continue;
    try {
      const bytes = fs.readFileSync(e.wasmPath);
      out.set(e.wasmPath, { bytes, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    } catch {
      /* startAgents reports a missing module */
    }
  }
  return out;
}

/** The sha256 of each agent's built module, for the trace header (replay checks them). */
function moduleHashes(entries: readonly AgentEntry[], modules: ReadonlyMap<string, ReadModule>): Array<{ agent: string; sha256: string }> {
  const out: Array<{ agent: string; sha256: string }> = [];
  for (const e of entries) {
    const read = e.wasmPath === undefined ? undefined : modules.get(e.wasmPath);
    if (read) out.push({ agent: e.manifest.name, sha256: read.sha256 });
  }
  return out;
}

/** The workspace agents named by `wanted` (names or manifest paths, relative to the folder), or all. */
export function selectAgents(workspace: Workspace, wanted: readonly string[] | undefined, base = workspace.folder): AgentEntry[] {
  if (!wanted?.length) return workspace.agents;
  // Indexed once: a node of a large run selects thousands of replicas by name.
  const byName = new Map(workspace.agents.map((a) => [a.manifest.name, a] as const));
  const byFile = new Map<string, AgentEntry[]>();
  const byBase = new Map<string, AgentEntry[]>();
  const add = (map: Map<string, AgentEntry[]>, key: string, a: AgentEntry): void => {
    const l = map.get(key);
    if (l) l.push(a);
    else map.set(key, [a]);
  };
  for (const a of workspace.agents) {
    add(byFile, a.file, a);
    if (a.replicaOf !== undefined) add(byBase, a.replicaOf, a);
  }
  return wanted.flatMap((w) => {
    const one = byName.get(w);
    if (one) return [one];
    // A replicated manifest's own name (or its path) stands for all its replicas.
    const found = byBase.get(w) ?? byFile.get(path.resolve(base, w));
    if (!found) {
      const names = workspace.agents.map((a) => a.manifest.name);
      const known = names.length > 20 ? `${names.slice(0, 20).join(', ')}, … (${names.length} in all)` : names.join(', ') || 'none';
      throw new WorkspaceError([
        {
          file: workspace.folder,
          line: 1,
          column: 1,
          message: `no agent '${w}' in this workspace (agents: ${known}); name an agent or a *.agent.yaml path`,
        },
      ]);
    }
    return found;
  });
}

/** A node name for this process when none is given: `<host>-<pid>`, in the characters node names allow. */
export function defaultNodeName(): string {
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9_.@:-]/g, '-')
      .slice(0, 100) || 'node';
  return `${/^[A-Za-z_]/.test(host) ? '' : 'n-'}${host}-${process.pid}`;
}

/** Worker shards for a run: as asked, else one per core, never more than one per agent. */
export function defaultWorkers(asked: number | undefined, agents: number): number {
  if (asked !== undefined) {
    if (!Number.isInteger(asked) || asked < 1) throw new RangeError(`workers must be a positive integer (got ${asked})`);
    return asked;
  }
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, agents));
}
