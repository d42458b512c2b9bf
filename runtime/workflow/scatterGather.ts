/** Scatter-gather: run branches at once, settle by an aggregation policy, report who answered and who did not. */
import type { Clock } from '../core/clock';
import { describeError } from '../resilience/errors';
import { decide, type AggregatePolicy, type BranchOutcome } from './aggregate';

export interface Branch {
  name: string;
  run: (signal: AbortSignal) => Promise<unknown>;
}

export interface GatherResult {
  ok: boolean;
  policy: AggregatePolicy;
  /** Branch outputs that arrived before the stage settled, in branch order. */
  results: Array<{ agent: string; output: unknown }>;
  errors: Array<{ agent: string; error: string }>;
  answered: string[];
  /** Branches that failed or had not answered when the stage settled. */
  missing: string[];
  reason?: string;
}

export interface GatherOptions {
  policy: AggregatePolicy;
  count?: number;
  deadlineMs?: number;
  clock: Clock;
  signal?: AbortSignal;
}

/** Fan out to every branch and resolve as soon as the policy is met or cannot be met; never rejects. */
export function gather(branches: readonly Branch[], o: GatherOptions): Promise<GatherResult> {
  const outcomes: BranchOutcome[] = branches.map(() => ({ status: 'pending' }));
  const controller = new AbortController();
  return new Promise<GatherResult>((resolve) => {
    let settled = false;
    let deadlinePassed = false;
    const timer =
      o.deadlineMs !== undefined && o.policy === 'deadline'
        ? o.clock.setTimer(o.deadlineMs, () => {
            deadlinePassed = true;
            check();
          })
        : undefined;
    const offOuter = (): void => o.signal?.removeEventListener('abort', onOuterAbort);
    const onOuterAbort = (): void => {
      deadlinePassed = true;
      check();
    };
    o.signal?.addEventListener('abort', onOuterAbort, { once: true });

    function check(): void {
      if (settled) return;
      const d = decide(o.policy, outcomes, o.count, deadlinePassed || (o.signal?.aborted ?? false));
      if (d.kind === 'wait') return;
      settled = true;
      if (timer) o.clock.clearTimer(timer);
      offOuter();
      controller.abort(new Error(`scatter-gather settled (${o.policy})`));
      resolve(summarise(branches, outcomes, o.policy, d.kind === 'done', d.kind === 'failed' ? d.reason : undefined));
    }

    branches.forEach((b, i) => {
      let p: Promise<unknown>;
      try {
        p = b.run(controller.signal);
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        (output) => {
          if (!settled) {
            outcomes[i] = { status: 'ok', output };
            check();
          }
        },
        (e) => {
          if (!settled) {
            outcomes[i] = { status: 'failed', error: describeError(e) };
            check();
          }
        },
      );
    });
    check();
  });
}

function summarise(
  branches: readonly Branch[],
  outcomes: readonly BranchOutcome[],
  policy: AggregatePolicy,
  ok: boolean,
  reason?: string,
): GatherResult {
  const r: GatherResult = { ok, policy, results: [], errors: [], answered: [], missing: [] };
  if (reason) r.reason = reason;
  outcomes.forEach((o, i) => {
    const agent = branches[i].name;
    if (o.status === 'ok') {
      r.results.push({ agent, output: o.output });
      r.answered.push(agent);
      return;
    }
    r.missing.push(agent);
    r.errors.push({ agent, error: o.status === 'failed' ? o.error : 'no answer before the stage settled' });
  });
  return r;
}

/** What a scatter-gather stage feeds the next stage: the answer itself for `first`, else `[{ agent, output }]`. */
export function gatherOutput(r: GatherResult): unknown {
  return r.policy === 'first' ? r.results[0]?.output : r.results;
}
