/**
 * runScenario: start a scenario's agents, send its messages at their times, run until nothing is left to happen
 * (or run_for), and summarise: delivered, dropped, timeouts, per-conversation outcome, expectations, duration.
 */
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../../../schemas';
import { RealClock, settle, SimulatedClock, type Clock } from '../../core/clock';
import { parseDuration } from '../../../schemas/limits';
import type { Logger } from '../../core/types';
import type { Runtime, RunInputs } from '../../runtime';
import type { TraceListener } from '../../trace/traceRecorder';
import { COORDINATION_EXPECT_KEYS, prepareCoordination } from './coordination';
import { checkExpectations, type ExpectationResult } from './expectations';
import { REMOTE_BASE } from '../../shard/transport';
import type { RemoteLinkStats } from '../../transport/nats/natsRemoteLink';
import { startSession, type AgentSourceError, type NatsSessionOptions } from '../session/session';
import {
  loadWorkspace,
  readMessageFile,
  readScenario,
  realFolder,
  workspaceFor,
  WorkspaceError,
  type LoadScope,
  type Workspace,
  type WorkspaceProblem,
} from '../files/workspace';

export interface RunScenarioOptions {
  /** `simulated` (default: deterministic, timeouts take no real time) or `real`, or a clock of your own. */
  clock?: 'simulated' | 'real' | Clock;
  seed?: number;
  traceFile?: string;
  logger?: Logger;
  /** Default reply timeout (ms); default 30 s. */
  requestTimeoutMs?: number;
  onTrace?: TraceListener;
  /** Each agent failure that names a line of the agent's source (once per agent and place), for diagnostics. */
  onAgentError?: (error: AgentSourceError) => void;
  /** Give up after this much real time even if agents keep talking (default 60 s). */
  maxWallMs?: number;
  workers?: number;
  /** The scenario folder's workspace, already loaded: the scenario, its messages and agents are not loaded again. */
  workspace?: Workspace;
  /** Stepped runs: every delivery passes the step boundary (a debugger's `onBoundary` hook sees them all). */
  observeAll?: boolean;
  /** Called once the agents are up, before the first message is sent (a debugger attaches its hooks here). */
  onRuntime?: (runtime: Runtime) => void;
  /** Stop the run early (a debugger's terminate); the summary's reason says so. */
  signal?: AbortSignal;
  /** More inputs for the trace header (a fork's origin); the scenario path is recorded by runScenario. */
  inputs?: RunInputs;
  /**
   * Run as a node of a NATS cluster (real clock): the plan's agents found in the folder start here, the others are
   * looked up in the cluster's directory (waited for up to `clusterWaitMs`, default 10 s).
   */
  nats?: NatsSessionOptions;
  /** With `nats`: a message that arrived from another node (its message_sent is in that node's trace), at run time `t`. */
  onRemote?: (message: FipaMessage, to: readonly string[], t: number, node: string | undefined) => void;
  /** With `nats`: start no agent here (a client node, `caxton send --nats`). */
  noAgents?: boolean;
  clusterWaitMs?: number;
}

export interface ConversationSummary {
  id: string;
  outcome: string;
  messages: number;
  participants: string[];
  protocol?: string;
  detail?: string;
}

export interface ScenarioSummary {
  name: string;
  file: string;
  /** Passed: every expectation held (and, for what `expect` does not mention, no timeout, violation or failed delivery). */
  ok: boolean;
  delivered: number;
  dropped: number;
  timeouts: number;
  violations: number;
  /** Run time on the runtime's clock (simulated or real), ms. */
  durationMs: number;
  /** Real time the run took, ms. */
  wallMs: number;
  conversations: ConversationSummary[];
  expectations: ExpectationResult[];
  /** Why the run stopped. */
  reason: string;
  /** The pattern's or pipeline's outcome, in one line. */
  outcome?: string;
  /** A node of a NATS cluster: what crossed NATS and what may have been lost. */
  transport?: RemoteLinkStats;
}

/** Run one *.scenario.yaml; throws WorkspaceError when the scenario, its agents or its messages are malformed. */
export async function runScenario(file: string, options: RunScenarioOptions = {}): Promise<ScenarioSummary> {
  const scenarioFile = path.resolve(file);
  const problems: WorkspaceProblem[] = [];
  const scope = workspaceFor(options.workspace, path.dirname(scenarioFile));
  const entry = scope?.scenarios.find((s) => s.file === realFolder(scenarioFile)) ?? readScenario(scenarioFile, problems, scope);
  if (!entry) throw new WorkspaceError(problems);
  const { scenario } = entry;
  const recorded = recordedPath(scenarioFile, options.traceFile);
  return runPlan(
    {
      file: scenarioFile,
      name: scenario.name,
      folder: path.dirname(scenarioFile),
      agents: scenario.agents,
      messages: loadScenarioMessages(scenarioFile, scenario.messages ?? [], scope),
      expect: scenario.expect,
      pattern: scenario.pattern,
      pipeline: scenario.pipeline,
      runForMs: scenario.run_for === undefined ? undefined : parseDuration(scenario.run_for, `${scenarioFile}: run_for`),
    },
    { ...options, inputs: { scenario: recorded, ...options.inputs } },
  );
}

/**
 * How a trace header names `file`: relative to the trace's folder when the trace is kept inside the file's folder
 * (a workspace's .caxton/traces: the pair moves together), else absolute.
 */
export function recordedPath(file: string, traceFile: string | undefined): string {
  if (!traceFile) return file;
  const traceDir = path.dirname(path.resolve(traceFile));
  if (path.relative(path.dirname(file), traceDir).startsWith('..')) return file;
  return path.relative(traceDir, file).split(path.sep).join('/');
}

/** What to run: a folder's agents, messages at times, and what to expect (a scenario, or `caxton send`). */
export interface RunPlan {
  name: string;
  folder: string;
  /** The scenario file, when there is one (for the summary). */
  file?: string;
  agents?: string[];
  messages: TimedMessage[];
  runForMs?: number;
  expect?: Record<string, unknown>;
  /** A built-in coordination pattern to run once the agents are up (runtime/protocols). */
  pattern?: Record<string, unknown>;
  /** A *.pipeline.yaml (relative to the folder) to run once the agents are up (runtime/workflow). */
  pipeline?: string;
}

/** Start the plan's agents, send its messages at their times, run until quiet (or run_for) and summarise. */
export async function runPlan(plan: RunPlan, options: RunScenarioOptions = {}): Promise<ScenarioSummary> {
  // Across nodes there is no shared simulated clock (docs/nats.md): a run over NATS is real-time.
  const clock =
    options.clock === 'real' || options.nats
      ? new RealClock()
      : options.clock && typeof options.clock === 'object'
        ? options.clock
        : new SimulatedClock();
  const sent: FipaMessage[] = [];
  const collect: TraceListener = (e: TraceEvent) => {
    if (e.type === 'message_sent') sent.push(e.message);
    options.onTrace?.(e);
  };
  const started = performance.now();
  let workspace = workspaceFor(options.workspace, plan.folder);
  if (options.nats && !options.noAgents) workspace ??= await loadWorkspace(plan.folder);
  const coordination = prepareCoordination(plan.file ?? plan.folder, plan.folder, plan.pattern, plan.pipeline, workspace);
  const local = options.nats ? localAgents(plan, workspace, options.noAgents === true) : plan.agents;
  const session = await startSession({
    folder: plan.folder,
    agents: local,
    traceFile: options.traceFile,
    clock,
    seed: options.seed,
    logger: options.logger,
    requestTimeoutMs: options.requestTimeoutMs,
    onTrace: collect,
    onAgentError: options.onAgentError,
    name: plan.name,
    workers: options.workers,
    blackboard: coordination?.blackboard,
    workspace,
    inputs: options.inputs,
    observeAll: options.observeAll,
    nats: options.nats,
    noAgents: options.nats !== undefined && local?.length === 0,
  });
  const { runtime, link } = session;
  if (link) {
    // What other nodes' agents send here counts as seen (their own traces hold their message_sent).
    link.onArrivals((list) => {
      for (const e of list) {
        sent.push(e.message);
        options.onRemote?.(e.message, e.to, clock.now(), link.nodeOfName(e.message.sender));
      }
    });
    try {
      await link.waitFor(remoteNames(plan, runtime), options.clusterWaitMs ?? 10_000);
    } catch (e) {
      await session.stop('the cluster lacks agents of the run');
      throw e;
    }
  }
  options.onRuntime?.(runtime);
  try {
    coordination?.start(runtime);
  } catch (e) {
    // A pattern that cannot start (a participant nobody runs) must not leave agents, workers or a NATS link behind.
    await session.stop('the pattern could not start');
    throw e;
  }
  let scheduled = plan.messages.length;
  // Every message goes through the clock, so `at: 0` ones keep file order with the rest.
  for (const m of plan.messages)
    clock.setTimer(m.at, () => {
      scheduled--;
      session.send(m.message);
    });
  let reason = 'finished';
  try {
    const busy = () => scheduled > 0 || coordination?.pending === true;
    reason = runtime.stepped
      ? await driveSteps(runtime, clock as SimulatedClock, busy, plan.runForMs, options.maxWallMs ?? 60_000, options.signal)
      : await drive(runtime, clock, busy, plan.runForMs, options.maxWallMs ?? 60_000);
    // Let a pattern or pipeline that just finished settle its promise.
    await new Promise((r) => setImmediate(r));
  } finally {
    await session.stop(reason);
  }
  const stats = runtime.stats();
  const conversations = runtime.conversations().map((c) => ({
    id: c.id,
    outcome: c.outcome,
    messages: c.messages,
    participants: c.participants,
    ...(c.protocol ? { protocol: c.protocol } : {}),
    ...(c.detail ? { detail: c.detail } : {}),
  }));
  // A pattern or pipeline decides the verdict; otherwise the default checks hold for what `expect` leaves out.
  const expectations = [
    ...checkExpectations(
      plan.expect,
      { stats, conversations, sent, deadLetters: runtime.deadLetters() },
      { defaults: !coordination, extraKeys: COORDINATION_EXPECT_KEYS },
    ),
    ...(coordination?.expectations(plan.expect) ?? []),
  ];
  return {
    name: plan.name,
    file: plan.file ?? plan.folder,
    ok: reason !== 'wall-clock limit' && expectations.every((x) => x.ok),
    delivered: stats.delivered,
    dropped: stats.dropped,
    timeouts: stats.timeouts,
    violations: stats.violations,
    durationMs: Math.round(clock.now()),
    wallMs: Math.round(performance.now() - started),
    conversations,
    expectations,
    reason,
    ...(link ? { transport: link.stats() } : {}),
  };
}

/** With NATS: the plan's agents that this folder has manifests for start here (none for a client node); [] = none. */
function localAgents(plan: RunPlan, workspace: Workspace | undefined, none: boolean): string[] | undefined {
  if (none) return [];
  const here = new Set(workspace?.agents.map((a) => a.manifest.name) ?? []);
  if (!plan.agents) return here.size ? undefined : [];
  return plan.agents.filter((a) => here.has(a));
}

/** The agents a plan needs that are not here: its agents, the plain receivers of its messages, a pattern's parties. */
function remoteNames(plan: RunPlan, runtime: import('../../runtime').Runtime): string[] {
  const names = new Set<string>(plan.agents ?? []);
  for (const { message } of plan.messages) {
    for (const r of Array.isArray(message.receiver) ? message.receiver : [message.receiver]) {
      if (typeof r === 'string' && r !== 'broadcast' && !r.startsWith('topic://')) names.add(r);
    }
  }
  const p = plan.pattern ?? {};
  for (const key of ['participants', 'bidders'])
    if (Array.isArray(p[key])) for (const n of p[key] as unknown[]) if (typeof n === 'string') names.add(n);
  for (const key of ['counterpart', 'decider']) if (typeof p[key] === 'string') names.add(p[key] as string);
  const senders = new Set(plan.messages.map((m) => m.message.sender));
  // Senders are outside parties of this node; names already hosted here need no other node.
  return [...names].filter((n) => {
    const shard = runtime.directory.get(n)?.shard;
    return !senders.has(n) && (shard === undefined || shard >= REMOTE_BASE);
  });
}

/** A message to send at a time (ms on the run's clock). */
export interface TimedMessage {
  at: number;
  message: FipaMessage;
}

function loadScenarioMessages(
  scenarioFile: string,
  items: NonNullable<import('../../../schemas').ScenarioFile['scenario']['messages']>,
  scope?: LoadScope,
): TimedMessage[] {
  const problems: WorkspaceProblem[] = [];
  const out: TimedMessage[] = [];
  items.forEach((item, i) => {
    const at = item.at === undefined ? 0 : parseDuration(item.at, `${scenarioFile}: messages[${i}].at`);
    if ('message' in item) {
      out.push({ at, message: item.message });
      return;
    }
    // The scenario's loader checked the reference (exists, inside the folder, a regular file); this reads it.
    const loaded = readMessageFile(path.resolve(path.dirname(scenarioFile), item.file), problems, scope);
    if (loaded) for (const message of loaded.messages) out.push({ at, message });
  });
  if (problems.length) throw new WorkspaceError(problems);
  return out;
}

/**
 * Stepped runs (docs/shards.md): run steps until every shard is quiet, then move simulated time to the earliest
 * timer of any shard, until nothing is left to happen (or run_for); returns why it stopped.
 */
async function driveSteps(
  runtime: Runtime,
  clock: SimulatedClock,
  busy: () => boolean,
  runForMs: number | undefined,
  maxWallMs: number,
  signal?: AbortSignal,
): Promise<string> {
  const wallDeadline = performance.now() + maxWallMs;
  let quietTurns = 0;
  for (;;) {
    if (signal?.aborted) return 'stopped by the debugger';
    if (performance.now() > wallDeadline) return 'wall-clock limit';
    const state = await runtime.runSteps();
    if (runForMs !== undefined && clock.now() >= runForMs) return `run_for ${runForMs} ms elapsed`;
    const next = runtime.nextDeadline();
    if (next === undefined) {
      if (state === 'busy') continue;
      // A pattern or pipeline may be between two steps (promise callbacks): give it a few turns before deciding.
      if (!busy() || ++quietTurns > 50) return 'finished';
      await new Promise((r) => setImmediate(r));
      continue;
    }
    quietTurns = 0;
    if (runForMs !== undefined && next > runForMs) {
      runtime.advanceTo(runForMs);
      return `run_for ${runForMs} ms elapsed`;
    }
    runtime.advanceTo(next);
  }
}

/** Advance until nothing is queued, no reply is awaited and no scheduled message is left; returns why it stopped. */
async function drive(
  runtime: Runtime,
  clock: Clock,
  busy: () => boolean,
  runForMs: number | undefined,
  maxWallMs: number,
): Promise<string> {
  const wallDeadline = performance.now() + maxWallMs;
  const idleOrWall = async (): Promise<boolean> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wall = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), Math.max(0, wallDeadline - performance.now()));
    });
    const ok = await Promise.race([runtime.idle().then(() => true), wall]);
    clearTimeout(timer);
    return ok;
  };
  // A pattern or pipeline may be between two steps (promise callbacks) while nothing is queued or timed: give
  // it a few turns of the event loop before deciding it is stuck.
  let quietTurns = 0;
  let lastEvents = -1;
  for (;;) {
    if (!(await idleOrWall())) return 'wall-clock limit';
    if (runForMs !== undefined && clock.now() >= runForMs) return `run_for ${runForMs} ms elapsed`;
    const events = runtime.stats().events;
    quietTurns = events === lastEvents ? quietTurns + 1 : 0;
    lastEvents = events;
    if (clock instanceof SimulatedClock) {
      const next = clock.nextDeadline();
      if (next === undefined) {
        if (!busy() || quietTurns > 50) return 'finished';
        await new Promise((r) => setImmediate(r));
        continue;
      }
      // Continuations that ran since idle() resolved may have handed an agent work (in a worker, in real time):
      // time moves only while nothing is in flight, and one timer at a time, so a timeout never overtakes a reply.
      await settle();
      if (runtime.inFlight() > 0) continue;
      clock.fireNext(runForMs ?? Number.POSITIVE_INFINITY);
    } else {
      if (!busy() && runtime.pendingReplies() === 0) return 'finished';
      if (performance.now() > wallDeadline) return 'wall-clock limit';
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
