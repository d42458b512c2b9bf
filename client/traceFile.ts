/**
 * Reading a *.trace.jsonl for the inspector (the panel's Compare, the standalone page's stream): the one reader,
 * schemas/load/traceJsonl, with its findings as sentences. Pure.
 */
import type { TraceEvent } from '../schemas/trace';
import { parseTraceJsonl } from '../schemas/load/traceJsonl';

/** The events of a JSONL trace; bad lines are reported by 1-based number and skipped, a cut-short last line too. */
export function parseTraceText(text: string): { events: TraceEvent[]; problems: string[] } {
  const { events, errors, truncated } = parseTraceJsonl(text);
  const problems = errors.map((e) => `line ${e.line}: ${e.message}`);
  if (truncated) problems.push(`line ${text.replace(/\n$/, '').split('\n').length}: cut short (the run was interrupted); left out`);
  return { events, problems };
}
