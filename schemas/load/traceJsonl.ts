/** JSONL encoding of traces, without I/O: one event per line; the reader tolerates a truncated last line. */
import type { TraceEvent } from '..';

/** One event as a JSONL line (with its newline). */
export function traceLine(event: TraceEvent): string {
  return `${JSON.stringify(event)}\n`;
}

export interface TraceLineError {
  line: number;
  message: string;
}

export interface ParsedTrace {
  events: TraceEvent[];
  /** True when the last line was cut short (a crash mid-write); its partial event is left out. */
  truncated: boolean;
  /** Lines that were not trace events (named by 1-based line number); they are skipped. */
  errors: TraceLineError[];
}

/**
 * Parse a *.trace.jsonl text. Events with an unknown `type` are kept (readers ignore what they do not draw, for
 * forward compatibility); lines that are not objects with seq, t and type are reported and skipped.
 */
export function parseTraceJsonl(text: string): ParsedTrace {
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  const events: TraceEvent[] = [];
  const errors: TraceLineError[] = [];
  let truncated = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    if (!raw.trim()) continue;
    const isLast = i === lines.length - 1 && !endsWithNewline;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      // Only the final, unterminated line can be a write cut short by a crash; anywhere else it is corruption.
      if (isLast) {
        truncated = true;
        continue;
      }
      errors.push({ line: i + 1, message: `not JSON (${(e as Error).message}); each line must be one trace event object` });
      continue;
    }
    const problem = checkEvent(value);
    if (problem) {
      if (isLast) {
        truncated = true;
        continue;
      }
      errors.push({ line: i + 1, message: problem });
      continue;
    }
    events.push(value as TraceEvent);
  }
  return { events, truncated, errors };
}

function checkEvent(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not an object; each line must be one trace event object';
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v.seq) || (v.seq as number) < 0) return 'missing or invalid `seq` (a non-negative integer)';
  if (typeof v.t !== 'number' || v.t < 0) return 'missing or invalid `t` (milliseconds since the run started)';
  if (typeof v.type !== 'string') return 'missing `type`';
  return undefined;
}
