/** The bulkhead as a pure state machine: how many calls run, which wait, and who is turned away. */

export interface BulkheadConfig {
  maxConcurrent: number;
  maxQueue: number;
}

export interface BulkheadMachineState {
  readonly active: number;
  readonly queue: readonly number[];
}

export type BulkheadEvent =
  | { readonly type: 'request'; readonly id: number }
  /** A running call finished (either way). */
  | { readonly type: 'release' }
  /** A queued call's caller gave up (its signal aborted). */
  | { readonly type: 'cancel'; readonly id: number };

export type BulkheadEffect =
  | { readonly kind: 'start'; readonly id: number }
  | { readonly kind: 'enqueue'; readonly id: number; readonly position: number }
  | { readonly kind: 'reject'; readonly id: number; readonly active: number; readonly queued: number };

export interface BulkheadStep {
  readonly state: BulkheadMachineState;
  readonly effects: readonly BulkheadEffect[];
}

export const emptyBulkhead: BulkheadMachineState = { active: 0, queue: [] };

/** The next state and effects of a bulkhead after `event`. */
export function bulkheadStep(s: BulkheadMachineState, e: BulkheadEvent, c: BulkheadConfig): BulkheadStep {
  switch (e.type) {
    case 'request':
      if (s.active < c.maxConcurrent && s.queue.length === 0) {
        return { state: { active: s.active + 1, queue: s.queue }, effects: [{ kind: 'start', id: e.id }] };
      }
      if (s.queue.length < c.maxQueue) {
        return {
          state: { active: s.active, queue: [...s.queue, e.id] },
          effects: [{ kind: 'enqueue', id: e.id, position: s.queue.length }],
        };
      }
      return { state: s, effects: [{ kind: 'reject', id: e.id, active: s.active, queued: s.queue.length }] };
    case 'release': {
      if (s.queue.length === 0) return { state: { active: Math.max(0, s.active - 1), queue: s.queue }, effects: [] };
      const [next, ...rest] = s.queue;
      // The freed slot passes straight to the oldest waiter: active stays the same.
      return { state: { active: s.active, queue: rest }, effects: [{ kind: 'start', id: next }] };
    }
    case 'cancel':
      return { state: { active: s.active, queue: s.queue.filter((id) => id !== e.id) }, effects: [] };
  }
}
