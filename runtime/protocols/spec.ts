/** Checking pattern options at the entry point: a clear error naming the field and the fix, never a crash later. */
import type { Duration } from '../../schemas';
import { parseDuration } from '../../schemas/limits';

/** Raised for a pattern spec that cannot run; `field` is the path inside the spec (e.g. `pattern.increment`). */
export class PatternSpecError extends Error {
  constructor(
    readonly field: string,
    problem: string,
    fix: string,
  ) {
    super(`pattern.${field}: ${problem}; ${fix}`);
    this.name = 'PatternSpecError';
  }
}

/** A duration option in ms, or the fallback. */
export function msOption(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value as Duration);
  } catch {
    throw new PatternSpecError(field, `invalid duration ${JSON.stringify(value)}`, "write milliseconds or a string such as '500ms', '2s'");
  }
}

/** A finite number option (optionally positive / non-negative), or the fallback. */
export function numberOption(
  value: unknown,
  field: string,
  fallback: number | undefined,
  rule: 'any' | 'positive' | 'non_negative' = 'any',
): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new PatternSpecError(field, `expected a number, got ${JSON.stringify(value)}`, 'write a number');
  if (rule === 'positive' && value <= 0)
    throw new PatternSpecError(field, `must be greater than 0, got ${value}`, 'write a positive number');
  if (rule === 'non_negative' && value < 0) throw new PatternSpecError(field, `must not be negative, got ${value}`, 'write 0 or more');
  return value;
}

/** A required number option. */
export function requiredNumber(value: unknown, field: string, rule: 'any' | 'positive' | 'non_negative' = 'any'): number {
  if (value === undefined) throw new PatternSpecError(field, 'is missing', 'add it');
  return numberOption(value, field, undefined, rule)!;
}

/** A list of agent names, or undefined. */
export function namesOption(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new PatternSpecError(field, `expected a list of agent names, got ${JSON.stringify(value)}`, 'write e.g. [bidder-1, bidder-2]');
  }
  return value as string[];
}

/** A non-empty string option, or the fallback. */
export function stringOption(value: unknown, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '')
    throw new PatternSpecError(field, `expected a non-empty string, got ${JSON.stringify(value)}`, 'write a name');
  return value;
}
