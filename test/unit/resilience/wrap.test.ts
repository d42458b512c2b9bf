import * as assert from 'node:assert/strict';
import type { TraceEventInput } from '../../../schemas';
import { SimulatedClock } from '../../../runtime/core/clock';
import { seededRandom } from '../../../runtime/core/random';
import {
  BrokenCircuitError,
  Bulkhead,
  CircuitBreaker,
  mergePolicies,
  noopPolicy,
  PolicyRegistry,
  RetryPolicy,
  TimeoutPolicy,
  wrap,
} from '../../../runtime/resilience';

describe('wrap (composition)', () => {
  it('runs the first policy outermost', async () => {
    const order: string[] = [];
    const tag = (name: string) => ({
      execute: <T>(fn: (c: object) => Promise<T>, c = {}) => {
        order.push(name);
        return fn(c);
      },
    });
    await wrap(tag('a'), tag('b'), tag('c')).execute(async () => {
      order.push('call');
    });
    assert.deepEqual(order, ['a', 'b', 'c', 'call']);
    assert.equal(wrap(), noopPolicy);
  });

  it('wrap(timeout, retry, breaker, bulkhead): a slow agent times out per attempt, trips the breaker, retries stop at an open circuit', async () => {
    const clock = new SimulatedClock();
    const events: TraceEventInput[] = [];
    const trace = {
      emit: (e: TraceEventInput) => {
        events.push(e);
      },
    };
    const breaker = new CircuitBreaker({
      route: 'slow',
      clock,
      trace,
      config: { consecutiveFailures: 2, windowMs: 1000, minCalls: 1, resetTimeoutMs: 60_000, halfOpenMaxCalls: 1 },
    });
    const policy = wrap(
      new RetryPolicy({
        route: 'slow',
        maxAttempts: 4,
        initialDelayMs: 10,
        maxDelayMs: 10,
        multiplier: 1,
        jitter: 'none',
        clock,
        random: seededRandom(1),
        trace,
        shouldRetry: (e) => !(e instanceof BrokenCircuitError),
      }),
      breaker,
      new TimeoutPolicy({ route: 'slow', timeoutMs: 100, clock }),
      new Bulkhead({ route: 'slow', maxConcurrent: 1, maxQueue: 0 }),
    );
    let calls = 0;
    // A well-behaved call gives up when its signal aborts (as bus.request does at its own timeout), freeing the bulkhead slot.
    const p = policy.execute((ctx) => {
      calls++;
      return new Promise<never>((_, reject) => ctx.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const check = assert.rejects(p, BrokenCircuitError);
    await clock.runAll();
    await check;
    assert.equal(calls, 2, 'two timed-out attempts opened the breaker; the third was refused before calling');
    assert.deepEqual(
      events.map((e) => e.type),
      ['retry', 'breaker_state', 'retry'],
    );
    assert.equal(clock.now(), 100 + 10 + 100 + 10);
  });
});

describe('PolicyRegistry and mergePolicies', () => {
  it('merges a stage block over defaults field by field', () => {
    assert.deepEqual(
      mergePolicies(
        { timeout: '1s', retry: { max_attempts: 5, jitter: 'none' } },
        { retry: { max_attempts: 2 }, bulkhead: { max_concurrent: 1 } },
      ),
      { timeout: '1s', retry: { max_attempts: 2, jitter: 'none' }, bulkhead: { max_concurrent: 1 } },
    );
  });
  it('keeps one breaker per route, configured by the first spec', () => {
    const reg = new PolicyRegistry({ clock: new SimulatedClock(), random: seededRandom(1) });
    const a = reg.breaker('agent-a', { consecutive_failures: 1 });
    assert.equal(reg.breaker('agent-a', { consecutive_failures: 9 }), a);
    assert.equal(reg.breaker('agent-b'), undefined);
  });
  it('names the field of a bad duration', () => {
    const reg = new PolicyRegistry({ clock: new SimulatedClock(), random: seededRandom(1) });
    assert.throws(
      () => reg.forCall('agent-a', { retry: { initial_delay: '5 sec' } }),
      /agent-a: retry\.initial_delay: invalid duration "5 sec"/,
    );
  });
});
