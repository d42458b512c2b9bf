/**
 * Conversations as a sequence diagram: a lifeline per agent, an arrow per message labelled with its performative,
 * marks for timeouts, drops, violations and crashes. Virtualised: only the rows in the scrolled window are in the DOM.
 * Keyboard: the diagram is one focusable listbox; arrows / Page / Home / End move the selection, Enter shows the JSON.
 */
import { h, s, setChildren, formatMs } from './dom';
import { filterRows, type DiagramRow, type TraceModel } from './traceModel';

const ROW_H = 28;
const LANE_W = 150;
const OVERSCAN = 8;

/** A small stable colour index per conversation, so a conversation's rows share a band colour. */
function conversationHue(id: string | undefined): number {
  if (!id) return -1;
  let x = 0;
  for (let i = 0; i < id.length; i++) x = (x * 31 + id.charCodeAt(i)) >>> 0;
  return x % 8;
}

function describe(row: DiagramRow): string {
  if (row.kind === 'message') {
    const status = row.status === 'dropped' ? `, dropped (${row.dropReason ?? 'no reason'})` : row.status === 'delivered' ? '' : ', not delivered yet';
    return `${row.performative} from ${row.from} to ${row.to.join(', ')}${row.conversationId ? ` in ${row.conversationId}` : ''} at ${formatMs(row.t)}${status}`;
  }
  return `${row.marker.replace('_', ' ')}: ${row.text} at ${formatMs(row.t)}`;
}

export class SequenceView {
  readonly element: HTMLElement;
  private readonly filter: HTMLSelectElement;
  private readonly header: HTMLElement;
  private readonly lanes: HTMLElement;
  private lanesFor?: readonly string[];
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly summary: HTMLElement;
  private model?: TraceModel;
  private rows: readonly DiagramRow[] = [];
  private rowsFor?: { source: readonly DiagramRow[]; conversation?: string };
  private conversation?: string;
  private selected = -1;
  private frame = 0;
  private drawnFor?: { rows: readonly DiagramRow[]; key: string; agents: readonly string[] };

  constructor(private readonly onSelect: (row: DiagramRow | undefined) => void) {
    this.filter = h('select', { id: 'conversation-filter', 'aria-label': 'Show one conversation' });
    this.filter.addEventListener('change', () => {
      this.conversation = this.filter.value === '' ? undefined : this.filter.value;
      this.selected = -1;
      this.onSelect(undefined);
      this.scroller.scrollTop = 0;
      this.refresh();
    });
    this.summary = h('span', { class: 'summary', 'aria-live': 'polite' });
    // The lane names scroll sideways with the diagram (the header clips, its inner row is as wide as the diagram).
    this.lanes = h('div', { class: 'seq-lanes' });
    this.header = h('div', { class: 'seq-header', 'aria-hidden': 'true' }, this.lanes);
    this.svg = s('svg', { class: 'seq-svg', role: 'presentation' });
    this.spacer = h('div', { class: 'seq-spacer' }, this.svg);
    this.scroller = h('div', {
      class: 'seq-scroll', tabindex: 0, role: 'listbox', 'aria-label': 'Messages in time order; arrow keys move, Enter shows the JSON',
    }, this.spacer);
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.scroller.addEventListener('keydown', (ev) => this.onKey(ev));
    this.element = h('section', { class: 'view seq', id: 'view-conversations', role: 'tabpanel', 'aria-labelledby': 'tab-conversations' },
      h('div', { class: 'toolbar' }, h('label', { for: 'conversation-filter' }, 'Conversation '), this.filter, this.summary),
      this.header, this.scroller);
  }

  /** Show a new model (keeps the filter and the selection when they still exist). */
  update(model: TraceModel): void {
    this.model = model;
    this.updateFilter(model);
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

  private refresh(): void {
    const model = this.model;
    if (!model) return;
    if (this.rowsFor?.source !== model.rows || this.rowsFor.conversation !== this.conversation) {
      this.rows = filterRows(model.rows, this.conversation);
      this.rowsFor = { source: model.rows, conversation: this.conversation };
    }
    if (this.selected >= this.rows.length) this.selected = this.rows.length - 1;
    const width = Math.max(1, model.agentOrder.length) * LANE_W;
    this.spacer.style.height = `${this.rows.length * ROW_H}px`;
    this.spacer.style.width = `${width}px`;
    if (this.lanesFor !== model.agentOrder) {
      this.lanesFor = model.agentOrder;
      setChildren(this.lanes, ...model.agentOrder.map((a) => h('div', { class: 'lane-name', title: a }, a)));
    }
    this.lanes.style.width = `${width}px`;
    this.summary.textContent = `${this.rows.length} rows · ${model.totals.messages} messages · ${model.totals.dropped} dropped · ${model.totals.timeouts} timeouts · ${model.totals.violations} violations`;
    this.element.dataset.rows = String(this.rows.length);
    this.render();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); this.header.scrollLeft = this.scroller.scrollLeft; });
  }

  /** Draw only the rows inside the scrolled window (plus a little overscan). */
  private render(): void {
    const model = this.model;
    if (!model) return;
    const viewH = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_H) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.scroller.scrollTop + viewH) / ROW_H) + OVERSCAN);
    // Scrolling inside the same window (and re-renders with nothing new) keep the DOM as it is.
    const key = `${first}:${last}:${this.selected}`;
    if (this.drawnFor?.rows === this.rows && this.drawnFor.key === key && this.drawnFor.agents === model.agentOrder) return;
    this.drawnFor = { rows: this.rows, key, agents: model.agentOrder };
    const lane = new Map(model.agentOrder.map((a, i) => [a, i * LANE_W + LANE_W / 2]));
    const width = Math.max(1, model.agentOrder.length) * LANE_W;
    const height = Math.max(0, last - first) * ROW_H;
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(height));
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.style.transform = `translateY(${first * ROW_H}px)`;
    const parts: SVGElement[] = model.agentOrder.map((a) => s('line', { class: 'lifeline', 'data-agent': a, x1: lane.get(a), x2: lane.get(a), y1: 0, y2: height }));
    for (let i = first; i < last; i++) parts.push(this.drawRow(this.rows[i], i, (i - first) * ROW_H, lane, width));
    setChildren(this.svg, ...parts);
    this.scroller.setAttribute('aria-activedescendant', this.selected >= first && this.selected < last ? `row-${this.selected}` : '');
  }

  private drawRow(row: DiagramRow, index: number, y: number, lane: Map<string, number>, width: number): SVGGElement {
    const mid = y + ROW_H / 2;
    const hue = conversationHue(row.conversationId);
    const g = s('g', {
      class: `row ${row.kind}${index === this.selected ? ' selected' : ''}`, id: `row-${index}`, role: 'option',
      'aria-selected': index === this.selected ? 'true' : 'false', 'aria-label': describe(row), 'data-index': index, 'data-seq': row.seq,
    }, s('rect', { class: 'row-bg', x: 0, y, width, height: ROW_H }),
    hue >= 0 ? s('rect', { class: `conv-band conv-${hue}`, x: 0, y: y + 2, width: 4, height: ROW_H - 4 }) : null);
    g.addEventListener('click', () => this.select(index));
    if (row.kind === 'message') {
      const x1 = lane.get(row.from) ?? 0;
      const cls = `arrow perf-${row.performative} status-${row.status}${row.alarm ? ' alarm' : ''}`;
      g.setAttribute('data-performative', row.performative);
      g.setAttribute('data-from', row.from);
      g.setAttribute('data-to', row.to.join(','));
      for (const to of row.to) {
        const x2 = lane.get(to) ?? 0;
        if (x2 === x1) {
          g.append(s('path', { class: cls, d: `M${x1},${mid - 6} h24 v12 h-24` }));
        } else {
          g.append(s('line', { class: cls, x1, y1: mid, x2: x2 + (x2 > x1 ? -4 : 4), y2: mid }));
          g.append(s('path', { class: `head ${cls}`, d: x2 > x1 ? `M${x2},${mid} l-8,-4 v8 z` : `M${x2},${mid} l8,-4 v8 z` }));
        }
      }
      const xs = row.to.map((t) => lane.get(t) ?? 0);
      const labelX = (x1 + (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : x1)) / 2 + (xs.every((x) => x === x1) ? 40 : 0);
      g.append(s('text', { class: 'label', x: labelX, y: mid - 4, 'text-anchor': 'middle' }, row.performative + (row.status === 'dropped' ? ' ✕' : '')));
    } else {
      g.setAttribute('data-marker', row.marker);
      const x = row.agent !== undefined ? lane.get(row.agent) ?? LANE_W / 2 : LANE_W / 2;
      if (row.marker === 'conversation_ended') g.append(s('line', { class: 'marker-line', x1: 0, x2: width, y1: mid, y2: mid }));
      else g.append(s('path', { class: `marker marker-${row.marker}`, d: `M${x},${mid - 7} l7,7 l-7,7 l-7,-7 z` }));
      g.append(s('text', { class: `marker-text marker-${row.marker}`, x: x + 12, y: mid + 4 }, row.text));
    }
    return g;
  }

  /** Select a row by its index in the (filtered) list, scroll it into view and show its JSON. */
  select(index: number): void {
    if (this.rows.length === 0) return;
    this.selected = Math.max(0, Math.min(index, this.rows.length - 1));
    const top = this.selected * ROW_H;
    const viewH = this.scroller.clientHeight || 600;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_H > this.scroller.scrollTop + viewH) this.scroller.scrollTop = top + ROW_H - viewH;
    this.render();
    this.onSelect(this.rows[this.selected]);
  }

  /** Focus the diagram (for keyboard users arriving from the tabs). */
  focus(): void { this.scroller.focus(); }

  private onKey(ev: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.scroller.clientHeight || 600) / ROW_H) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (ev.key in moves) this.select((this.selected < 0 ? -1 : this.selected) + moves[ev.key] + (this.selected < 0 && moves[ev.key] < 0 ? 1 : 0));
    else if (ev.key === 'Home') this.select(0);
    else if (ev.key === 'End') this.select(this.rows.length - 1);
    else if (ev.key === 'Enter' || ev.key === ' ') this.select(Math.max(0, this.selected));
    else return;
    ev.preventDefault();
  }
}
