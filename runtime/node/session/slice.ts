/**
 * Which agents of a workspace one of N processes hosts (`caxton node --slice i/N`, used by `caxton run --processes`):
 * agents are taken in placement groups (a manifest's `placement.group` keeps agents together, else each agent is
 * its own group), groups in name order, dealt round-robin. Pure.
 */
import type { AgentEntry } from '../files/workspace';

/** Parse `i/N` (0 <= i < N); a sentence saying what is wrong otherwise. */
export function parseSlice(text: string): { index: number; count: number } | string {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN,
    count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) return `--slice ${text} is not i/N with 0 <= i < N, e.g. --slice 0/4`;
  return { index, count };
}

/** The names of the entries slice `index` of `count` hosts. */
export function sliceAgents(entries: readonly AgentEntry[], index: number, count: number): string[] {
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    const key = e.manifest.placement?.group !== undefined ? `g:${e.manifest.placement.group}` : `a:${e.manifest.name}`;
    const list = groups.get(key);
    if (list) list.push(e.manifest.name);
    else groups.set(key, [e.manifest.name]);
  }
  return [...groups.keys()]
    .sort()
    .filter((_, i) => i % count === index)
    .flatMap((k) => groups.get(k)!);
}
