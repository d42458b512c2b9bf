/**
 * The Caxton debugger's side of DAP, declared once: the launch configuration (package.json `contributes.debuggers`
 * mirrors it), the custom requests and the custom events the adapter (runtime/debug/adapter) and the extension
 * (client/debug) exchange on top of the standard protocol. Docs: docs/debugging.md.
 */
import type { TraceEvent } from '../trace';

/** The debug type of launch.json. */
export const DEBUG_TYPE = 'caxton';

/** A launch configuration's attributes (`type: caxton`, `request: launch`). */
export interface CaxtonLaunchArguments {
  /** The *.scenario.yaml to run (absolute, or relative to `cwd`); `${file}` in the default configuration. */
  scenario?: string;
  /** Re-run this recorded *.trace.jsonl (its scenario, seed and workers, its debugger changes) instead of `scenario`. */
  replay?: string;
  /** With `replay`: stop when the run reaches this event of the recorded trace (by seq) or tick; the run is a fork. */
  stopAt?: { seq?: number; tick?: number };
  /** Seed for the run's randomness (default 1, or the recorded one when replaying). */
  seed?: number;
  /** Worker threads the agents are spread over (default: one per core; the trace does not depend on it). */
  workers?: number;
  /** Where the run's trace is written (default `.caxton/traces/<scenario>.debug.trace.jsonl` beside the scenario). */
  trace?: string;
  /** Stop at the first step before anything is delivered. */
  stopOnEntry?: boolean;
  /** The folder relative paths start from (default: the scenario's folder). */
  cwd?: string;
}

/** DAP custom requests (DebugSession.customRequest). */
export interface CustomRequests {
  /**
   * Restart from here: let this run finish unchanged (its trace is the original branch), then re-run it
   * deterministically to `tick` (default: where it is stopped; or the tick of event `seq`), with `seed` if given,
   * and stop there, so a pending message can be edited or dropped before going on. Answers the fork's trace file.
   */
  'caxton/fork': { args: { tick?: number; seq?: number; seed?: number }; body: { original: string; fork: string; tick: number } };
  /** Drop a pending delivery (the frame's message to its receiver) before it is delivered. */
  'caxton/drop': { args: { frameId: number }; body: { dropped: string } };
}

/** DAP custom events the adapter sends. */
export interface CustomEvents {
  /** Trace events of the run, in order, batched (the inspector follows the run live). */
  'caxton/trace': { events: TraceEvent[]; reset?: boolean; title?: string };
  /** The run stopped: the event to highlight (the pending message's message_sent, else the last event) and why. */
  'caxton/paused': { seq: number; tick: number; text: string };
  /** A fork started: its trace and the original's. */
  'caxton/forked': { original: string; fork: string; tick: number };
  /** The run finished; `trace` is where it was written, `original` when it was a fork. */
  'caxton/runEnded': { trace: string; ok: boolean; reason: string; original?: string };
}

export type CustomEventName = keyof CustomEvents;
export const CUSTOM_EVENTS: readonly CustomEventName[] = ['caxton/trace', 'caxton/paused', 'caxton/forked', 'caxton/runEnded'];
