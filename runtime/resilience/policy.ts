/** The policy contract shared by timeout, retry, circuit breaker and bulkhead, and `wrap` to compose them. */

/** What a policy passes down to the call it guards. */
export interface PolicyContext {
  /** Aborted when an outer policy (a timeout, a cancelled retry) gives up on the call. */
  signal?: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, ... (set by a retry policy). */
  attempt?: number;
}

/** A resilience policy: runs `fn` under some rule (time limit, retries, breaker, concurrency limit). */
export interface Policy {
  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx?: PolicyContext): Promise<T>;
}

/** A policy that just calls through. */
export const noopPolicy: Policy = {
  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx: PolicyContext = {}): Promise<T> {
    return fn(ctx);
  },
};

/** Compose policies, the first outermost: `wrap(retry, breaker, timeout)` retries calls that the breaker admits. */
export function wrap(...policies: Policy[]): Policy {
  const list = policies.filter((p) => p !== noopPolicy);
  if (list.length === 0) return noopPolicy;
  if (list.length === 1) return list[0];
  return {
    execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx: PolicyContext = {}): Promise<T> {
      const run = (i: number, c: PolicyContext): Promise<T> =>
        i === list.length ? fn(c) : list[i].execute((inner) => run(i + 1, inner), c);
      return run(0, ctx);
    },
  };
}

/** Raised when the caller's signal is aborted while a policy waits (a backoff delay, a bulkhead queue). */
export class PolicyAbortedError extends Error {
  constructor(
    readonly route: string,
    reason?: unknown,
  ) {
    super(`${route}: call abandoned${reason instanceof Error ? ` (${reason.message})` : ''}`);
    this.name = 'PolicyAbortedError';
  }
}

/** Run `onAbort` if `signal` aborts; returns a function that removes the listener. */
export function onAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
