import * as assert from 'node:assert/strict';
import {
  breakerStep,
  checkBreakerConfig,
  initialBreakerState,
  windowCounts,
  type BreakerConfig,
  type BreakerEffect,
  type BreakerMachineState,
} from '../../../runtime/resilience/breakerMachine';

/** Drive the pure machine through a script, collecting every effect. */
function drive(config: BreakerConfig, script: Array<['request' | 'success' | 'failure', number]>, from = initialBreakerState()) {
  let s: BreakerMachineState = from;
  const log: Array<{ state: string; effects: readonly BreakerEffect[] }> = [];
  let gen = s.gen;
  for (const [type, now] of script) {
    const step = type === 'request' ? breakerStep(s, { type, now }, config) : breakerStep(s, { type, now, gen }, config);
    s = step.state;
    for (const fx of step.effects) if (fx.kind === 'admit') gen = fx.gen;
    log.push({ state: s.name, effects: step.effects });
  }
  return { state: s, log };
}

const consecutive: BreakerConfig = { consecutiveFailures: 3, windowMs: 10_000, minCalls: 5, resetTimeoutMs: 1000, halfOpenMaxCalls: 2 };

describe('breaker machine (pure)', () => {
  it('closed -> open after N consecutive failures; a success resets the count', () => {
    const { log } = drive(consecutive, [
      ['request', 0],
      ['failure', 1],
      ['request', 2],
      ['failure', 3],
      ['request', 4],
      ['success', 5],
      ['request', 6],
      ['failure', 7],
      ['request', 8],
      ['failure', 9],
      ['request', 10],
      ['failure', 11],
    ]);
    assert.deepEqual(
      log.map((l) => l.state),
      ['closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'open'],
    );
    assert.deepEqual(log[11].effects, [{ kind: 'transition', from: 'closed', to: 'open', failures: 3 }]);
  });

  it('open rejects with the time left, then half-opens at reset_timeout', () => {
    const opened = drive(consecutive, [
      ['request', 0],
      ['failure', 0],
      ['request', 0],
      ['failure', 0],
      ['request', 0],
      ['failure', 100],
    ]).state;
    assert.equal(opened.name, 'open');
    const early = breakerStep(opened, { type: 'request', now: 600 }, consecutive);
    assert.deepEqual(early.effects, [{ kind: 'reject', retryAfterMs: 500 }]);
    const late = breakerStep(opened, { type: 'request', now: 1100 }, consecutive);
    assert.equal(late.state.name, 'half_open');
    assert.deepEqual(late.effects, [
      { kind: 'transition', from: 'open', to: 'half_open', failures: 3 },
      { kind: 'admit', gen: late.state.gen },
    ]);
  });

  it('half-open admits exactly half_open_max_calls trials; all succeeding closes it', () => {
    let s: BreakerMachineState = { name: 'open', gen: 1, openedAt: 0, failures: 3 };
    const t1 = breakerStep(s, { type: 'request', now: 1000 }, consecutive);
    s = t1.state;
    const t2 = breakerStep(s, { type: 'request', now: 1000 }, consecutive);
    s = t2.state;
    const t3 = breakerStep(s, { type: 'request', now: 1000 }, consecutive);
    assert.deepEqual(t2.effects, [{ kind: 'admit', gen: 2 }]);
    assert.deepEqual(t3.effects, [{ kind: 'reject', retryAfterMs: 0 }], 'a third trial is refused');
    const ok1 = breakerStep(s, { type: 'success', now: 1001, gen: 2 }, consecutive);
    s = ok1.state;
    assert.equal(s.name, 'half_open');
    assert.deepEqual(ok1.effects, []);
    const ok2 = breakerStep(s, { type: 'success', now: 1002, gen: 2 }, consecutive);
    assert.equal(ok2.state.name, 'closed');
    assert.deepEqual(ok2.effects, [{ kind: 'transition', from: 'half_open', to: 'closed', failures: 0 }]);
  });

  it('a failed trial re-opens and restarts the reset timeout', () => {
    const s: BreakerMachineState = { name: 'half_open', gen: 2, admitted: 2, succeeded: 1 };
    const r = breakerStep(s, { type: 'failure', now: 1500, gen: 2 }, consecutive);
    assert.deepEqual(r.state, { name: 'open', gen: 3, openedAt: 1500, failures: 1 });
    assert.deepEqual(r.effects, [{ kind: 'transition', from: 'half_open', to: 'open', failures: 1 }]);
  });

  it('an abandoned trial (cancelled) frees its half-open slot without closing or opening', () => {
    const s: BreakerMachineState = { name: 'half_open', gen: 2, admitted: 1, succeeded: 0 };
    const r = breakerStep(s, { type: 'cancelled', now: 1500, gen: 2 }, { ...consecutive, halfOpenMaxCalls: 1 });
    assert.deepEqual(r.state, { name: 'half_open', gen: 2, admitted: 0, succeeded: 0 });
    assert.deepEqual(breakerStep(r.state, { type: 'request', now: 1501 }, { ...consecutive, halfOpenMaxCalls: 1 }).effects, [
      { kind: 'admit', gen: 2 },
    ]);
  });

  it('ignores outcomes of calls admitted before the last transition', () => {
    const s: BreakerMachineState = { name: 'half_open', gen: 2, admitted: 1, succeeded: 0 };
    const stale = breakerStep(s, { type: 'failure', now: 1500, gen: 1 }, consecutive);
    assert.equal(stale.state, s);
    assert.deepEqual(stale.effects, []);
  });

  describe('rate-based (sliding window, min calls)', () => {
    const rate: BreakerConfig = { failureRate: 0.5, windowMs: 1000, minCalls: 4, resetTimeoutMs: 1000, halfOpenMaxCalls: 1 };
    it('does not open before min_calls even at 100% failures', () => {
      const { state } = drive(rate, [
        ['request', 0],
        ['failure', 0],
        ['request', 0],
        ['failure', 0],
        ['request', 0],
        ['failure', 0],
      ]);
      assert.equal(state.name, 'closed');
      assert.deepEqual(windowCounts(state, 0, 1000), { calls: 3, failures: 3 });
    });
    it('opens when failures / calls reaches the rate with min_calls in the window', () => {
      const { state, log } = drive(rate, [
        ['request', 0],
        ['success', 0],
        ['request', 0],
        ['failure', 10],
        ['request', 20],
        ['success', 20],
        ['request', 30],
        ['failure', 30],
      ]);
      assert.equal(state.name, 'open');
      assert.deepEqual(log[7].effects, [{ kind: 'transition', from: 'closed', to: 'open', failures: 2 }]);
    });
    it('forgets outcomes that slid out of the window', () => {
      const { state } = drive(rate, [
        ['request', 0],
        ['failure', 0],
        ['request', 0],
        ['failure', 50],
        ['request', 1200],
        ['success', 1200],
        ['request', 1300],
        ['failure', 1300],
      ]);
      assert.equal(state.name, 'closed', 'the two early failures are older than the window');
      assert.deepEqual(windowCounts(state, 1300, 1000), { calls: 2, failures: 1 });
    });
  });

  it('explains a config that cannot work', () => {
    assert.deepEqual(checkBreakerConfig({ windowMs: 1, minCalls: 1, resetTimeoutMs: 1, halfOpenMaxCalls: 0 }), [
      'set consecutive_failures or failure_rate',
      'half_open_max_calls must be at least 1',
    ]);
  });
});
