/**
 * What `caxton run` needs to run a scenario's `pattern:` block: a blackboard service to hand the runtime before the
 * agents start (for `kind: blackboard`), starting the pattern once they run, and checking `expect.pattern`
 * against the outcome (a partial match: every field given must equal the outcome's).
 */
import type { CoordinationContext, TraceSink } from '../core/types';
import type { Clock } from '../core/clock';
import type { FipaMessage } from '../../schemas';
import { Blackboard } from './blackboard';
import { runPattern, type PatternSpec } from './registry';
import type { PatternOutcome } from './machine';
import { PatternSpecError } from './spec';

export interface PreparedPattern {
  /** Pass to the Runtime (RuntimeOptions.blackboard) so agents' blackboard host calls reach the pattern's board. */
  blackboard?: Blackboard;
  /** Start the pattern on the running runtime; resolves with its outcome. */
  start(ctx: CoordinationContext): Promise<PatternOutcome>;
}

/** Prepare a scenario's pattern block; throws PatternSpecError (field + fix) for a block that cannot run. */
export function preparePattern(pattern: Record<string, unknown>): PreparedPattern {
  if (!pattern || typeof pattern !== 'object' || typeof pattern.kind !== 'string') {
    throw new PatternSpecError('kind', 'is missing', 'write e.g. pattern: { kind: contract_net, ... }');
  }
  const spec = pattern as PatternSpec;
  if (spec.kind !== 'blackboard') return { start: (ctx) => runPattern(spec, ctx) };
  // The board exists before the runtime, so it reaches the runtime lazily, once started.
  let ctx: CoordinationContext | undefined;
  const board = new Blackboard({
    name: typeof spec.coordinator === 'string' ? spec.coordinator : 'blackboard',
    clock: { now: () => (ctx ? ctx.clock.now() : 0) } as Pick<Clock, 'now'>,
    trace: { emit: (e) => ctx?.trace.emit(e) } as TraceSink,
    notify: (m: FipaMessage) => ctx?.bus.send(m),
    isAlive: (a) => !ctx || ctx.agentNames().includes(a),
  });
  return {
    blackboard: board,
    start: (c) => {
      ctx = c;
      return runPattern({ ...spec, board }, c);
    },
  };
}

/** Check `expect.pattern` (a partial outcome) against the outcome; one line per field. */
export function checkPatternExpectation(
  want: unknown,
  outcome: PatternOutcome | undefined,
): Array<{ name: string; ok: boolean; detail: string }> {
  if (want === undefined) return [];
  if (!outcome) return [{ name: 'pattern', ok: false, detail: 'the pattern did not finish' }];
  if (!want || typeof want !== 'object')
    return [{ name: 'pattern', ok: false, detail: 'expect.pattern must be a map of outcome fields, e.g. { winner: bidder-2 }' }];
  return Object.entries(want as Record<string, unknown>).map(([k, v]) => {
    const got = outcome[k];
    const ok = partialEqual(got, v);
    return { name: `pattern.${k}`, ok, detail: `pattern ${k}: ${JSON.stringify(got)}${ok ? '' : `, expected ${JSON.stringify(v)}`}` };
  });
}

function partialEqual(actual: unknown, want: unknown): boolean {
  if (want === null || typeof want !== 'object') return actual === want;
  if (!actual || typeof actual !== 'object') return false;
  if (Array.isArray(want))
    return Array.isArray(actual) && actual.length === want.length && want.every((w, i) => partialEqual(actual[i], w));
  return Object.entries(want).every(([k, v]) => partialEqual((actual as Record<string, unknown>)[k], v));
}
