/** Trace events of one step, keyed by whose work produced them, and their canonical merge across shards. */
import type { TraceEventInput } from '../../schemas';
import type { TraceSink } from '../core/types';
import type { Activity } from './activity';

/** An event with its key: phase, group (the agent or owner), index in the producing shard. */
export interface KeyedEvent {
  p: number;
  g: string;
  i: number;
  e: TraceEventInput;
}

/** A TraceSink that buffers events with their key until the step ends. */
export class StepBuffer implements TraceSink {
  private next = 0;
  private events: KeyedEvent[] = [];

  constructor(private readonly activity: Activity) {}

  get length(): number {
    return this.events.length;
  }

  emit(e: TraceEventInput): void {
    this.events.push({ p: this.activity.phase, g: this.activity.group, i: this.next++, e });
  }

  /** The step's events so far (the buffer empties). */
  take(): KeyedEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

/** Canonical order: phase, then group, then the order the group produced them in. */
export function compareKeyed(a: KeyedEvent, b: KeyedEvent): number {
  return a.p - b.p || (a.g < b.g ? -1 : a.g > b.g ? 1 : 0) || a.i - b.i;
}

/** Merge the shards' buffers of one step into canonical order (each list is nearly sorted: TimSort is cheap here). */
export function mergeStep(lists: readonly KeyedEvent[][]): KeyedEvent[] {
  const all = lists.length === 1 ? lists[0].slice() : ([] as KeyedEvent[]).concat(...lists);
  return all.sort(compareKeyed);
}
