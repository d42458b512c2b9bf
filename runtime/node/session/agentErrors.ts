/**
 * Where an agent's failure points in its own source: a TypeScript/JavaScript agent's source-mapped stack, or the
 * place an AssemblyScript `abort` names. One rule for start errors, hot-reload refusals and failures while handling
 * a message (the editor shows them as diagnostics on that line).
 */
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas';
import type { TraceListener } from '../../trace/traceRecorder';
import { errorPosition } from '../../sandbox';
import type { AgentEntry } from '../files/workspace';

/** A failure placed in an agent's source (1-based line and column). */
export interface AgentSourceError {
  agent: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

/** The place in `entry`'s source files an error text names, if it names one inside the agent's folder tree. */
export function sourcePlace(entry: AgentEntry, text: string): { file: string; line: number; column: number } | undefined {
  const at = errorPosition(text);
  if (!at) return undefined;
  const base = path.dirname(entry.source);
  const file = path.resolve(base, at.source);
  // A position in a file outside the agent's folder (a dependency's) is not the author's line to fix.
  if (path.relative(base, file).startsWith('..')) return undefined;
  return { file, line: at.line, column: at.column };
}

/**
 * A trace listener that reports each agent failure (an agent going to `failed`) whose reason names a place in the
 * agent's source, once per agent and place (a restart loop repeats the same failure).
 */
export function agentErrorListener(entries: readonly AgentEntry[], report: (error: AgentSourceError) => void): TraceListener {
  const byName = new Map(entries.map((e) => [e.manifest.name, e]));
  const seen = new Set<string>();
  return (e: TraceEvent) => {
    if (e.type !== 'agent_state' || e.to !== 'failed' || !e.reason) return;
    const entry = byName.get(e.agent);
    const place = entry && sourcePlace(entry, e.reason);
    if (!place) return;
    const key = `${e.agent}\n${place.file}:${place.line}:${place.column}`;
    if (seen.has(key)) return;
    seen.add(key);
    const first = e.reason.split('\n')[0];
    report({ agent: e.agent, ...place, message: `${e.agent} failed while handling a message: ${first}` });
  };
}
