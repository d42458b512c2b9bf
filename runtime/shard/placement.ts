/**
 * Which shard an agent goes to. The rule (docs/shards.md): agents are taken in name order; agents that share a
 * manifest `placement.group` go together (chatty agents colocated); each group goes to the shard with the fewest
 * agents so far (ties: the lowest shard number). Pure, so the same workspace always lands the same way.
 * Placement changes speed only: a simulated run's trace is the same wherever agents live.
 */

/** An agent to place: its name and, optionally, the group it must share a shard with. */
export interface PlacementRequest {
  name: string;
  group?: string;
}

/** A shard and how many agents it already holds. */
export interface ShardLoad {
  id: number;
  agents: number;
}

/** See the file comment. */
export function placeAgents(requests: readonly PlacementRequest[], shards: readonly ShardLoad[]): Map<string, number> {
  if (!shards.length) throw new RangeError('no shard to place agents on');
  const load = new Map(shards.map((s) => [s.id, s.agents]));
  const groups = new Map<string, string[]>();
  for (const r of [...requests].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const key = r.group ? `g:${r.group}` : `a:${r.name}`;
    const list = groups.get(key);
    if (list) list.push(r.name);
    else groups.set(key, [r.name]);
  }
  const out = new Map<string, number>();
  for (const names of groups.values()) {
    let best = shards[0].id;
    for (const s of shards) if (load.get(s.id)! < load.get(best)!) best = s.id;
    for (const n of names) out.set(n, best);
    load.set(best, load.get(best)! + names.length);
  }
  return out;
}
