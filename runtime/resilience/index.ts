/** Resilience policies: circuit breaker, retry with backoff and jitter, bulkhead, timeout, and their composition. */
export { wrap, noopPolicy, onAbort, PolicyAbortedError, type Policy, type PolicyContext } from './policy';
export {
  breakerStep,
  initialBreakerState,
  checkBreakerConfig,
  windowCounts,
  WINDOW_BUCKETS,
  type BreakerConfig,
  type BreakerEvent,
  type BreakerEffect,
  type BreakerMachineState,
} from './breakerMachine';
export { CircuitBreaker, type CircuitBreakerOptions } from './circuitBreaker';
export {
  bulkheadStep,
  emptyBulkhead,
  type BulkheadConfig,
  type BulkheadEvent,
  type BulkheadEffect,
  type BulkheadMachineState,
} from './bulkheadMachine';
export { Bulkhead, type BulkheadOptions } from './bulkhead';
export { backoffDelay, backoffSchedule, type BackoffConfig, type Jitter } from './backoff';
export { RetryPolicy, isRetryable, sleep, type RetryOptions } from './retry';
export { TimeoutPolicy, type TimeoutOptions } from './timeout';
export { BrokenCircuitError, BulkheadRejectedError, TimeoutError, RetriesExhaustedError, describeError } from './errors';
export { PolicyRegistry, mergePolicies, breakerConfig, retryConfig, POLICY_DEFAULTS, type ResilienceDeps } from './fromSpec';
