/**
 * Per-call overhead of our breaker, retry, bulkhead, timeout (and the four composed) next to cockatiel 3 and
 * opossum 8, on the same workload: a call that returns an already-resolved promise, awaited in sequence.
 * Overhead = (time with the policy - time of the bare call) / calls; the median of several runs. No assertions.
 * opossum has no retry or standalone bulkhead/timeout: its rows are a breaker with `capacity` / `timeout` set.
 */
import {
  BulkheadPolicy,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleAll,
  retry,
  SamplingBreaker,
  timeout,
  TimeoutStrategy,
  wrap as cwrap,
} from 'cockatiel';
import OpossumBreaker from 'opossum';
import { RealClock } from '../runtime/core/clock';
import { seededRandom } from '../runtime/core/random';
import { Bulkhead, CircuitBreaker, RetryPolicy, TimeoutPolicy, wrap } from '../runtime/resilience';

const CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const work = (): Promise<number> => Promise.resolve(1);

type Runner = () => Promise<unknown>;

/** Nanoseconds per call of CALLS sequential calls of `run`. */
async function sample(run: Runner): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await run();
  return Number(process.hrtime.bigint() - t0) / CALLS;
}

/**
 * Median ns per call of each runner over RUNS rounds (after a warm-up round). The runners take turns within a
 * round, so load from other processes on a shared machine hits them alike instead of skewing one column.
 */
async function measureSideBySide(runners: Array<Runner | undefined>): Promise<Array<number | undefined>> {
  const samples: number[][] = runners.map(() => []);
  for (const r of runners) if (r) await sample(r);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, r] of runners.entries()) if (r) samples[i].push(await sample(r));
  }
  return samples.map((xs, i) => {
    if (!runners[i]) return undefined;
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  });
}

function ours() {
  const clock = new RealClock();
  const breaker = new CircuitBreaker({
    route: 'bench',
    clock,
    config: { consecutiveFailures: 5, windowMs: 10_000, minCalls: 5, resetTimeoutMs: 30_000, halfOpenMaxCalls: 1 },
  });
  const rateBreaker = new CircuitBreaker({
    route: 'bench',
    clock,
    config: { failureRate: 0.5, windowMs: 10_000, minCalls: 20, resetTimeoutMs: 30_000, halfOpenMaxCalls: 1 },
  });
  const retryP = new RetryPolicy({
    route: 'bench',
    clock,
    random: seededRandom(1),
    maxAttempts: 3,
    initialDelayMs: 100,
    maxDelayMs: 1000,
    multiplier: 2,
    jitter: 'full',
  });
  const bulkhead = new Bulkhead({ route: 'bench', maxConcurrent: 10, maxQueue: 0 });
  const timeoutP = new TimeoutPolicy({ route: 'bench', clock, timeoutMs: 1000 });
  const all = wrap(retryP, breaker, timeoutP, bulkhead);
  return {
    breaker: () => breaker.execute(work),
    breakerRate: () => rateBreaker.execute(work),
    retry: () => retryP.execute(work),
    bulkhead: () => bulkhead.execute(work),
    timeout: () => timeoutP.execute(work),
    all: () => all.execute(work),
  };
}

function cockatiel() {
  const breaker = circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) });
  const rateBreaker = circuitBreaker(handleAll, {
    halfOpenAfter: 30_000,
    breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 2 }),
  });
  const retryP = retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }) });
  const bulkhead = new BulkheadPolicy(10, 0);
  const timeoutP = timeout(1000, TimeoutStrategy.Cooperative);
  const all = cwrap(retryP, breaker, timeoutP, bulkhead);
  return {
    breaker: () => breaker.execute(work),
    breakerRate: () => rateBreaker.execute(work),
    retry: () => retryP.execute(work),
    bulkhead: () => bulkhead.execute(work),
    timeout: () => timeoutP.execute(work),
    all: () => all.execute(work),
  };
}

function opossum() {
  const plain = new OpossumBreaker(work, { timeout: false, resetTimeout: 30_000, errorThresholdPercentage: 50 });
  const capacity = new OpossumBreaker(work, { timeout: false, resetTimeout: 30_000, capacity: 10 });
  const timed = new OpossumBreaker(work, { timeout: 1000, resetTimeout: 30_000 });
  return {
    breaker: () => plain.fire(),
    bulkhead: () => capacity.fire(),
    timeout: () => timed.fire(),
    all: () => timed.fire(),
    shutdown: () => {
      plain.shutdown();
      capacity.shutdown();
      timed.shutdown();
    },
  };
}

const fmt = (ns: number | undefined): string => (ns === undefined ? 'n/a' : `${ns.toFixed(0)} ns`);
const ratio = (a: number | undefined, b: number): string => (a === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`);

/** Print the table: per-call overhead (ns) and how many times ours the others cost. */
export async function run(): Promise<void> {
  console.log(`${CALLS} sequential calls of a resolved promise, median of ${RUNS} runs, Node ${process.version}`);
  const o = ours(),
    c = cockatiel(),
    p = opossum();
  const rows: Array<[string, Runner, Runner | undefined, Runner | undefined]> = [
    ['breaker (consecutive)', o.breaker, c.breaker, p.breaker],
    ['breaker (rate window)', o.breakerRate, c.breakerRate, p.breaker],
    ['retry (no failures)', o.retry, c.retry, undefined],
    ['bulkhead (uncontended)', o.bulkhead, c.bulkhead, p.bulkhead],
    ['timeout (1 s, not hit)', o.timeout, c.timeout, p.timeout],
    ['all four composed', o.all, c.all, p.all],
  ];
  console.log('per-call overhead over the bare call (ns); ratios > 1 mean the other library costs more than ours');
  console.log(
    [
      'policy'.padEnd(24),
      'caxton'.padStart(9),
      'cockatiel'.padStart(10),
      'opossum'.padStart(9),
      'cockatiel/caxton'.padStart(17),
      'opossum/caxton'.padStart(15),
    ].join(' '),
  );
  for (const [name, mine, theirs, poss] of rows) {
    const [base, a0, b0, d0] = await measureSideBySide([work, mine, theirs, poss]);
    const over = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.max(1, x - base!));
    const a = over(a0)!,
      b = over(b0),
      d = over(d0);
    console.log(
      [
        name.padEnd(24),
        fmt(a).padStart(9),
        fmt(b).padStart(10),
        fmt(d).padStart(9),
        ratio(b, a).padStart(17),
        ratio(d, a).padStart(15),
      ].join(' '),
    );
  }
  p.shutdown();
}
