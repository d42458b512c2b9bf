/** Reading a *.trace.jsonl for the inspector (the client may not use runtime internals). Pure. */
import type { TraceEvent } from '../schemas/trace';

/** The events of a JSONL trace; bad lines are reported by 1-based number and skipped, a cut-short last line too. */
export function parseTraceText(text: string): { events: TraceEvent[]; problems: string[] } {
  const events: TraceEvent[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const e = JSON.parse(line) as TraceEvent;
      if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || typeof e.seq !== 'number') problems.push(`line ${i + 1}: not a trace event (needs seq, t and type)`);
      else events.push(e);
    } catch (err) {
      problems.push(`line ${i + 1}: not JSON (${(err as Error).message})`);
    }
  });
  return { events, problems };
}
