/**
 * The time cursor over a growing list of trace events: `seek(n)` gives the model after the first n events, reusing
 * snapshots every CHECKPOINT events so scrubbing a 10,000-event trace never replays it from the start.
 * No DOM: unit-tested in Node.
 */
import type { TraceEvent } from '../../schemas/trace';
import { emptyModel, reduceTrace, type TraceModel } from './traceModel';

const CHECKPOINT = 1000;

export class Replay {
  private events: TraceEvent[] = [];
  /** checkpoints[k] is the model after k * CHECKPOINT events (models are immutable, so sharing them is safe). */
  private checkpoints: TraceModel[] = [emptyModel()];
  private current: TraceModel = emptyModel();

  /** The model at the cursor. */
  get model(): TraceModel { return this.current; }
  /** Events at or before the cursor. */
  get cursor(): number { return this.current.count; }
  get length(): number { return this.events.length; }
  /** True when the cursor is at the last event (live mode follows new events only then). */
  get atEnd(): boolean { return this.current.count === this.events.length; }

  /** Replace the trace; the cursor goes to the end. */
  reset(events: readonly TraceEvent[]): TraceModel {
    this.events = [...events];
    this.checkpoints = [emptyModel()];
    this.current = emptyModel();
    return this.seek(this.events.length);
  }

  /** Add events; the cursor follows them if it was at the end. */
  append(events: readonly TraceEvent[]): TraceModel {
    const follow = this.atEnd;
    this.events.push(...events);
    return follow ? this.seek(this.events.length) : this.current;
  }

  /** Move the cursor to just after the first `n` events. */
  seek(n: number): TraceModel {
    const target = Math.max(0, Math.min(Math.floor(n), this.events.length));
    let model = this.current.count <= target && this.current.count >= target - CHECKPOINT * 2
      ? this.current
      : this.checkpoints[Math.min(Math.floor(target / CHECKPOINT), this.checkpoints.length - 1)];
    while (model.count < target) {
      const stop = Math.min(target, (Math.floor(model.count / CHECKPOINT) + 1) * CHECKPOINT);
      model = reduceTrace(model, this.events.slice(model.count, stop));
      if (model.count % CHECKPOINT === 0 && model.count / CHECKPOINT === this.checkpoints.length) this.checkpoints.push(model);
    }
    this.current = model;
    return model;
  }

  /** The event just before the cursor (what the slider label shows). */
  eventAt(index: number): TraceEvent | undefined { return this.events[index]; }
}
