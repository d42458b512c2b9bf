/** The drivers' fast paths must give the pure machines' answers: random call sequences, compared step by step. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { SimulatedClock } from '../../../runtime/core/clock';
import {
  breakerStep,
  CircuitBreaker,
  initialBreakerState,
  type BreakerConfig,
  type BreakerMachineState,
} from '../../../runtime/resilience';

const configs: BreakerConfig[] = [
  { consecutiveFailures: 2, windowMs: 1000, minCalls: 3, resetTimeoutMs: 300, halfOpenMaxCalls: 2 },
  { failureRate: 0.5, windowMs: 1000, minCalls: 3, resetTimeoutMs: 300, halfOpenMaxCalls: 1 },
];

describe('CircuitBreaker driver vs breakerStep', () => {
  for (const config of configs) {
    it(`agree on every admit/reject and state (${config.consecutiveFailures ? 'consecutive' : 'rate'})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 200 })), { maxLength: 40 }), async (calls) => {
          const clock = new SimulatedClock();
          const breaker = new CircuitBreaker({ route: 'r', clock, config });
          let model: BreakerMachineState = initialBreakerState();
          for (const [ok, wait] of calls) {
            await clock.advance(wait);
            const req = breakerStep(model, { type: 'request', now: clock.now() }, config);
            model = req.state;
            const admit = req.effects.find((e) => e.kind === 'admit' || e.kind === 'reject')!;
            let admitted = true;
            await breaker
              .execute(() => (ok ? Promise.resolve(1) : Promise.reject(new Error('x'))))
              .catch((e: Error) => {
                if (e.name === 'BrokenCircuitError') admitted = false;
              });
            assert.equal(admitted, admit.kind === 'admit');
            if (admit.kind === 'admit')
              model = breakerStep(model, { type: ok ? 'success' : 'failure', now: clock.now(), gen: admit.gen }, config).state;
            assert.equal(breaker.state, model.name);
          }
        }),
        { numRuns: 200, seed: 42 },
      );
    });
  }
});
