/**
 * Whose activity is running right now. Every trace event and every routed message is stamped with it, so the order
 * of a step's output depends on agents and their own order of work, never on which thread did what first.
 */

/** The phases of a step, in the order they run (docs/shards.md). */
export const Phase = { timers: 0, arrive: 1, handle: 2, commit: 3 } as const;
export type PhaseValue = (typeof Phase)[keyof typeof Phase];

/** The group of work done on the host shard outside any agent's handling (pattern drivers, pipelines, callers). */
export const HOST_GROUP = '~host';

/** A message's place in its receiver's inbox: sorted by key (sender and producing group), then sequence. */
export interface OrderKey {
  okey: string;
  oseq: number;
}

/** The current activity (phase, group) of one shard, plus the per-(sender, group) message counters. */
export class Activity {
  phase: PhaseValue = Phase.handle;
  group = HOST_GROUP;
  private readonly counters = new Map<string, number>();

  /** Run `fn` as (phase, group); restores the previous activity afterwards (also when fn throws). */
  run<T>(phase: PhaseValue, group: string, fn: () => T): T {
    const p = this.phase,
      g = this.group;
    this.phase = phase;
    this.group = group;
    try {
      return fn();
    } finally {
      this.phase = p;
      this.group = g;
    }
  }

  /** The next order key for a message `sender` sends from the current group. */
  nextOrder(sender: string): OrderKey {
    const okey = sender === this.group ? sender : `${sender}\u0000${this.group}`;
    const oseq = (this.counters.get(okey) ?? 0) + 1;
    this.counters.set(okey, oseq);
    return { okey, oseq };
  }
}

/** Compare two order keys (inbox order). */
export function compareOrder(a: OrderKey, b: OrderKey): number {
  return a.okey < b.okey ? -1 : a.okey > b.okey ? 1 : a.oseq - b.oseq;
}
