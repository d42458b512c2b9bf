/**
 * A polite live region that tells screen-reader users what a running trace just did ("12 new events: 5 messages,
 * 1 timeout"), at most once per THROTTLE_MS so a busy run never floods them.
 */
import type { TraceEvent } from '../../schemas/trace';
import { h } from './dom';
import { announcement } from './wording';

const THROTTLE_MS = 2000;
export class Announcer {
  readonly element: HTMLElement = h('div', { id: 'announcer', class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });
  private pending: TraceEvent[] = [];
  private timer = 0;
  private last = -Infinity;

  /** Queue live events; they are announced together, at most once per THROTTLE_MS. */
  note(events: readonly TraceEvent[]): void {
    this.pending.push(...events);
    if (this.timer) return;
    const wait = Math.max(0, this.last + THROTTLE_MS - Date.now());
    this.timer = window.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = 0;
    this.last = Date.now();
    if (this.pending.length === 0) return;
    this.element.textContent = announcement(this.pending);
    this.pending = [];
  }
}
