/**
 * `reply_by` times, read one way by the editor and the runtime: ISO 8601 (`2026-01-31T17:00:00Z`, an offset, or
 * none: UTC) or FIPA's `20260131T170000000Z`. A date that does not exist (2026-02-30) is not a time. Pure.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const FIPA_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?(Z)?$/;

/** Milliseconds since the epoch of a reply_by value, or undefined when it is not a real time. */
export function parseReplyBy(value: string): number | undefined {
  const iso = ISO_8601.exec(value);
  const fipa = iso ? undefined : FIPA_TIME.exec(value);
  const m = iso ?? fipa;
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = iso ? Math.round(Number(m[7] ?? 0) * 1000) : Number(m[7] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = iso && m[8] && m[8] !== 'Z' ? offsetMinutes(m[8]) : 0;
  if (offset === undefined) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
}

function daysIn(year: number, month: number): number {
  return [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function offsetMinutes(text: string): number | undefined {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
