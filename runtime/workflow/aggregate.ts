/** Scatter-gather aggregation as a pure decision: given the branch outcomes so far, wait, finish or fail. */

export type AggregatePolicy = 'all' | 'quorum' | 'first' | 'first_n' | 'deadline';

export type BranchOutcome = { status: 'pending' } | { status: 'ok'; output: unknown } | { status: 'failed'; error: string };

export type GatherDecision = { kind: 'wait' } | { kind: 'done' } | { kind: 'failed'; reason: string };

/** How many successful branches `policy` needs out of `n` (quorum defaults to a majority). */
export function needed(policy: AggregatePolicy, n: number, count?: number): number {
  switch (policy) {
    case 'all':
      return n;
    case 'quorum':
      return Math.min(n, count ?? Math.floor(n / 2) + 1);
    case 'first':
      return 1;
    case 'first_n':
      return Math.min(n, count ?? 1);
    case 'deadline':
      return n;
  }
}

/** Decide from the outcomes so far; `deadlinePassed` is true once the deadline policy's time is up. */
export function decide(
  policy: AggregatePolicy,
  outcomes: readonly BranchOutcome[],
  count: number | undefined,
  deadlinePassed = false,
): GatherDecision {
  const n = outcomes.length;
  const ok = outcomes.filter((o) => o.status === 'ok').length;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const pending = n - ok - failed;
  if (policy === 'deadline') {
    if (pending > 0 && !deadlinePassed) return { kind: 'wait' };
    return ok > 0
      ? { kind: 'done' }
      : { kind: 'failed', reason: `no branch answered by the deadline (${failed} failed, ${pending} still pending)` };
  }
  const need = needed(policy, n, count);
  if (ok >= need) return { kind: 'done' };
  if (ok + pending < need) {
    return {
      kind: 'failed',
      reason: `${policy} needs ${need} of ${n} branches but ${failed} failed${ok ? ` and only ${ok} answered` : ''}`,
    };
  }
  return { kind: 'wait' };
}
