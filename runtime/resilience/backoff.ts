/** Exponential backoff with jitter, as a pure function of the retry number, the previous delay and a Random. */
import type { Random } from '../core/random';

export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

export interface BackoffConfig {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  jitter: Jitter;
}

/**
 * The delay before retry number `retry` (1 = the first retry), in whole milliseconds, never above the cap.
 * none: initial * multiplier^(retry-1); full: uniform in [0, that]; equal: half of it plus uniform in the other half;
 * decorrelated (AWS): uniform in [initial, previous * 3].
 */
export function backoffDelay(retry: number, previousMs: number, c: BackoffConfig, random: Random): number {
  const exp = Math.min(c.maxDelayMs, c.initialDelayMs * Math.pow(c.multiplier, retry - 1));
  let d: number;
  switch (c.jitter) {
    case 'none':
      d = exp;
      break;
    case 'full':
      d = random.next() * exp;
      break;
    case 'equal':
      d = exp / 2 + random.next() * (exp / 2);
      break;
    case 'decorrelated': {
      const prev = retry === 1 ? c.initialDelayMs : previousMs;
      const hi = Math.max(c.initialDelayMs, prev * 3);
      d = c.initialDelayMs + random.next() * (hi - c.initialDelayMs);
      break;
    }
  }
  return Math.floor(Math.min(c.maxDelayMs, d));
}

/** The delays of every retry of `attempts` attempts (attempts - 1 delays), drawing from `random` in order. */
export function backoffSchedule(attempts: number, c: BackoffConfig, random: Random): number[] {
  const out: number[] = [];
  let prev = c.initialDelayMs;
  for (let r = 1; r < attempts; r++) {
    prev = backoffDelay(r, prev, c, random);
    out.push(prev);
  }
  return out;
}
