import * as assert from 'node:assert/strict';
import type { TraceEventInput } from '../../../schemas';
import { SimulatedClock } from '../../../runtime/core/clock';
import { BrokenCircuitError, CircuitBreaker, PolicyAbortedError } from '../../../runtime/resilience';

describe('CircuitBreaker (driver on a simulated clock)', () => {
  const setup = () => {
    const clock = new SimulatedClock();
    const events: TraceEventInput[] = [];
    const breaker = new CircuitBreaker({
      route: 'flaky',
      clock,
      trace: {
        emit: (e) => {
          events.push(e);
        },
      },
      config: { consecutiveFailures: 2, windowMs: 10_000, minCalls: 5, resetTimeoutMs: 1000, halfOpenMaxCalls: 2 },
    });
    const fail = () => breaker.execute(() => Promise.reject(new Error('boom')));
    const pass = () => breaker.execute(() => Promise.resolve('ok'));
    return { clock, events, breaker, fail, pass };
  };

  it('walks closed -> open -> half_open -> open -> half_open -> closed, one breaker_state event per transition', async () => {
    const { clock, events, breaker, fail, pass } = setup();
    await assert.rejects(fail(), /boom/);
    assert.equal(breaker.state, 'closed');
    await assert.rejects(fail(), /boom/);
    assert.equal(breaker.state, 'open');
    await assert.rejects(
      pass(),
      (e: unknown) => e instanceof BrokenCircuitError && e.retryAfterMs === 1000 && /circuit for flaky is open/.test(e.message),
    );
    await clock.advance(999);
    await assert.rejects(pass(), BrokenCircuitError);
    await clock.advance(1);
    await assert.rejects(fail(), /boom/, 'the first trial fails');
    assert.equal(breaker.state, 'open');
    await clock.advance(1000);
    assert.equal(await pass(), 'ok');
    assert.equal(breaker.state, 'half_open', 'one of two trials done');
    assert.equal(await pass(), 'ok');
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(
      events.map((e) => (e.type === 'breaker_state' ? `${e.from}->${e.to}:${e.failures}` : e.type)),
      ['closed->open:2', 'open->half_open:2', 'half_open->open:1', 'open->half_open:1', 'half_open->closed:0'],
    );
  });

  it('admits only half_open_max_calls concurrent trials', async () => {
    const { clock, breaker, fail } = setup();
    await assert.rejects(fail());
    await assert.rejects(fail());
    await clock.advance(1000);
    const gates: Array<() => void> = [];
    const slow = () => breaker.execute(() => new Promise<string>((r) => gates.push(() => r('late'))));
    const a = slow(),
      b = slow();
    await assert.rejects(slow(), (e: unknown) => e instanceof BrokenCircuitError && /until the trial calls finish/.test(e.message));
    gates.forEach((g) => g());
    assert.deepEqual(await Promise.all([a, b]), ['late', 'late']);
    assert.equal(breaker.state, 'closed');
  });

  it('a call its caller abandoned (PolicyAbortedError) is not a failure of the agent', async () => {
    const { breaker } = setup();
    for (let i = 0; i < 3; i++) await assert.rejects(breaker.execute(() => Promise.reject(new PolicyAbortedError('flaky'))));
    assert.equal(breaker.state, 'closed');
  });

  it('isFailure lets expected errors through without counting', async () => {
    const clock = new SimulatedClock();
    const breaker = new CircuitBreaker({
      route: 'r',
      clock,
      config: { consecutiveFailures: 1, windowMs: 1, minCalls: 1, resetTimeoutMs: 1, halfOpenMaxCalls: 1 },
      isFailure: (e) => !(e instanceof RangeError),
    });
    await assert.rejects(breaker.execute(() => Promise.reject(new RangeError('expected'))));
    assert.equal(breaker.state, 'closed');
  });

  it('refuses a config with no threshold, naming the route', () => {
    assert.throws(
      () =>
        new CircuitBreaker({
          route: 'x',
          clock: new SimulatedClock(),
          config: { windowMs: 1, minCalls: 1, resetTimeoutMs: 1, halfOpenMaxCalls: 1 },
        }),
      /circuit_breaker for x: set consecutive_failures or failure_rate/,
    );
  });
});
