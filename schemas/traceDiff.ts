/**
 * Compare two traces event by event: `diffTraces(a, b)` finds the first divergent event and counts the differences.
 * Pure (no I/O): the `caxton diff` command and the inspector's compare view both use it.
 *
 * Fields that depend on the machine rather than on the run are never compared:
 * - `duration_ms` (agent_usage): the wall-clock time of one call;
 * - in real-time runs (`caxton run --real-time`, recognised by a fractional `t` anywhere), `t` and the timeout
 *   `deadline` derived from it. Simulated-clock runs compare `t` (it is deterministic there).
 * - in the `run_started` header, where the run's files were (`scenario`), which trace it forked from (`fork`) and how
 *   many worker shards it used (`workers`: the trace does not depend on it, docs/shards.md): runs are compared on
 *   what happened.
 * `memory_bytes`, `fuel`, retry `delay_ms` (seeded jitter) and everything else are deterministic and compared.
 */
import type { TraceEvent } from './trace';

export interface TraceDiffOptions {
  /** `auto` (default): ignore times when either trace was recorded on the real clock; `compare` / `ignore` force it. */
  time?: 'auto' | 'compare' | 'ignore';
}

/** One position where the traces differ: the event on each side (absent past the end of the shorter one). */
export interface TraceDifference {
  index: number;
  left?: TraceEvent;
  right?: TraceEvent;
  fields: string[];
}

export interface TraceDiff {
  identical: boolean;
  /** Positions whose events differ, plus the events one trace has past the end of the other. */
  differences: number;
  first?: TraceDifference;
  /** The field names left out of the comparison. */
  ignored: string[];
  lengths: [number, number];
}

/** Fields that are never compared (wall-clock measurements). */
export const WALL_CLOCK_FIELDS: readonly string[] = ['duration_ms'];
/** Header fields that say where a run's files were, not what it did: never compared. */
export const HEADER_PLACE_FIELDS: readonly string[] = ['scenario', 'fork', 'workers'];
/** Fields compared only on a simulated clock. */
export const REAL_TIME_FIELDS: readonly string[] = ['t', 'deadline'];

/** True when the trace was recorded on the real clock (the simulated clock moves in whole milliseconds). */
export function isRealTimeTrace(events: readonly TraceEvent[]): boolean {
  return events.some((e) => typeof e?.t === 'number' && !Number.isInteger(e.t));
}

/** The paths (a.b.c) where two values differ, at most `max` of them. */
function differingPaths(a: unknown, b: unknown, path: string, ignored: ReadonlySet<string>, out: string[], max: number): void {
  if (out.length >= max || Object.is(a, b)) return;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    out.push(path || '(value)');
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(`${path}.length`);
      return;
    }
    for (let i = 0; i < a.length; i++) differingPaths(a[i], b[i], `${path}[${i}]`, ignored, out, max);
    return;
  }
  const ra = a as Record<string, unknown>,
    rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) {
    if (path === '' && ignored.has(k)) continue;
    differingPaths(ra[k], rb[k], path ? `${path}.${k}` : k, ignored, out, max);
  }
}

/** The fields where two events differ (top-level ignored fields left out); empty when they are the same. */
export function eventDifferences(a: TraceEvent, b: TraceEvent, ignored: ReadonlySet<string>, max = 8): string[] {
  const out: string[] = [];
  differingPaths(a, b, '', ignored, out, max);
  return out;
}

/**
 * How a diff compares the two events at one position: the fields where they differ (at most `max`), leaving out
 * `ignored` (a diff's `ignored`) and, in the run_started header, HEADER_PLACE_FIELDS too.
 */
export function eventComparer(ignored: readonly string[]): (a: TraceEvent, b: TraceEvent, max?: number) => string[] {
  const skip = new Set(ignored);
  const headerSkip = new Set([...ignored, ...HEADER_PLACE_FIELDS]);
  return (a, b, max = 8) => eventDifferences(a, b, a?.type === 'run_started' ? headerSkip : skip, max);
}

/** Compare two traces position by position (event i against event i). */
export function diffTraces(a: readonly TraceEvent[], b: readonly TraceEvent[], options: TraceDiffOptions = {}): TraceDiff {
  const mode = options.time ?? 'auto';
  const ignoreTime = mode === 'ignore' || (mode === 'auto' && (isRealTimeTrace(a) || isRealTimeTrace(b)));
  const ignored = [...WALL_CLOCK_FIELDS, ...(ignoreTime ? REAL_TIME_FIELDS : [])];
  const differ = eventComparer(ignored);
  let differences = Math.abs(a.length - b.length);
  let first: TraceDifference | undefined;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const fields = differ(a[i], b[i], first ? 1 : 8);
    if (fields.length === 0) continue;
    differences++;
    first ??= { index: i, left: a[i], right: b[i], fields };
  }
  if (!first && a.length !== b.length)
    first = { index: n, left: a[n], right: b[n], fields: [a.length > b.length ? 'only in the first trace' : 'only in the second trace'] };
  return { identical: differences === 0, differences, first, ignored, lengths: [a.length, b.length] };
}
