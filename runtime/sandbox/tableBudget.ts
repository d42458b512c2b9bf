/**
 * Tables live on a worker's V8 heap, where running out aborts the whole process (not just the worker), so the table
 * elements of all agents sharing a worker pool are summed and held under MODULE_LIMITS.maxTableElementsPerWorker.
 */
import { MODULE_LIMITS } from './limits';

const byPool = new WeakMap<object, Map<string, number>>();

/** Reserve `elements` for `agent` in `pool` (replacing its earlier reservation); returns a problem sentence when over. */
export function reserveTables(pool: object, agent: string, elements: number, limit = MODULE_LIMITS.maxTableElementsPerWorker): string | undefined {
  let held = byPool.get(pool);
  if (!held) { held = new Map(); byPool.set(pool, held); }
  let others = 0;
  for (const [id, n] of held) if (id !== agent) others += n;
  if (others + elements > limit) {
    return `declares tables of ${elements} elements, but the agents of its worker already hold ${others} of the ${limit} table elements a worker may hold`;
  }
  held.set(agent, elements);
  return undefined;
}

/** Give back an agent's reservation (when it stops). */
export function releaseTables(pool: object, agent: string): void {
  byPool.get(pool)?.delete(agent);
}

/** Table elements reserved in a pool (tests). */
export function tablesHeld(pool: object): number {
  let sum = 0;
  for (const n of byPool.get(pool)?.values() ?? []) sum += n;
  return sum;
}
