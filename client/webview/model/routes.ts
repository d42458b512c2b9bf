/** Breakers, retries and bulkhead rejections per route, and pipelines with their stages, at a cursor. */
import type { BreakerState, TraceEvent } from '../../../schemas/trace';
import { FeedReducer } from './feedReducer';
import type { TraceStore } from './traceStore';

export interface BreakerTransition {
  seq: number;
  t: number;
  from: BreakerState;
  to: BreakerState;
  failures: number;
}
export interface RouteView {
  route: string;
  state: BreakerState;
  failures: number;
  transitions: BreakerTransition[];
  retries: Array<{ seq: number; t: number; attempt: number; delay_ms: number; error: string }>;
  rejections: Array<{ seq: number; t: number; active: number; queued: number }>;
}
export interface PipelineView {
  name: string;
  stages: Array<{ stage: string; status: string; error?: string }>;
  ok?: boolean;
  failedStage?: string;
  error?: string;
}
export interface RoutesState {
  routes: Map<string, RouteView>;
  pipelines: Map<string, PipelineView>;
}

function route(s: RoutesState, name: string): RouteView {
  let r = s.routes.get(name);
  if (!r) {
    r = { route: name, state: 'closed', failures: 0, transitions: [], retries: [], rejections: [] };
    s.routes.set(name, r);
  }
  return r;
}

function pipeline(s: RoutesState, name: string): PipelineView {
  let p = s.pipelines.get(name);
  if (!p) {
    p = { name, stages: [] };
    s.pipelines.set(name, p);
  }
  return p;
}

function reduce(s: RoutesState, e: TraceEvent): void {
  switch (e.type) {
    case 'breaker_state': {
      const r = route(s, e.route);
      r.state = e.to;
      r.failures = e.failures;
      r.transitions.push({ seq: e.seq, t: e.t, from: e.from, to: e.to, failures: e.failures });
      return;
    }
    case 'retry':
      route(s, e.route).retries.push({ seq: e.seq, t: e.t, attempt: e.attempt, delay_ms: e.delay_ms, error: e.error });
      return;
    case 'bulkhead_rejected':
      route(s, e.route).rejections.push({ seq: e.seq, t: e.t, active: e.active, queued: e.queued });
      return;
    case 'pipeline_stage': {
      const p = pipeline(s, e.pipeline);
      const i = p.stages.findIndex((x) => x.stage === e.stage);
      const stage = { stage: e.stage, status: e.status, error: e.error };
      if (i >= 0) p.stages.splice(i, 1);
      p.stages.push(stage);
      return;
    }
    case 'pipeline_result':
      Object.assign(pipeline(s, e.pipeline), { ok: e.ok, failedStage: e.failed_stage, error: e.error });
      return;
    default:
  }
}

/** Breaker state at time `t` on a route (the first transition's `from` before it). */
export function breakerStateAt(r: RouteView, t: number): BreakerState {
  let state: BreakerState = r.transitions[0]?.from ?? 'closed';
  for (const tr of r.transitions) {
    if (tr.t > t) break;
    state = tr.to;
  }
  return state;
}

/** Routes and pipelines, reduced from the routes feed. */
export class RoutesModel {
  private readonly reducer = new FeedReducer<RoutesState>('routes', () => ({ routes: new Map(), pipelines: new Map() }), reduce);

  at(store: TraceStore, cursor: number): { routes: RouteView[]; pipelines: PipelineView[]; version: number } {
    const { state, version } = this.reducer.at(store, cursor);
    return { routes: [...state.routes.values()], pipelines: [...state.pipelines.values()], version };
  }
}
