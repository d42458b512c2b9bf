import * as assert from 'node:assert/strict';
import type { TraceEventInput } from '../../../schemas';
import { SimulatedClock } from '../../../runtime/core/clock';
import { seededRandom } from '../../../runtime/core/random';
import { backoffSchedule, RetriesExhaustedError, RetryPolicy, type Jitter } from '../../../runtime/resilience';

describe('backoff', () => {
  const cfg = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };
  // Seed 7: these exact delays are part of the contract (reproducible runs); a change to the formula shows here.
  const expected: Record<Jitter, number[]> = {
    none: [100, 200, 400, 800, 1000],
    full: [1, 12, 390, 559, 521],
    equal: [50, 106, 395, 679, 760],
    decorrelated: [102, 112, 330, 722, 1000],
  };
  for (const [jitter, delays] of Object.entries(expected) as Array<[Jitter, number[]]>) {
    it(`${jitter} jitter with seed 7 gives ${delays.join(', ')}`, () => {
      assert.deepEqual(backoffSchedule(6, { ...cfg, jitter }, seededRandom(7)), delays);
    });
  }
  it('never exceeds the cap and never goes below zero, for any seed', () => {
    for (let seed = 0; seed < 50; seed++) {
      for (const jitter of ['none', 'full', 'equal', 'decorrelated'] as Jitter[]) {
        for (const d of backoffSchedule(12, { ...cfg, jitter }, seededRandom(seed)))
          assert.ok(d >= 0 && d <= 1000, `${jitter} ${seed}: ${d}`);
      }
    }
  });
});

describe('RetryPolicy', () => {
  const setup = (maxAttempts: number) => {
    const clock = new SimulatedClock();
    const events: TraceEventInput[] = [];
    const policy = new RetryPolicy({
      route: 'flaky',
      maxAttempts,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      multiplier: 2,
      jitter: 'none',
      clock,
      random: seededRandom(1),
      trace: {
        emit: (e) => {
          events.push(e);
        },
      },
    });
    return { clock, events, policy };
  };

  it('retries a flaky call (fails 2 times) after 100 then 200 ms of clock time, with retry events', async () => {
    const { clock, events, policy } = setup(3);
    let calls = 0;
    const seen: number[] = [];
    const p = policy.execute(async (ctx) => {
      calls++;
      seen.push(ctx.attempt!);
      if (calls <= 2) throw new Error(`fail ${calls}`);
      return clock.now();
    });
    await clock.runAll();
    assert.equal(await p, 300, 'succeeded at t = 100 + 200');
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(events, [
      { type: 'retry', route: 'flaky', attempt: 1, delay_ms: 100, error: 'fail 1' },
      { type: 'retry', route: 'flaky', attempt: 2, delay_ms: 200, error: 'fail 2' },
    ]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('gives up after max_attempts with the last error as cause', async () => {
    const { clock, policy } = setup(2);
    const p = policy.execute(async (ctx) => {
      throw new Error(`fail ${ctx.attempt}`);
    });
    const check = assert.rejects(
      p,
      (e: unknown) =>
        e instanceof RetriesExhaustedError &&
        e.attempts === 2 &&
        (e.cause as Error).message === 'fail 2' &&
        e.message === 'flaky failed after 2 attempts: fail 2',
    );
    await clock.runAll();
    await check;
  });

  it('does not retry an error marked retryable = false', async () => {
    const { policy } = setup(5);
    let calls = 0;
    const err = Object.assign(new Error('bad input'), { retryable: false });
    await assert.rejects(
      policy.execute(async () => {
        calls++;
        throw err;
      }),
      /bad input/,
    );
    assert.equal(calls, 1);
  });

  it('stops waiting when the caller aborts during a backoff', async () => {
    const { clock, policy } = setup(5);
    const ac = new AbortController();
    const p = policy.execute(
      async () => {
        throw new Error('x');
      },
      { signal: ac.signal },
    );
    const check = assert.rejects(p, /flaky: call abandoned/);
    await clock.advance(10);
    ac.abort();
    await check;
    assert.equal(clock.pendingTimers, 0, 'the backoff timer was cleared');
  });
});
