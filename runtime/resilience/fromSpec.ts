/** Build policies from the pipeline schema's policy blocks (durations parsed once, defaults in one place). */
import type { BreakerSpec, BulkheadSpec, PolicySpec, RetrySpec } from '../../schemas';
import type { Clock } from '../core/clock';
import { durationOr, parseDuration } from '../../schemas/limits';
import type { Random } from '../core/random';
import type { TraceSink } from '../core/types';
import type { BreakerConfig } from './breakerMachine';
import { Bulkhead } from './bulkhead';
import { CircuitBreaker } from './circuitBreaker';
import { noopPolicy, wrap, type Policy } from './policy';
import { RetryPolicy, type RetryOptions } from './retry';
import { TimeoutPolicy } from './timeout';

/** Defaults for fields a policy block leaves out (documented in docs/resilience.md). */
export const POLICY_DEFAULTS = {
  retry: { max_attempts: 3, initial_delay: 100, max_delay: 10_000, multiplier: 2, jitter: 'full' as const },
  breaker: { window: 10_000, min_calls: 5, reset_timeout: 10_000, half_open_max_calls: 1 },
  bulkhead: { max_queue: 0 },
};

export interface ResilienceDeps {
  clock: Clock;
  random: Random;
  trace?: TraceSink;
}

/** A circuit_breaker block as a BreakerConfig; `where` names the block in errors. */
export function breakerConfig(spec: BreakerSpec, where = 'circuit_breaker'): BreakerConfig {
  const d = POLICY_DEFAULTS.breaker;
  return {
    consecutiveFailures: spec.consecutive_failures,
    failureRate: spec.failure_rate,
    windowMs: durationOr(spec.window, d.window, `${where}.window`),
    minCalls: spec.min_calls ?? d.min_calls,
    resetTimeoutMs: durationOr(spec.reset_timeout, d.reset_timeout, `${where}.reset_timeout`),
    halfOpenMaxCalls: spec.half_open_max_calls ?? d.half_open_max_calls,
  };
}

/** A retry block as RetryPolicy options (without route and deps). */
export function retryConfig(
  spec: RetrySpec,
  where = 'retry',
): Pick<RetryOptions, 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs' | 'multiplier' | 'jitter'> {
  const d = POLICY_DEFAULTS.retry;
  return {
    maxAttempts: spec.max_attempts ?? d.max_attempts,
    initialDelayMs: durationOr(spec.initial_delay, d.initial_delay, `${where}.initial_delay`),
    maxDelayMs: durationOr(spec.max_delay, d.max_delay, `${where}.max_delay`),
    multiplier: spec.multiplier ?? d.multiplier,
    jitter: spec.jitter ?? d.jitter,
  };
}

/** Merge a stage's policy blocks over the pipeline's defaults, field by field. */
export function mergePolicies(defaults: PolicySpec | undefined, own: PolicySpec): PolicySpec {
  const d = defaults ?? {};
  const pick = <K extends keyof PolicySpec>(k: K): PolicySpec[K] => {
    const a = d[k],
      b = own[k];
    if (a === undefined) return b;
    if (b === undefined) return a;
    return (typeof a === 'object' && typeof b === 'object' ? { ...a, ...b } : b) as PolicySpec[K];
  };
  const out: PolicySpec = {};
  for (const k of ['timeout', 'retry', 'circuit_breaker', 'bulkhead'] as const) {
    const v = pick(k);
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/**
 * Policies shared per route: one circuit breaker and one bulkhead per agent (the first spec seen for an agent
 * configures it), a fresh retry and timeout per call site.
 */
export class PolicyRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly bulkheads = new Map<string, Bulkhead>();

  constructor(private readonly deps: ResilienceDeps) {}

  /** The breaker of `route`, created from `spec` on first use; undefined when neither exists. */
  breaker(route: string, spec?: BreakerSpec): CircuitBreaker | undefined {
    let b = this.breakers.get(route);
    if (!b && spec) {
      b = new CircuitBreaker({
        route,
        config: breakerConfig(spec, `${route}: circuit_breaker`),
        clock: this.deps.clock,
        trace: this.deps.trace,
      });
      this.breakers.set(route, b);
    }
    return b;
  }

  /** The bulkhead of `route`, created from `spec` on first use. */
  bulkhead(route: string, spec?: BulkheadSpec): Bulkhead | undefined {
    let b = this.bulkheads.get(route);
    if (!b && spec) {
      b = new Bulkhead({
        route,
        trace: this.deps.trace,
        maxConcurrent: spec.max_concurrent ?? Number.MAX_SAFE_INTEGER,
        maxQueue: spec.max_queue ?? POLICY_DEFAULTS.bulkhead.max_queue,
      });
      this.bulkheads.set(route, b);
    }
    return b;
  }

  /** A retry policy for `route` (noop without a spec). */
  retry(route: string, spec?: RetrySpec): Policy {
    if (!spec) return noopPolicy;
    return new RetryPolicy({
      route,
      ...retryConfig(spec, `${route}: retry`),
      clock: this.deps.clock,
      random: this.deps.random,
      trace: this.deps.trace,
    });
  }

  /** A timeout for `route` (noop without a duration). */
  timeout(route: string, timeout?: PolicySpec['timeout']): Policy {
    if (timeout === undefined) return noopPolicy;
    return new TimeoutPolicy({
      route,
      timeoutMs: parseDuration(timeout, `${route}: timeout`),
      clock: this.deps.clock,
      trace: this.deps.trace,
    });
  }

  /** What guards one call to an agent: its breaker, then a timeout, then its bulkhead (queue time counts). */
  forAgent(route: string, spec: PolicySpec): Policy {
    const breaker = this.breaker(route, spec.circuit_breaker);
    const bulkhead = this.bulkhead(route, spec.bulkhead);
    return wrap(breaker ?? noopPolicy, this.timeout(route, spec.timeout), bulkhead ?? noopPolicy);
  }

  /** The whole chain for one call site: retry around forAgent. */
  forCall(route: string, spec: PolicySpec): Policy {
    return wrap(this.retry(route, spec.retry), this.forAgent(route, spec));
  }
}
