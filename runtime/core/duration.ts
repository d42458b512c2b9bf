/** Durations as the schemas write them: a number of milliseconds, or `250ms`, `5s`, `1.5m`, `1h`. */
import type { Duration } from '../../schemas';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)\s*$/;

/** Raised for a duration that is neither a non-negative number nor `<number><ms|s|m|h>`. */
export class DurationError extends Error {
  constructor(readonly value: unknown, readonly where?: string) {
    super(`${where ? `${where}: ` : ''}invalid duration ${JSON.stringify(value)}; write a number of milliseconds or a string such as '250ms', '5s', '2m', '1h'`);
    this.name = 'DurationError';
  }
}

/** Parse a schema duration to milliseconds; `where` names the field in the error (e.g. `stages[2].timeout`). */
export function parseDuration(value: Duration, where?: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new DurationError(value, where);
    return value;
  }
  if (typeof value !== 'string') throw new DurationError(value, where);
  const m = PATTERN.exec(value);
  if (!m) throw new DurationError(value, where);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

/** Like parseDuration, but `undefined` gives `fallback`. */
export function durationOr(value: Duration | undefined, fallback: number, where?: string): number {
  return value === undefined ? fallback : parseDuration(value, where);
}
