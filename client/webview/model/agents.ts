/**
 * The agents view's model at a cursor: each agent's state and reason, its recent lifecycle, messages in and out,
 * fuel and memory (against its limits when the trace has them), restarts, reloads, failures, last log. Read from the
 * store's per-agent lists by binary search: the cost of a seek is per agent, not per event.
 */
import type { AgentState, TraceEvent } from '../../../schemas/trace';
import type { TraceStore } from './traceStore';

/** One lifecycle change of an agent, with the runtime's reason (e.g. `reload`, `restart 2 of 20`). */
export interface AgentTransition {
  seq: number;
  t: number;
  from: AgentState;
  to: AgentState;
  reason?: string;
}

export interface AgentView {
  name: string;
  state: AgentState | 'unknown';
  since: number;
  reason?: string;
  /** An outside party (a sender or receiver that is not an agent of the run: `user`, a pipeline, a coordinator). */
  external: boolean;
  /** The node or shard it runs on (optional `node` field of agent events). */
  node?: string;
  messagesIn: number;
  messagesOut: number;
  fuel: number;
  fuelTotal: number;
  memoryBytes: number;
  memoryPeak: number;
  fuelLimit?: number;
  memoryLimit?: number;
  restarts: number;
  reloads: number;
  failures: number;
  logs: number;
  lastLog?: string;
  /** The most recent lifecycle changes (at most TRANSITIONS_KEPT), oldest first. */
  transitions: readonly AgentTransition[];
}

/** How many lifecycle changes an agent shows (older ones are only counted). */
export const TRANSITIONS_KEPT = 8;

/**
 * A hot reload that took: running -> draining -> loaded -> running, counted once on draining -> loaded (the runtime's
 * reason is `reloaded` or the caller's, e.g. `hot reload`). A refused one (`... refused; previous module restored`)
 * loads the old module again and is not counted.
 */
export function isReload(e: { from: AgentState; to: AgentState; reason?: string }): boolean {
  return e.from === 'draining' && e.to === 'loaded' && !/refused/.test(e.reason ?? '');
}

type Usage = Extract<TraceEvent, { type: 'agent_usage' }>;
type State = Extract<TraceEvent, { type: 'agent_state' }>;

/** Every agent and outside party seen before the cursor, in order of first appearance. */
export function agentsAt(store: TraceStore, cursor: number): AgentView[] {
  const out: AgentView[] = [];
  for (const a of store.agents) {
    if (a.firstEvent >= cursor) continue;
    const nStates = a.states.countBelow(cursor);
    let state: AgentState | 'unknown' = 'unknown',
      since = store.events[a.firstEvent].t,
      reason: string | undefined;
    let restarts = 0,
      reloads = 0,
      failures = 0;
    const transitions: AgentTransition[] = [];
    for (let i = 0; i < nStates; i++) {
      const e = store.events[a.states.get(i)] as State;
      state = e.to;
      since = e.t;
      reason = e.reason;
      if (e.to === 'failed') failures++;
      if (e.from === 'failed' && e.to !== 'stopped') restarts++;
      if (isReload(e)) reloads++;
      if (i >= nStates - TRANSITIONS_KEPT) transitions.push({ seq: e.seq, t: e.t, from: e.from, to: e.to, reason: e.reason });
    }
    const nUsage = a.usage.countBelow(cursor);
    const last = nUsage > 0 ? (store.events[a.usage.get(nUsage - 1)] as Usage) : undefined;
    let fuelLimit: number | undefined, memoryLimit: number | undefined;
    // Limits are reported on usage events; the latest one that has them is the agent's grant.
    for (let i = nUsage - 1; i >= 0 && i >= nUsage - 64 && (fuelLimit === undefined || memoryLimit === undefined); i--) {
      const u = store.events[a.usage.get(i)] as Usage;
      fuelLimit ??= u.fuel_limit;
      memoryLimit ??= u.memory_limit_bytes;
    }
    const nLogs = a.logs.countBelow(cursor);
    const log = nLogs > 0 ? (store.events[a.logs.get(nLogs - 1)] as Extract<TraceEvent, { type: 'agent_log' }>) : undefined;
    out.push({
      name: a.name,
      state,
      since,
      reason,
      external: a.ownSince < 0 || a.ownSince >= cursor,
      node: a.node,
      messagesIn: a.in.countBelow(cursor),
      messagesOut: a.out.countBelow(cursor),
      fuel: last?.fuel ?? 0,
      fuelTotal: nUsage ? a.fuelTotal.get(nUsage - 1) : 0,
      memoryBytes: last?.memory_bytes ?? 0,
      memoryPeak: nUsage ? a.memoryPeak.get(nUsage - 1) : 0,
      fuelLimit,
      memoryLimit,
      restarts,
      reloads,
      failures,
      logs: nLogs,
      lastLog: log ? `${log.level}: ${log.text}` : undefined,
      transitions,
    });
  }
  return out;
}
