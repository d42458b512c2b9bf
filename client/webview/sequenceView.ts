/**
 * Conversations as a sequence diagram: a lifeline per agent (outside parties marked, hidden ones collapsed into one
 * lane), a row per message or mark, and a sticky seq/time column that stays put when the diagram scrolls sideways.
 * Lifelines share the panel's width (never closer than MIN_LANE). Virtualised: only the rows in the scrolled window
 * are made and drawn, whatever the trace's size; past MAX_SCROLL pixels the scrollbar maps proportionally onto rows
 * (browsers cap an element's height). Keyboard: one focusable listbox; arrows / Page / Home / End move, Enter opens.
 */
import { h, s, setChildren } from './dom';
import type { TraceStore } from './model/traceStore';
import { FilteredRows, isEmptyFilter, lanesAt, sameFilter, type Lane, type RowFilter } from './model/rowFilter';
import { rowAt, type DiagramRow, type MessageRow, type ProblemKind } from './model/rows';
import { HIDDEN_LANE, ROW_H, TIME_W, describeRow, drawRow, drawTimeCell, type Layout } from './sequenceRow';
import { FilterBar } from './filterBar';

/** Lifelines never get closer than this; below it the diagram scrolls sideways. */
export const MIN_LANE = 90;
const MAX_LANE = 260;
/** Height of the sticky lifeline header (matches .seq-header in styles.ts). */
const HEADER_H = 24;
const OVERSCAN = 8;
/** The tallest spacer we make; longer diagrams scroll proportionally. */
const MAX_SCROLL = 8_000_000;
/** Time a filter may take per frame before the page gets control back. */
const SLICE_MS = 12;
const PROBLEM_LABEL: Record<ProblemKind, string> = { dropped: 'drops', timeout: 'timeouts', violation: 'violations', failure: 'failures' };

export interface SequenceCallbacks {
  /** The selection changed (undefined: nothing selected). */
  select(row: DiagramRow | undefined): void;
  /** Enter on a row: show its details and move focus there. */
  open(row: DiagramRow): void;
  /** The problem filter changed from inside the view (its chip was cleared). */
  problem(kind: ProblemKind | undefined): void;
}

export class SequenceView {
  readonly element: HTMLElement;
  readonly filters: FilterBar;
  private readonly chip: HTMLButtonElement;
  private readonly header: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly timeSvg: SVGSVGElement;
  private readonly summary: HTMLElement;
  private store?: TraceStore;
  private cursor = 0;
  private filter: RowFilter = {};
  private filtered = new FilteredRows({});
  private count = 0;
  /** The selected row as a store row number (stable when filters change), -1 none. */
  private selectedRow = -1;
  private frame = 0;
  private work = 0;
  private lanes: Lane[] = [];
  private layout: Layout = { laneW: MIN_LANE, width: TIME_W, x: new Map() };
  private layoutKey = '';
  private drawnKey = '';

  constructor(private readonly on: SequenceCallbacks) {
    this.filters = new FilterBar((patch) => this.setFilter({ ...this.filter, ...patch }));
    this.chip = h('button', { id: 'problem-chip', class: 'chip', hidden: true });
    this.chip.addEventListener('click', () => {
      this.setProblem(undefined);
      this.on.problem(undefined);
      this.focus();
    });
    this.summary = h('span', { class: 'summary', id: 'rows-summary', 'aria-live': 'polite' });
    this.header = h('div', { class: 'seq-header', 'aria-hidden': 'true' });
    this.svg = s('svg', { class: 'seq-svg', role: 'presentation' });
    this.timeSvg = s('svg', { class: 'seq-time-svg', role: 'presentation', width: TIME_W });
    this.spacer = h('div', { class: 'seq-spacer' }, h('div', { class: 'seq-timecol' }, this.timeSvg), this.svg);
    this.scroller = h(
      'div',
      {
        class: 'seq-scroll',
        tabindex: 0,
        role: 'listbox',
        'aria-label': 'Messages in time order; arrow keys move, Enter opens the details',
      },
      this.header,
      this.spacer,
    );
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.scroller.addEventListener('keydown', (ev) => this.onKey(ev));
    // One delegated listener for all rows: rows come and go with scrolling.
    this.spacer.addEventListener('click', (ev) => {
      const index = (ev.target as Element | null)?.closest?.('[data-index]')?.getAttribute('data-index');
      if (index !== null && index !== undefined) this.select(Number(index));
    });
    this.svg.addEventListener('mouseover', (ev) => this.hover(ev.target, true));
    this.svg.addEventListener('mouseout', (ev) => this.hover(ev.target, false));
    this.element = h(
      'section',
      { class: 'view seq', id: 'view-conversations', role: 'tabpanel', 'aria-labelledby': 'tab-conversations' },
      h('div', { class: 'toolbar' }, this.filters.element, this.chip, this.summary),
      this.filters.lanePanel,
      this.scroller,
    );
    // Lifelines follow the panel's width (next frame: re-laying out inside the observer could resize the box again).
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => requestAnimationFrame(() => this.refresh())).observe(this.scroller);
  }

  /** Show the trace after the first `cursor` events (keeps the filters and the selection). */
  update(store: TraceStore, cursor: number): void {
    if (store !== this.store) {
      this.store = store;
      this.filtered = new FilteredRows(this.filter);
      this.selectedRow = -1;
      this.scroller.scrollTop = 0;
    }
    this.cursor = cursor;
    this.filters.update(store);
    this.refresh();
  }

  /** The current filter (for exports). */
  get rowsShown(): { store?: TraceStore; filtered: FilteredRows; count: number; cursor: number; lanes: Lane[]; layout: Layout } {
    return { store: this.store, filtered: this.filtered, count: this.count, cursor: this.cursor, lanes: this.lanes, layout: this.layout };
  }

  /** Show only rows of one problem kind (undefined: all rows). */
  setProblem(kind: ProblemKind | undefined): void {
    this.chip.hidden = kind === undefined;
    this.chip.textContent = kind ? `Only ${PROBLEM_LABEL[kind]} ✕` : '';
    this.chip.setAttribute('aria-label', kind ? `Showing only ${PROBLEM_LABEL[kind]}; press to show all rows` : '');
    this.element.dataset.problem = kind ?? '';
    this.setFilter({ ...this.filter, problem: kind });
  }

  /** Show one conversation (from outside: the details pane, the protocols view). */
  showConversation(id: string | undefined): void {
    this.filters.showConversation(id);
  }

  private setFilter(filter: RowFilter): void {
    if (sameFilter(filter, this.filter)) return;
    this.filter = filter;
    this.filtered = new FilteredRows(filter);
    this.element.dataset.filtered = String(!isEmptyFilter(filter));
    this.layoutKey = '';
    this.scroller.scrollTop = 0;
    this.refresh();
    // Keep the selection when the selected row is still shown.
    if (this.selectedRow >= 0 && this.filtered.indexOf(this.selectedRow) < 0 && !this.filtered.pending(this.store!)) {
      this.selectedRow = -1;
      this.on.select(undefined);
    }
  }

  /** Examine rows for the filter in slices of SLICE_MS, then draw. */
  private refresh(): void {
    const store = this.store;
    if (!store) return;
    const start = performance.now();
    while (this.filtered.pending(store) && performance.now() - start < SLICE_MS) this.filtered.advance(store, 20_000);
    if (this.filtered.pending(store) && !this.work)
      this.work = requestAnimationFrame(() => {
        this.work = 0;
        this.refresh();
      });
    this.count = this.filtered.countAt(store, this.cursor);
    this.relayout(store);
    this.spacer.style.height = `${Math.min(MAX_SCROLL, this.count * ROW_H)}px`;
    const all = store.rowsAt(this.cursor);
    const searching = this.filtered.pending(store) ? ` · searching ${Math.round(this.filtered.progress(store) * 100)}%` : '';
    this.summary.textContent = `${this.count === all ? `${all} rows` : `${this.count} of ${all} rows`}${searching}`;
    this.element.dataset.rows = String(this.count);
    this.element.dataset.searching = String(!!searching);
    this.drawnKey = '';
    this.render();
  }

  /** Lane width from the room the panel gives: shared evenly, clamped to [MIN_LANE, MAX_LANE]. */
  private relayout(store: TraceStore): void {
    const { lanes, hidden } = lanesAt(store, this.cursor, this.filter.hidden);
    const avail = this.scroller.clientWidth || 800;
    const key = `${avail}|${lanes.map((l) => `${l.name}${l.external ? '*' : ''}`).join('\u0001')}|${hidden.length}`;
    if (key === this.layoutKey) return;
    this.layoutKey = key;
    this.lanes = lanes;
    const n = Math.max(1, lanes.length + (hidden.length ? 1 : 0));
    const laneW = Math.max(MIN_LANE, Math.min(MAX_LANE, Math.floor((avail - TIME_W) / n)));
    const x = new Map(lanes.map((l, i) => [l.name, TIME_W + i * laneW + laneW / 2]));
    const hiddenX = hidden.length ? TIME_W + lanes.length * laneW + laneW / 2 : undefined;
    this.layout = { laneW, width: TIME_W + n * laneW, x, hiddenX };
    const names = lanes.map((l) => {
      const el = h(
        'div',
        {
          class: `lane-name${l.external ? ' external' : ''}`,
          'data-agent': l.name,
          'data-external': l.external ? 'true' : undefined,
          title: `${l.name}${l.external ? ': an outside party, not an agent of this run' : ''}${l.node ? ` (node ${l.node})` : ''}`,
        },
        l.name,
      );
      el.style.width = `${laneW}px`;
      return el;
    });
    if (hidden.length) {
      const el = h(
        'div',
        { class: 'lane-name collapsed', 'data-agent': HIDDEN_LANE, title: `hidden: ${hidden.join(', ')}` },
        `⋯ ${hidden.length} hidden`,
      );
      el.style.width = `${laneW}px`;
      names.push(el);
    }
    setChildren(this.header, h('div', { class: 'lane-time' }, 'seq · time'), ...names);
    this.header.style.width = `${this.layout.width}px`;
    this.spacer.style.width = `${this.layout.width}px`;
    this.element.dataset.laneWidth = String(laneW);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** The first row in the scrolled window (proportional past MAX_SCROLL). */
  private firstVisible(viewRows: number): number {
    const total = this.count * ROW_H;
    if (total <= MAX_SCROLL) return Math.floor(this.scroller.scrollTop / ROW_H);
    const max = Math.max(1, MAX_SCROLL - this.scroller.clientHeight);
    return Math.floor((Math.min(this.scroller.scrollTop, max) / max) * Math.max(0, this.count - viewRows));
  }

  private scrollTopFor(index: number, viewRows: number): number {
    const total = this.count * ROW_H;
    if (total <= MAX_SCROLL) return index * ROW_H;
    return (index / Math.max(1, this.count - viewRows)) * Math.max(1, MAX_SCROLL - this.scroller.clientHeight);
  }

  /** Draw only the rows inside the scrolled window (plus a little overscan). */
  private render(): void {
    const store = this.store;
    if (!store) return;
    const viewH = Math.max(ROW_H, (this.scroller.clientHeight || 600) - HEADER_H);
    const viewRows = Math.ceil(viewH / ROW_H);
    const top = this.firstVisible(viewRows);
    const first = Math.max(0, top - OVERSCAN);
    const last = Math.min(this.count, top + viewRows + OVERSCAN);
    const selected = this.selectedIndex();
    const key = `${first}:${last}:${selected}:${this.cursor}`;
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    // Rows are placed from the window's first row; the window sits where the scrollbar says.
    const offset = this.count * ROW_H <= MAX_SCROLL ? first * ROW_H : Math.max(0, this.scroller.scrollTop - (top - first) * ROW_H);
    const { width } = this.layout;
    const height = Math.max(0, last - first) * ROW_H;
    for (const svg of [this.svg, this.timeSvg]) {
      svg.setAttribute('height', String(height));
      svg.style.transform = `translateY(${offset}px)`;
    }
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.timeSvg.setAttribute('viewBox', `0 0 ${TIME_W} ${height}`);
    const rows: DiagramRow[] = [];
    for (let i = first; i < last; i++) rows.push(rowAt(store, this.filtered.get(i), this.cursor));
    const external = (n: string) => {
      const i = store.agentByName.get(n);
      const a = i === undefined ? undefined : store.agents[i];
      return !a || a.ownSince < 0 || a.ownSince >= this.cursor;
    };
    const xs = [...this.layout.x.values(), ...(this.layout.hiddenX !== undefined ? [this.layout.hiddenX] : [])];
    const parts: SVGElement[] = this.lanes.map((l) =>
      s('line', {
        class: `lifeline${l.external ? ' external' : ''}`,
        'data-agent': l.name,
        x1: this.layout.x.get(l.name),
        x2: this.layout.x.get(l.name),
        y1: 0,
        y2: height,
      }),
    );
    if (this.layout.hiddenX !== undefined)
      parts.push(s('line', { class: 'lifeline collapsed', x1: xs[xs.length - 1], x2: xs[xs.length - 1], y1: 0, y2: height }));
    const cells: SVGElement[] = [];
    const selectedRow = selected >= 0 ? rowAt(store, this.filtered.get(selected), this.cursor) : undefined;
    const related = this.related(selectedRow, rows);
    rows.forEach((row, k) => {
      const i = first + k;
      const cls = `${i === selected ? ' selected' : ''}${row.kind === 'message' && related.has(row.id) ? ' correlated' : ''}`;
      const prev = k > 0 ? rows[k - 1] : i > 0 ? rowAt(store, this.filtered.get(i - 1), this.cursor) : undefined;
      parts.push(drawRow(row, i, k * ROW_H, this.layout, cls, describeRow(row, external, this.requestOf(row, store))));
      cells.push(drawTimeCell(row, i, k * ROW_H, prev !== undefined && prev.t === row.t, cls));
    });
    const link = selectedRow ? this.replyLink(selectedRow, selected, first, store) : undefined;
    if (link) cells.push(link);
    setChildren(this.svg, ...parts);
    setChildren(this.timeSvg, ...cells);
    this.scroller.setAttribute('aria-activedescendant', selected >= first && selected < last ? `row-${selected}` : '');
  }

  private selectedIndex(): number {
    if (this.selectedRow < 0) return -1;
    const i = this.filtered.indexOf(this.selectedRow);
    return i >= 0 && i < this.count ? i : -1;
  }

  /** The request the selected row answers and the replies to it among the drawn rows (their ids), for highlighting. */
  private related(row: DiagramRow | undefined, drawn: readonly DiagramRow[]): Set<string> {
    const ids = new Set<string>();
    if (row?.kind !== 'message') return ids;
    if (row.inReplyTo !== undefined) ids.add(row.inReplyTo);
    for (const r of drawn) if (r.kind === 'message' && r.inReplyTo === row.id) ids.add(r.id);
    return ids;
  }

  private requestOf(row: DiagramRow, store: TraceStore): MessageRow | undefined {
    if (row.kind !== 'message') return undefined;
    const r = store.rowReplyTo.get(row.row);
    if (r < 0) return undefined;
    const request = rowAt(store, r, this.cursor);
    return request.kind === 'message' ? request : undefined;
  }

  /** A bracket in the time column joining the selected reply to its request (clipped when the request is off screen). */
  private replyLink(row: DiagramRow, selected: number, first: number, store: TraceStore): SVGElement | undefined {
    const request = this.requestOf(row, store);
    const at = request ? this.filtered.indexOf(request.row) : -1;
    if (at < 0) return undefined;
    const y1 = (at - first) * ROW_H + ROW_H / 2,
      y2 = (selected - first) * ROW_H + ROW_H / 2;
    return s('path', { class: 'reply-link', d: `M${TIME_W - 2},${y1} h-5 V${y2} h5` });
  }

  /** Hovering a reply highlights its request (and a request its replies), without redrawing. */
  private hover(target: EventTarget | null, on: boolean): void {
    const g = (target as Element | null)?.closest?.('g.row.message');
    if (!g) return;
    const id = g.getAttribute('data-id') ?? '',
      replyTo = g.getAttribute('data-reply-to');
    for (const other of this.svg.querySelectorAll('g.row.message')) {
      const match = (replyTo !== null && other.getAttribute('data-id') === replyTo) || other.getAttribute('data-reply-to') === id;
      if (match) other.classList.toggle('hover-correlated', on);
    }
  }

  /** Select a row by its index among the shown rows, scroll it into view and show its details. */
  select(index: number): void {
    const store = this.store;
    if (!store || this.count === 0) return;
    const i = Math.max(0, Math.min(index, this.count - 1));
    this.selectedRow = this.filtered.get(i);
    const viewH = this.scroller.clientHeight || 600;
    const viewRows = Math.max(1, Math.floor((viewH - HEADER_H) / ROW_H));
    const first = this.firstVisible(viewRows);
    if (i < first) this.scroller.scrollTop = this.scrollTopFor(i, viewRows);
    else if (i >= first + viewRows)
      this.scroller.scrollTop = this.scrollTopFor(i - viewRows + 1, viewRows) + (this.count * ROW_H <= MAX_SCROLL ? HEADER_H : 0);
    this.drawnKey = '';
    this.render();
    this.on.select(rowAt(store, this.selectedRow, this.cursor));
  }

  /** Select the row drawing a given store row (e.g. the compare view's divergent event), when it is shown. */
  selectStoreRow(r: number): boolean {
    const i = this.filtered.indexOf(r);
    if (i < 0 || i >= this.count) return false;
    this.select(i);
    return true;
  }

  /** Focus the diagram (for keyboard users arriving from the tabs or returning from the details). */
  focus(): void {
    this.scroller.focus();
  }

  private onKey(ev: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.scroller.clientHeight || 600) / ROW_H) - 2);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    const selected = this.selectedIndex();
    if (ev.key in moves) this.select((selected < 0 ? -1 : selected) + moves[ev.key] + (selected < 0 && moves[ev.key] < 0 ? 1 : 0));
    else if (ev.key === 'Home') this.select(0);
    else if (ev.key === 'End') this.select(this.count - 1);
    else if (ev.key === ' ') this.select(Math.max(0, selected));
    else if (ev.key === 'Enter') {
      if (this.count === 0 || !this.store) return;
      if (selected < 0) this.select(0);
      this.on.open(rowAt(this.store, this.selectedRow, this.cursor));
    } else return;
    ev.preventDefault();
  }
}
