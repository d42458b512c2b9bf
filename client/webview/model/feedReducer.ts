/**
 * A view's own reducer over its feed of events (see TraceStore.feeds): moving the cursor forward applies only the new
 * events; moving it back starts again from an empty state (feeds are short next to the trace: rounds, breaker changes,
 * saga steps).
 */
import type { TraceEvent } from '../../../schemas/trace';
import type { TraceStore, ViewFeed } from './traceStore';

export class FeedReducer<S> {
  private state: S;
  private applied = 0;
  private store?: TraceStore;

  constructor(
    private readonly feed: ViewFeed,
    private readonly init: () => S,
    private readonly reduce: (state: S, e: TraceEvent) => void,
  ) {
    this.state = init();
  }

  /** The state after the feed's events before the cursor; `version` changes whenever the state does. */
  at(store: TraceStore, cursor: number): { state: S; version: number } {
    const feed = store.feeds[this.feed];
    const k = feed.countBelow(cursor);
    if (store !== this.store || k < this.applied) {
      this.state = this.init();
      this.applied = 0;
      this.store = store;
    }
    for (; this.applied < k; this.applied++) this.reduce(this.state, store.events[feed.get(this.applied)]);
    return { state: this.state, version: k };
  }
}
