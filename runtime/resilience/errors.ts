/** The errors resilience policies raise; each names the route and says what to change. */

/** Raised when a circuit breaker is open (or half-open with every trial slot taken). */
export class BrokenCircuitError extends Error {
  constructor(
    readonly route: string,
    readonly retryAfterMs: number,
  ) {
    super(
      `circuit for ${route} is open: calls are refused${retryAfterMs > 0 ? ` for another ${retryAfterMs} ms` : ' until the trial calls finish'}`,
    );
    this.name = 'BrokenCircuitError';
  }
}

/** Raised when a bulkhead has every slot busy and its queue full. */
export class BulkheadRejectedError extends Error {
  constructor(
    readonly route: string,
    readonly active: number,
    readonly queued: number,
    readonly maxConcurrent: number,
    readonly maxQueue: number,
  ) {
    super(
      `bulkhead for ${route} rejected the call: ${active} running (max_concurrent ${maxConcurrent}) and ${queued} queued (max_queue ${maxQueue}); raise bulkhead.max_queue or max_concurrent, or slow the callers`,
    );
    this.name = 'BulkheadRejectedError';
  }
}

/** Raised when a call outlives its timeout. */
export class TimeoutError extends Error {
  constructor(
    readonly route: string,
    readonly timeoutMs: number,
  ) {
    super(`${route} did not answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** Raised when every attempt failed; `cause` is the last attempt's error. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly route: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`${route} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describeError(cause)}`);
    this.name = 'RetriesExhaustedError';
  }
}

/** A one-line description of anything thrown. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
