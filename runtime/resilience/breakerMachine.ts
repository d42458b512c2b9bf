/**
 * The circuit breaker as a pure state machine: (state, event) -> (state, effects). No clock, no promises:
 * the wrapper in circuitBreaker.ts feeds it `now` and performs the effects (admit, reject, trace).
 */
import type { BreakerState } from '../../schemas';

export interface BreakerConfig {
  /** Open after this many failures in a row (closed state). */
  consecutiveFailures?: number;
  /** Open when failures / calls over the sliding window reaches this (0-1), once `minCalls` calls are in it. */
  failureRate?: number;
  windowMs: number;
  minCalls: number;
  /** How long the breaker stays open before admitting trial calls. */
  resetTimeoutMs: number;
  /** Trial calls admitted while half-open; all must succeed to close, any failure re-opens. */
  halfOpenMaxCalls: number;
}

/** The sliding window is kept as 10 buckets of windowMs/10 each (so it slides in tenths of the window). */
export const WINDOW_BUCKETS = 10;

export interface Bucket {
  readonly start: number;
  readonly calls: number;
  readonly failures: number;
}

export type BreakerMachineState =
  | { readonly name: 'closed'; readonly gen: number; readonly consecutive: number; readonly buckets: readonly Bucket[] }
  | { readonly name: 'open'; readonly gen: number; readonly openedAt: number; readonly failures: number }
  | { readonly name: 'half_open'; readonly gen: number; readonly admitted: number; readonly succeeded: number };

export type BreakerEvent =
  | { readonly type: 'request'; readonly now: number }
  /** The outcome of a call admitted in generation `gen`; outcomes from an earlier generation are ignored. */
  | { readonly type: 'success' | 'failure'; readonly now: number; readonly gen: number }
  /** The caller abandoned a call (e.g. scatter-gather already settled): neither outcome; frees a trial slot. */
  | { readonly type: 'cancelled'; readonly now: number; readonly gen: number };

export type BreakerEffect =
  | { readonly kind: 'admit'; readonly gen: number }
  | { readonly kind: 'reject'; readonly retryAfterMs: number }
  | { readonly kind: 'transition'; readonly from: BreakerState; readonly to: BreakerState; readonly failures: number };

export interface BreakerStep {
  readonly state: BreakerMachineState;
  readonly effects: readonly BreakerEffect[];
}

const NO_EFFECTS: readonly BreakerEffect[] = Object.freeze([]);

/** A fresh, closed breaker. */
export function initialBreakerState(): BreakerMachineState {
  return { name: 'closed', gen: 0, consecutive: 0, buckets: [] };
}

/** Check a breaker config; returns the problems in words (empty when fine). */
export function checkBreakerConfig(c: BreakerConfig): string[] {
  const errors: string[] = [];
  if (c.consecutiveFailures === undefined && c.failureRate === undefined) errors.push('set consecutive_failures or failure_rate');
  if (c.failureRate !== undefined && !(c.failureRate > 0 && c.failureRate <= 1)) errors.push('failure_rate must be in (0, 1]');
  if (c.halfOpenMaxCalls < 1) errors.push('half_open_max_calls must be at least 1');
  if (c.failureRate !== undefined && c.windowMs <= 0) errors.push('window must be positive');
  return errors;
}

/** The next state and effects of a breaker after `event`. */
export function breakerStep(state: BreakerMachineState, event: BreakerEvent, config: BreakerConfig): BreakerStep {
  if (event.type === 'request') return onRequest(state, event.now, config);
  if (event.gen !== state.gen) return { state, effects: [] };
  if (event.type === 'cancelled') {
    return state.name === 'half_open'
      ? { state: { ...state, admitted: state.admitted - 1 }, effects: NO_EFFECTS }
      : { state, effects: NO_EFFECTS };
  }
  return event.type === 'success' ? onSuccess(state, event.now, config) : onFailure(state, event.now, config);
}

function onRequest(state: BreakerMachineState, now: number, config: BreakerConfig): BreakerStep {
  if (state.name === 'closed') return { state, effects: [{ kind: 'admit', gen: state.gen }] };
  if (state.name === 'open') {
    const reopenAt = state.openedAt + config.resetTimeoutMs;
    if (now < reopenAt) return { state, effects: [{ kind: 'reject', retryAfterMs: reopenAt - now }] };
    const half: BreakerMachineState = { name: 'half_open', gen: state.gen + 1, admitted: 1, succeeded: 0 };
    return {
      state: half,
      effects: [
        { kind: 'transition', from: 'open', to: 'half_open', failures: state.failures },
        { kind: 'admit', gen: half.gen },
      ],
    };
  }
  if (state.admitted < config.halfOpenMaxCalls) {
    return { state: { ...state, admitted: state.admitted + 1 }, effects: [{ kind: 'admit', gen: state.gen }] };
  }
  // Every trial slot is taken: wait for the trials to report.
  return { state, effects: [{ kind: 'reject', retryAfterMs: 0 }] };
}

function onSuccess(state: BreakerMachineState, now: number, config: BreakerConfig): BreakerStep {
  if (state.name === 'closed') {
    // The common case (healthy, count-based) changes nothing: keep the same state object.
    if (config.failureRate === undefined && state.consecutive === 0) return { state, effects: NO_EFFECTS };
    const buckets = config.failureRate === undefined ? state.buckets : record(state.buckets, now, false, config.windowMs);
    return { state: { name: 'closed', gen: state.gen, consecutive: 0, buckets }, effects: NO_EFFECTS };
  }
  if (state.name === 'half_open') {
    const succeeded = state.succeeded + 1;
    if (succeeded < config.halfOpenMaxCalls) return { state: { ...state, succeeded }, effects: [] };
    return {
      state: { name: 'closed', gen: state.gen + 1, consecutive: 0, buckets: [] },
      effects: [{ kind: 'transition', from: 'half_open', to: 'closed', failures: 0 }],
    };
  }
  return { state, effects: [] };
}

function onFailure(state: BreakerMachineState, now: number, config: BreakerConfig): BreakerStep {
  if (state.name === 'half_open') return open(state, 'half_open', now, 1);
  if (state.name !== 'closed') return { state, effects: [] };
  const consecutive = state.consecutive + 1;
  if (config.consecutiveFailures !== undefined && consecutive >= config.consecutiveFailures) {
    return open(state, 'closed', now, consecutive);
  }
  if (config.failureRate === undefined) return { state: { ...state, consecutive }, effects: [] };
  const buckets = record(state.buckets, now, true, config.windowMs);
  let calls = 0,
    failures = 0;
  for (const b of buckets) {
    calls += b.calls;
    failures += b.failures;
  }
  if (calls >= config.minCalls && failures / calls >= config.failureRate) return open(state, 'closed', now, failures);
  return { state: { ...state, consecutive, buckets }, effects: [] };
}

function open(state: BreakerMachineState, from: BreakerState, now: number, failures: number): BreakerStep {
  return {
    state: { name: 'open', gen: state.gen + 1, openedAt: now, failures },
    effects: [{ kind: 'transition', from, to: 'open', failures }],
  };
}

/** Add one outcome to the window, dropping buckets that slid out of it (a new array: the state stays immutable). */
function record(buckets: readonly Bucket[], now: number, failed: boolean, windowMs: number): Bucket[] {
  const width = Math.max(1, windowMs / WINDOW_BUCKETS);
  const start = Math.floor(now / width) * width;
  let from = 0;
  while (from < buckets.length && buckets[from].start <= now - windowMs) from++;
  const kept = buckets.slice(from);
  const last = kept[kept.length - 1];
  if (last && last.start === start) {
    kept[kept.length - 1] = { start, calls: last.calls + 1, failures: last.failures + (failed ? 1 : 0) };
  } else {
    kept.push({ start, calls: 1, failures: failed ? 1 : 0 });
  }
  return kept;
}

/** Calls and failures currently in the window (for reports and tests). */
export function windowCounts(state: BreakerMachineState, now: number, windowMs: number): { calls: number; failures: number } {
  let calls = 0,
    failures = 0;
  if (state.name === 'closed') {
    for (const b of state.buckets)
      if (b.start > now - windowMs) {
        calls += b.calls;
        failures += b.failures;
      }
  }
  return { calls, failures };
}
