/**
 * Conversations as a sequence diagram: a lifeline per agent (outside parties marked), a row per message or mark with
 * its run-clock time. Lifelines share the width the panel has (ResizeObserver), never closer than MIN_LANE (then the
 * diagram scrolls sideways); the lifeline header sticks at the top. Virtualised: only the rows in the scrolled window
 * are in the DOM. Keyboard: the diagram is one focusable listbox; arrows / Page / Home / End move the selection,
 * Enter opens the details pane.
 */
import { h, s, setChildren } from './dom';
import { selectRows, type DiagramRow, type MessageRow, type ProblemKind, type TraceModel } from './traceModel';
import { ROW_H, TIME_W, describeRow, drawRow, type Layout } from './sequenceRow';

/** Lifelines never get closer than this; below it the diagram scrolls sideways. */
export const MIN_LANE = 90;
const MAX_LANE = 260;
/** Height of the sticky lifeline header (matches .seq-header in styles.ts). */
const HEADER_H = 24;
const OVERSCAN = 8;
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
  private readonly filter: HTMLSelectElement;
  private readonly chip: HTMLButtonElement;
  private readonly header: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly summary: HTMLElement;
  private model?: TraceModel;
  private rows: readonly DiagramRow[] = [];
  private rowsFor?: { source: readonly DiagramRow[]; conversation?: string; problem?: ProblemKind };
  private byId = new Map<string, number>();
  private conversation?: string;
  private problem?: ProblemKind;
  private selected = -1;
  private frame = 0;
  private layout: Layout = { laneW: MIN_LANE, width: TIME_W, x: new Map() };
  private layoutFor?: { agents: readonly string[]; agentMap: TraceModel['agents']; avail: number };
  private drawnFor?: { rows: readonly DiagramRow[]; key: string; layout: Layout };

  constructor(private readonly on: SequenceCallbacks) {
    this.filter = h('select', { id: 'conversation-filter', 'aria-label': 'Show one conversation' });
    this.filter.addEventListener('change', () => {
      this.conversation = this.filter.value === '' ? undefined : this.filter.value;
      this.resetSelection();
    });
    this.chip = h('button', { id: 'problem-chip', class: 'chip', hidden: true });
    this.chip.addEventListener('click', () => { this.setProblem(undefined); this.on.problem(undefined); this.focus(); });
    this.summary = h('span', { class: 'summary' });
    this.header = h('div', { class: 'seq-header', 'aria-hidden': 'true' });
    this.svg = s('svg', { class: 'seq-svg', role: 'presentation' });
    this.spacer = h('div', { class: 'seq-spacer' }, this.svg);
    this.scroller = h('div', {
      class: 'seq-scroll', tabindex: 0, role: 'listbox', 'aria-label': 'Messages in time order; arrow keys move, Enter opens the details',
    }, this.header, this.spacer);
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.scroller.addEventListener('keydown', (ev) => this.onKey(ev));
    // One delegated listener for all rows: rows come and go with scrolling.
    this.svg.addEventListener('click', (ev) => {
      const index = (ev.target as Element | null)?.closest?.('g.row')?.getAttribute('data-index');
      if (index !== null && index !== undefined) this.select(Number(index));
    });
    this.svg.addEventListener('mouseover', (ev) => this.hover(ev.target, true));
    this.svg.addEventListener('mouseout', (ev) => this.hover(ev.target, false));
    this.element = h('section', { class: 'view seq', id: 'view-conversations', role: 'tabpanel', 'aria-labelledby': 'tab-conversations' },
      h('div', { class: 'toolbar' }, h('label', { for: 'conversation-filter' }, 'Conversation '), this.filter, this.chip, this.summary),
      this.scroller);
    // Lifelines follow the panel's width: re-lay out whenever the diagram's box changes size.
    // (Next frame: re-laying out inside the observer callback could resize the box again and loop.)
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => requestAnimationFrame(() => this.refresh())).observe(this.scroller);
  }

  /** Show a new model (keeps the filters and the selection when they still exist). */
  update(model: TraceModel): void {
    this.model = model;
    this.updateFilter(model);
    this.refresh();
  }

  /** Show only rows of one problem kind (undefined: all rows). */
  setProblem(kind: ProblemKind | undefined): void {
    this.problem = kind;
    this.chip.hidden = kind === undefined;
    this.chip.textContent = kind ? `Only ${PROBLEM_LABEL[kind]} ✕` : '';
    this.chip.setAttribute('aria-label', kind ? `Showing only ${PROBLEM_LABEL[kind]}; press to show all rows` : '');
    this.element.dataset.problem = kind ?? '';
    this.resetSelection();
  }

  private resetSelection(): void {
    this.selected = -1;
    this.on.select(undefined);
    this.scroller.scrollTop = 0;
    this.refresh();
  }

  private updateFilter(model: TraceModel): void {
    if (this.filter.options.length === model.conversations.size + 1) return;
    const options = [h('option', { value: '' }, `All (${model.conversations.size})`)];
    for (const c of model.conversations.values()) {
      options.push(h('option', { value: c.id }, `${c.id}${c.protocol ? ` · ${c.protocol}` : ''} (${c.messages})${c.outcome ? ` · ${c.outcome}` : ''}`));
    }
    setChildren(this.filter, ...options);
    this.filter.value = this.conversation ?? '';
  }

  /** Lane width from the room the panel gives: shared evenly, clamped to [MIN_LANE, MAX_LANE]. */
  private relayout(model: TraceModel): void {
    const avail = this.scroller.clientWidth || 800;
    if (this.layoutFor?.agents === model.agentOrder && this.layoutFor.agentMap === model.agents && this.layoutFor.avail === avail) return;
    this.layoutFor = { agents: model.agentOrder, agentMap: model.agents, avail };
    const n = Math.max(1, model.agentOrder.length);
    const laneW = Math.max(MIN_LANE, Math.min(MAX_LANE, Math.floor((avail - TIME_W) / n)));
    const x = new Map(model.agentOrder.map((a, i) => [a, TIME_W + i * laneW + laneW / 2]));
    this.layout = { laneW, width: TIME_W + n * laneW, x };
    const names = model.agentOrder.map((a) => {
      const external = model.agents.get(a)?.external === true;
      const el = h('div', {
        class: `lane-name${external ? ' external' : ''}`, 'data-agent': a, 'data-external': external ? 'true' : undefined,
        title: external ? `${a}: an outside party, not an agent of this run` : a,
      }, a);
      el.style.width = `${laneW}px`;
      return el;
    });
    setChildren(this.header, h('div', { class: 'lane-time' }, 'time'), ...names);
    this.header.style.width = `${this.layout.width}px`;
    this.spacer.style.width = `${this.layout.width}px`;
    this.element.dataset.laneWidth = String(laneW);
  }

  private refresh(): void {
    const model = this.model;
    if (!model) return;
    const f = this.rowsFor;
    if (f?.source !== model.rows || f.conversation !== this.conversation || f.problem !== this.problem) {
      this.rows = selectRows(model.rows, this.conversation, this.problem);
      this.rowsFor = { source: model.rows, conversation: this.conversation, problem: this.problem };
      this.byId = new Map();
      this.rows.forEach((r, i) => { if (r.kind === 'message') this.byId.set(r.id, i); });
    }
    if (this.selected >= this.rows.length) this.selected = this.rows.length - 1;
    this.relayout(model);
    this.spacer.style.height = `${this.rows.length * ROW_H}px`;
    this.summary.textContent = this.rows.length === model.rows.length ? `${this.rows.length} rows` : `${this.rows.length} of ${model.rows.length} rows`;
    this.element.dataset.rows = String(this.rows.length);
    this.render();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  /** The request the selected row answers and the replies to it (their ids), for highlighting. */
  private related(): Set<string> {
    const row = this.rows[this.selected];
    const ids = new Set<string>();
    if (row?.kind !== 'message') return ids;
    if (row.inReplyTo !== undefined) ids.add(row.inReplyTo);
    for (const r of this.rows) if (r.kind === 'message' && r.inReplyTo === row.id) ids.add(r.id);
    return ids;
  }

  private requestOf(row: DiagramRow): MessageRow | undefined {
    if (row.kind !== 'message' || row.inReplyTo === undefined) return undefined;
    const i = this.byId.get(row.inReplyTo);
    const r = i === undefined ? undefined : this.rows[i];
    return r?.kind === 'message' ? r : undefined;
  }

  /** Draw only the rows inside the scrolled window (plus a little overscan). */
  private render(): void {
    const model = this.model;
    if (!model) return;
    const viewH = Math.max(ROW_H, (this.scroller.clientHeight || 600) - HEADER_H);
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_H) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.scroller.scrollTop + viewH) / ROW_H) + OVERSCAN);
    // Scrolling inside the same window (and re-renders with nothing new) keep the DOM as it is.
    const key = `${first}:${last}:${this.selected}`;
    if (this.drawnFor?.rows === this.rows && this.drawnFor.key === key && this.drawnFor.layout === this.layout) return;
    this.drawnFor = { rows: this.rows, key, layout: this.layout };
    const { width, x } = this.layout;
    const height = Math.max(0, last - first) * ROW_H;
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(height));
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.style.transform = `translateY(${first * ROW_H}px)`;
    const external = (n: string) => model.agents.get(n)?.external === true;
    const parts: SVGElement[] = model.agentOrder.map((a) => s('line', {
      class: `lifeline${external(a) ? ' external' : ''}`, 'data-agent': a, x1: x.get(a), x2: x.get(a), y1: 0, y2: height,
    }));
    const related = this.related();
    for (let i = first; i < last; i++) {
      const row = this.rows[i];
      const cls = `${i === this.selected ? ' selected' : ''}${row.kind === 'message' && related.has(row.id) ? ' correlated' : ''}`;
      parts.push(drawRow(row, i, (i - first) * ROW_H, this.layout, cls, describeRow(row, external, this.requestOf(row))));
    }
    const link = this.replyLink(first);
    if (link) parts.push(link);
    setChildren(this.svg, ...parts);
    this.scroller.setAttribute('aria-activedescendant', this.selected >= first && this.selected < last ? `row-${this.selected}` : '');
  }

  /** A bracket in the time column joining the selected reply to its request (clipped when the request is off screen). */
  private replyLink(first: number): SVGElement | undefined {
    const row = this.rows[this.selected];
    const request = row ? this.requestOf(row) : undefined;
    const at = request ? this.byId.get(request.id) : undefined;
    if (at === undefined) return undefined;
    const y1 = (at - first) * ROW_H + ROW_H / 2, y2 = (this.selected - first) * ROW_H + ROW_H / 2;
    return s('path', { class: 'reply-link', d: `M${TIME_W - 2},${y1} h-5 V${y2} h5` });
  }

  /** Hovering a reply highlights its request (and a request its replies), without redrawing. */
  private hover(target: EventTarget | null, on: boolean): void {
    const g = (target as Element | null)?.closest?.('g.row.message');
    if (!g) return;
    const id = g.getAttribute('data-id') ?? '', replyTo = g.getAttribute('data-reply-to');
    for (const other of this.svg.querySelectorAll('g.row.message')) {
      const match = (replyTo !== null && other.getAttribute('data-id') === replyTo) || other.getAttribute('data-reply-to') === id;
      if (match) other.classList.toggle('hover-correlated', on);
    }
  }

  /** Select a row by its index in the (filtered) list, scroll it into view and show its JSON. */
  select(index: number): void {
    if (this.rows.length === 0) return;
    this.selected = Math.max(0, Math.min(index, this.rows.length - 1));
    const top = this.selected * ROW_H;
    const viewH = this.scroller.clientHeight || 600;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (HEADER_H + top + ROW_H > this.scroller.scrollTop + viewH) this.scroller.scrollTop = HEADER_H + top + ROW_H - viewH;
    this.render();
    this.on.select(this.rows[this.selected]);
  }

  /** Focus the diagram (for keyboard users arriving from the tabs or returning from the details). */
  focus(): void { this.scroller.focus(); }

  private onKey(ev: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.scroller.clientHeight || 600) / ROW_H) - 2);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (ev.key in moves) this.select((this.selected < 0 ? -1 : this.selected) + moves[ev.key] + (this.selected < 0 && moves[ev.key] < 0 ? 1 : 0));
    else if (ev.key === 'Home') this.select(0);
    else if (ev.key === 'End') this.select(this.rows.length - 1);
    else if (ev.key === ' ') this.select(Math.max(0, this.selected));
    else if (ev.key === 'Enter') {
      if (this.rows.length === 0) return;
      if (this.selected < 0) this.select(0);
      this.on.open(this.rows[this.selected]);
    } else return;
    ev.preventDefault();
  }
}
