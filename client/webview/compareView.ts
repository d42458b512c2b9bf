/**
 * Two runs side by side: the current trace and another (picked in VS Code, chosen from disk on a standalone page, or
 * posted by the host), compared by schemas/traceDiff.ts, the same comparison as `caxton diff`. The first divergent
 * event is highlighted with the fields that differ; Previous / Next walk the differences; both columns show the
 * events around it.
 */
import type { TraceEvent } from '../../schemas/trace';
import { diffTraces, eventComparer, type TraceDiff } from '../../schemas/traceDiff';
import { parseTraceText } from '../traceFile';
import { h, setChildren } from './dom';
import { eventSummary } from './wording';

const AROUND = 12;

export class CompareView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly status: HTMLElement;
  private left: { title: string; events: readonly TraceEvent[] } = { title: 'this run', events: [] };
  private right?: { title: string; events: readonly TraceEvent[] };
  private diff?: TraceDiff;
  /** The diff's own comparison of two events (its ignored fields, the header's too). */
  private differ: ReturnType<typeof eventComparer> = eventComparer([]);
  private at = 0;
  /** What `diff` was computed from (the left side is the store's growing array, hence its length). */
  private compared?: { left: readonly TraceEvent[]; length: number; right: readonly TraceEvent[] };

  /** `pick` asks for the other trace (the host's file dialog, or a file input on a standalone page). */
  constructor(
    pick: (() => void) | undefined,
    private readonly reveal: (index: number) => void,
  ) {
    const choose = pick
      ? (() => {
          const b = h('button', { class: 'button', id: 'compare-pick' }, 'Compare with a trace…');
          b.addEventListener('click', pick);
          return b;
        })()
      : (() => {
          const input = h('input', { type: 'file', id: 'compare-file', accept: '.jsonl,.json', 'aria-label': 'A trace to compare with' });
          input.addEventListener('change', () => {
            const f = input.files?.[0];
            if (f) void f.text().then((text) => this.fromText(f.name, text));
          });
          return h('label', { class: 'button' }, 'Compare with a trace… ', input);
        })();
    const prev = h('button', { class: 'button', id: 'compare-prev' }, '◀ Previous difference');
    const next = h('button', { class: 'button', id: 'compare-next' }, 'Next difference ▶');
    prev.addEventListener('click', () => this.step(-1));
    next.addEventListener('click', () => this.step(1));
    this.status = h('p', { id: 'compare-status', role: 'status' }, 'Choose a second trace to compare this run with.');
    this.body = h('div', { class: 'compare-body' });
    this.element = h(
      'section',
      { class: 'view compare', id: 'view-compare', role: 'tabpanel', 'aria-labelledby': 'tab-compare', hidden: true },
      h('div', { class: 'toolbar' }, choose, prev, next),
      this.status,
      this.body,
    );
  }

  /** The current trace (left side); keeps the right side. */
  setLeft(title: string, events: readonly TraceEvent[]): void {
    this.left = { title, events };
    if (this.right) this.compute();
  }

  /** Compare with these events (right side). */
  setRight(title: string, events: readonly TraceEvent[]): void {
    this.right = { title, events };
    this.compute();
  }

  private fromText(name: string, text: string): void {
    const { events, problems } = parseTraceText(text);
    this.setRight(name, events);
    if (problems.length) this.status.textContent += ` (${problems.length} lines of ${name} were not trace events and were skipped)`;
  }

  private compute(): void {
    if (!this.right) return;
    const left = this.left.events,
      right = this.right.events,
      was = this.compared;
    // Showing the tab and a host's compare both set the left side again: compare only when an input changed.
    if (!this.diff || !was || was.left !== left || was.length !== left.length || was.right !== right) {
      this.diff = diffTraces(left, right);
      this.differ = eventComparer(this.diff.ignored);
      this.compared = { left, length: left.length, right };
    }
    this.at = this.diff.first?.index ?? 0;
    this.draw();
  }

  private step(direction: 1 | -1): void {
    if (!this.diff || !this.right || this.diff.identical) return;
    const a = this.left.events,
      b = this.right.events;
    for (let i = this.at + direction; i >= 0 && i < Math.max(a.length, b.length); i += direction) {
      if (!a[i] || !b[i] || this.differ(a[i], b[i], 1).length) {
        this.at = i;
        this.draw();
        return;
      }
    }
  }

  private draw(): void {
    const d = this.diff!,
      right = this.right!;
    const a = this.left.events,
      b = right.events;
    this.element.dataset.identical = String(d.identical);
    this.element.dataset.differences = String(d.differences);
    this.element.dataset.first = d.first ? String(d.first.index) : '';
    this.status.textContent = d.identical
      ? `identical: ${a.length} events (ignored: ${d.ignored.join(', ')})`
      : `${d.differences} of ${Math.max(a.length, b.length)} events differ; first at event ${d.first!.index} (${d.first!.fields.join(', ')}); ignored: ${d.ignored.join(', ')}`;
    const from = Math.max(0, this.at - AROUND),
      to = Math.min(Math.max(a.length, b.length), this.at + AROUND + 1);
    const cell = (e: TraceEvent | undefined, i: number) => {
      const td = h('td', { class: 'compare-event', title: e ? JSON.stringify(e) : 'no event' }, e ? eventSummary(e) : '—');
      td.addEventListener('click', () => this.reveal(i));
      return td;
    };
    const rows: HTMLElement[] = [];
    for (let i = from; i < to; i++) {
      const differs = !a[i] || !b[i] || this.differ(a[i], b[i], 1).length > 0;
      rows.push(
        h(
          'tr',
          {
            class: `compare-row${differs ? ' differs' : ''}${i === this.at ? ' current' : ''}${i === d.first?.index ? ' first-divergence' : ''}`,
            'data-index': i,
          },
          h('th', { scope: 'row' }, i),
          cell(a[i], i),
          cell(b[i], i),
        ),
      );
    }
    const fields = this.at < Math.min(a.length, b.length) ? this.differ(a[this.at], b[this.at]) : [];
    setChildren(
      this.body,
      d.identical
        ? null
        : h(
            'p',
            { class: 'compare-fields' },
            `Event ${this.at}: `,
            fields.length ? `differs in ${fields.join(', ')}` : 'only in one trace',
          ),
      h(
        'table',
        { class: 'compare-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'event'),
            h('th', { scope: 'col' }, this.left.title),
            h('th', { scope: 'col' }, right.title),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
  }
}
