/** Where a debug run's trace goes, where a fork's goes, and which step a recorded event belongs to. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas';
import { ReplayError } from '../../node/scenario/replay';

/** The default trace of a debug run: `.caxton/traces/<scenario>.debug.trace.jsonl` beside the scenario. */
export function defaultTrace(scenario: string): string {
  return path.join(
    path.dirname(scenario),
    '.caxton',
    'traces',
    `${path.basename(scenario).replace(/\.scenario\.ya?ml$/, '')}.debug.trace.jsonl`,
  );
}

/** `x.trace.jsonl` -> `x.fork-N.trace.jsonl`, the first N not taken (a fork of a fork gets the next number). */
export function forkTrace(original: string, from: number): string {
  const base = original.replace(/(\.fork-\d+)?(\.trace)?\.jsonl$/, '');
  let n = from;
  while (fs.existsSync(`${base}.fork-${n}.trace.jsonl`)) n++;
  return `${base}.fork-${n}.trace.jsonl`;
}

/** The tick of a recorded position: `tick` as given, or the tick of event `seq`. */
export function tickOf(events: readonly TraceEvent[], at: { seq?: number; tick?: number }): number {
  if (at.tick !== undefined) return at.tick;
  const e = events.find((x) => x.seq === at.seq);
  if (!e) throw new ReplayError(`there is no event ${at.seq} in the trace (it has ${events.length}); pick an event of the trace`);
  return e.tick ?? 0;
}
