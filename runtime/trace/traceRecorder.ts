/** The runtime's trace sink: numbers (seq from 0) and timestamps (clock.now()) events, then fans them out. */
import type { TraceEvent, TraceEventInput } from '../../schemas';
import type { Clock } from '../core/clock';
import type { TraceSink } from '../core/types';

export type TraceListener = (event: TraceEvent) => void;

/** Sees each event (and its time `t`) before it is numbered: may drop a repeat (keep: false) and add events after it. */
export type TraceFold = (event: TraceEventInput, t: number) => { keep: boolean; then?: TraceEventInput[] };

/** A TraceSink that stamps each event and hands it to every listener; a throwing listener never breaks the run. */
export class TraceRecorder implements TraceSink {
  private seq = 0;
  private readonly listeners = new Set<TraceListener>();

  /** `node`: stamped on every event (a node of a cluster writes its own trace; `caxton inspect a b` merges them). */
  constructor(
    private readonly clock: Clock,
    listeners: readonly TraceListener[] = [],
    private readonly fold?: TraceFold,
    private readonly node?: string,
  ) {
    for (const l of listeners) this.listeners.add(l);
  }

  /** How many events have been emitted so far (the next event's seq). */
  get count(): number {
    return this.seq;
  }

  emit(input: TraceEventInput): void {
    this.publish(input, this.clock.now());
  }

  /** Number, stamp (`t` in clock ms, `tick` for stepped runs) and fan out one event, after the fold has seen it. */
  publish(input: TraceEventInput, t: number, tick?: number): void {
    // Microsecond precision is plenty and keeps JSONL lines short on the real clock.
    const time = Math.max(0, Math.round(t * 1000) / 1000);
    const folded = this.fold?.(input, time);
    if (folded && !folded.keep) return;
    const event = (
      tick === undefined ? { seq: this.seq++, t: time, ...input } : { seq: this.seq++, t: time, tick, ...input }
    ) as TraceEvent;
    if (this.node !== undefined) event.node = this.node;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        /* a broken listener (e.g. a closed file) must not stop the runtime */
      }
    }
    if (folded?.then) for (const e of folded.then) this.publish(e, t, tick);
  }

  /** Listen to every event from now on; returns the function that stops listening. */
  onEvent(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/** A listener that keeps every event in memory (tests, summaries, the inspector's live view). */
export function collectTrace(): { events: TraceEvent[]; listener: TraceListener } {
  const events: TraceEvent[] = [];
  return {
    events,
    listener: (e) => {
      events.push(e);
    },
  };
}
