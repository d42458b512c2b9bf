/** Retry with exponential backoff, jitter and a cap; waits on the injected Clock and emits `retry` trace events. */
import type { Clock } from '../core/clock';
import type { Random } from '../core/random';
import type { TraceSink } from '../core/types';
import { backoffDelay, type BackoffConfig } from './backoff';
import { describeError, RetriesExhaustedError } from './errors';
import { onAbort, PolicyAbortedError, type Policy, type PolicyContext } from './policy';

export interface RetryOptions extends BackoffConfig {
  route: string;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  clock: Clock;
  random: Random;
  trace?: TraceSink;
  /** Which errors are worth another attempt (default: all but those marked `retryable: false`). */
  shouldRetry?: (error: unknown) => boolean;
}

/** Errors that say retrying cannot help (e.g. a bad request) set `retryable = false`. */
export function isRetryable(error: unknown): boolean {
  return !(typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false);
}

/** A retry policy. On giving up it throws RetriesExhaustedError whose `cause` is the last error. */
export class RetryPolicy implements Policy {
  constructor(private readonly opts: RetryOptions) {
    if (!(opts.maxAttempts >= 1)) throw new Error(`retry for ${opts.route}: max_attempts must be at least 1`);
  }

  async execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx: PolicyContext = {}): Promise<T> {
    const { maxAttempts, clock, random, route } = this.opts;
    const shouldRetry = this.opts.shouldRetry ?? isRetryable;
    let previous = this.opts.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn({ ...ctx, attempt });
      } catch (e) {
        if (attempt >= maxAttempts || !shouldRetry(e) || ctx.signal?.aborted) {
          if (maxAttempts === 1 || !shouldRetry(e)) throw e;
          throw new RetriesExhaustedError(route, attempt, e);
        }
        const delay = backoffDelay(attempt, previous, this.opts, random);
        previous = delay;
        this.opts.trace?.emit({ type: 'retry', route, attempt, delay_ms: delay, error: describeError(e) });
        await sleep(clock, delay, ctx.signal, route);
      }
    }
  }
}

/** Wait `ms` on the clock's shared timer heap; rejects early if `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined, route: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = clock.setTimer(ms, () => {
      off();
      resolve();
    });
    const off = onAbort(signal, () => {
      clock.clearTimer(timer);
      reject(new PolicyAbortedError(route, signal?.reason));
    });
  });
}
