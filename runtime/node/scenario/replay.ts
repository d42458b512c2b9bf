/**
 * Deterministic replay (docs/debugging.md): a simulated run's trace header records its inputs (scenario, seed,
 * workers, module hashes, clock) and a debugger's changes are `debug_change` events; running the scenario again
 * with those inputs and changes gives the same trace event for event, unless something changed (an agent's source,
 * the scenario). `caxton replay --verify` and the debugger's fork build on this.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas';
import { diffTraces, type TraceDiff } from '../../../schemas/traceDiff';
import { DebugController } from '../../debug/controller';
import type { DebugChange } from '../../debug/deliveries';
import type { Runtime } from '../../runtime';
import { recordedPath, runScenario, type RunScenarioOptions, type ScenarioSummary } from './scenario';
import { readTraceFile } from '../files/traceFile';

export type RunStarted = Extract<TraceEvent, { type: 'run_started' }>;

/** A bad trace for replay: the message names the file and what to do. */
export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

/** A recorded run, ready to be run again. */
export interface RecordedRun {
  /** The trace file (absolute). */
  file: string;
  header: RunStarted;
  events: TraceEvent[];
  /** The scenario file (absolute), resolved from the header. */
  scenario: string;
  /** The debugger's changes, with their ticks. */
  changes: Array<DebugChange & { tick?: number }>;
}

/** Read a trace and check it can be replayed; throws ReplayError naming the file and the fix. */
export function readRecordedRun(file: string, shown = file): RecordedRun {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs) || fs.statSync(abs).isDirectory())
    throw new ReplayError(`${shown}: no such trace file; record one with \`caxton run <scenario> --trace ${shown}\``);
  const parsed = readTraceFile(abs);
  const header = parsed.events[0];
  if (!header || header.type !== 'run_started')
    throw new ReplayError(`${shown}:1: the trace does not start with run_started; give a whole *.trace.jsonl written by caxton run`);
  if (parsed.errors.length)
    throw new ReplayError(
      `${shown}:${parsed.errors[0].line}: ${parsed.errors[0].message}; a trace with bad lines cannot be compared event by event`,
    );
  if (!header.scenario)
    throw new ReplayError(
      `${shown}:1: run_started records no scenario (the run had none, or an older caxton wrote it); run a *.scenario.yaml with --trace to record one`,
    );
  if (header.clock === 'real')
    throw new ReplayError(
      `${shown}:1: the run used the real clock, whose timing cannot be reproduced; record it on the simulated clock (caxton run without --real-time)`,
    );
  const scenario = path.resolve(path.dirname(abs), header.scenario);
  if (!fs.existsSync(scenario))
    throw new ReplayError(
      `${shown}:1: the recorded scenario ${header.scenario} (${scenario}) does not exist; keep the trace beside its workspace, where it was recorded`,
    );
  const changes = parsed.events.flatMap((e) =>
    e.type === 'debug_change'
      ? [{ type: e.type, change: e.change, id: e.id, to: e.to, ...(e.fields ? { fields: e.fields } : {}), tick: e.tick }]
      : [],
  );
  return { file: abs, header, events: parsed.events, scenario, changes };
}

export interface ReplayOptions extends Omit<RunScenarioOptions, 'seed' | 'workers' | 'clock' | 'inputs'> {
  /** Another seed than the recorded one (a fork). */
  seed?: number;
  /** A debugger to drive the run; without one, a controller that only makes the recorded changes again. */
  controller?: DebugController;
  /** Make only the recorded changes before this tick (a fork goes on with its own from there). */
  changesBefore?: number;
  /** Record the replay as a fork of the recorded trace at this tick (trace header `fork`). */
  forkAt?: number;
}

/** Run a recorded scenario again with its recorded inputs and changes. */
export async function replayRun(run: RecordedRun, options: ReplayOptions = {}): Promise<ScenarioSummary> {
  const { controller, changesBefore, forkAt, seed, ...rest } = options;
  const changes = changesBefore === undefined ? run.changes : run.changes.filter((c) => (c.tick ?? 0) < changesBefore);
  const driver = controller ?? new DebugController({ replay: changes });
  if (controller) controller.replayChanges(changes);
  const fork = forkAt === undefined ? undefined : { from: recordedPath(run.file, options.traceFile), tick: forkAt };
  return runScenario(run.scenario, {
    ...rest,
    seed: seed ?? run.header.seed,
    workers: run.header.workers,
    clock: 'simulated',
    observeAll: true,
    inputs: fork ? { fork } : undefined,
    onRuntime: (runtime: Runtime) => {
      driver.attach(runtime);
      rest.onRuntime?.(runtime);
    },
  });
}

/** What a replay found: the comparison and the agents whose module is not the recorded one. */
export interface ReplayVerdict {
  diff: TraceDiff;
  modulesChanged: Array<{ agent: string; recorded?: string; now?: string }>;
}

/** Inputs a replay may record differently without the run being different (where files are, module hashes: reported apart). */
const HEADER_INPUTS = ['scenario', 'modules', 'fork'] as const;

/** Compare a replay with its recording (the header's file-dependent inputs aside; module changes are listed). */
export function verifyReplay(recorded: readonly TraceEvent[], replayed: readonly TraceEvent[]): ReplayVerdict {
  const strip = (events: readonly TraceEvent[]) =>
    events.map((e) => {
      if (e.type !== 'run_started') return e;
      const copy: Record<string, unknown> = { ...e };
      for (const k of HEADER_INPUTS) delete copy[k];
      return copy as unknown as TraceEvent;
    });
  const before = new Map((headerOf(recorded)?.modules ?? []).map((m) => [m.agent, m.sha256]));
  const after = new Map((headerOf(replayed)?.modules ?? []).map((m) => [m.agent, m.sha256]));
  const modulesChanged = [...new Set([...before.keys(), ...after.keys()])]
    .sort()
    .filter((a) => before.get(a) !== after.get(a))
    .map((agent) => ({ agent, recorded: before.get(agent), now: after.get(agent) }));
  return { diff: diffTraces(strip(recorded), strip(replayed)), modulesChanged };
}

function headerOf(events: readonly TraceEvent[]): RunStarted | undefined {
  const e = events[0];
  return e?.type === 'run_started' ? e : undefined;
}
