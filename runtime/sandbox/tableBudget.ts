/**
 * Tables live on a worker's V8 heap, where running out aborts the whole process (not just the worker), so the table
 * elements of all agents sharing a worker pool are summed and held under MODULE_LIMITS.maxTableElementsPerWorker.
 */
import { MODULE_LIMITS } from './limits';

/** Reservations per pool, with their running total (a shard of thousands of agents must not sum them per agent). */
const byPool = new WeakMap<object, { held: Map<string, number>; total: number }>();

/** Reserve `elements` for `agent` in `pool` (replacing its earlier reservation); returns a problem sentence when over. */
export function reserveTables(
  pool: object,
  agent: string,
  elements: number,
  limit: number = MODULE_LIMITS.maxTableElementsPerWorker,
): string | undefined {
  let budget = byPool.get(pool);
  if (!budget) {
    budget = { held: new Map(), total: 0 };
    byPool.set(pool, budget);
  }
  const others = budget.total - (budget.held.get(agent) ?? 0);
  if (others + elements > limit) {
    return `declares tables of ${elements} elements, but the agents of its worker already hold ${others} of the ${limit} table elements a worker may hold`;
  }
  budget.total = others + elements;
  budget.held.set(agent, elements);
  return undefined;
}

/** Give back an agent's reservation (when it stops). */
export function releaseTables(pool: object, agent: string): void {
  const budget = byPool.get(pool);
  if (!budget) return;
  budget.total -= budget.held.get(agent) ?? 0;
  budget.held.delete(agent);
}

/** Table elements reserved in a pool (tests). */
export function tablesHeld(pool: object): number {
  return byPool.get(pool)?.total ?? 0;
}
