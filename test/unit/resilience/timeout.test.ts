import * as assert from 'node:assert/strict';
import type { TraceEventInput } from '../../../schemas';
import { SimulatedClock } from '../../../runtime/core/clock';
import { TimeoutError, TimeoutPolicy } from '../../../runtime/resilience';

describe('TimeoutPolicy (on the shared clock heap)', () => {
  it('passes a result that arrives in time and clears its timer', async () => {
    const clock = new SimulatedClock();
    const t = new TimeoutPolicy({ route: 'a', timeoutMs: 500, clock });
    const p = t.execute(() => new Promise<string>((r) => clock.setTimer(499, () => r('in time'))));
    await clock.advance(499);
    assert.equal(await p, 'in time');
    assert.equal(clock.pendingTimers, 0);
  });

  it('rejects at the deadline, aborts the call signal and emits a timeout event', async () => {
    const clock = new SimulatedClock();
    const events: TraceEventInput[] = [];
    const t = new TimeoutPolicy({
      route: 'silent',
      timeoutMs: 500,
      clock,
      trace: {
        emit: (e) => {
          events.push(e);
        },
      },
    });
    let signal: AbortSignal | undefined;
    const p = t.execute((ctx) => {
      signal = ctx.signal;
      return new Promise<never>(() => {});
    });
    const check = assert.rejects(p, (e: unknown) => e instanceof TimeoutError && e.message === 'silent did not answer within 500 ms');
    await clock.advance(500);
    await check;
    assert.equal(signal?.aborted, true);
    assert.deepEqual(events, [{ type: 'timeout', waiting: 'silent', deadline: 500 }]);
  });

  it('uses one clock timer per pending call, none left behind after 1000 calls', async () => {
    const clock = new SimulatedClock();
    const t = new TimeoutPolicy({ route: 'a', timeoutMs: 100, clock });
    const calls = Array.from({ length: 1000 }, () => t.execute(() => Promise.resolve(1)));
    assert.equal(clock.pendingTimers, 1000);
    await Promise.all(calls);
    assert.equal(clock.pendingTimers, 0);
  });
});
