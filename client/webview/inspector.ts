/**
 * The inspector page: a summary strip (whose problem counts filter the diagram), tabs (conversations, protocols,
 * auctions, patterns, breakers, agents, compare; WAI-ARIA tabs keys), a time slider, a details pane (the selected
 * message's JSON, its protocol state, reveal its source, copy it as .fipa.json) and a polite live region.
 * Events are loaded in slices (a million-event trace draws its first rows at once and keeps loading), into one
 * TraceStore whose indexes every view reads at the cursor. Only the visible view redraws.
 */
import type { TraceEvent } from '../../schemas/trace';
import type { FipaMessage } from '../../schemas/index';
import type { ViewToHost } from '../../schemas/protocol/inspector';
import { h, setChildren, formatMs } from './dom';
import { TraceStore } from './model/traceStore';
import { summaryAt } from './model/summary';
import { agentsAt } from './model/agents';
import { AuctionsModel } from './model/auctions';
import { RoutesModel } from './model/routes';
import { PatternsModel } from './model/patterns';
import { patternOutcomes, protocolAt } from './model/conversations';
import { fipaJson, mermaidSequence } from './model/exports';
import { rowAt, type DiagramRow, type ProblemKind } from './model/rows';
import { SummaryStrip } from './summaryStrip';
import { Announcer } from './announcer';
import { SequenceView } from './sequenceView';
import { ProtocolsView } from './protocolsView';
import { AuctionsView } from './auctionsView';
import { PatternsView } from './patternsView';
import { BreakersView } from './breakersView';
import { AgentsView } from './agentsView';
import { CompareView } from './compareView';
import { exportSvg, EXPORT_ROWS } from './svgExport';

type TabId = 'conversations' | 'protocols' | 'auctions' | 'patterns' | 'breakers' | 'agents' | 'compare';
const TABS: Array<{ id: TabId; label: string }> = [
  { id: 'conversations', label: 'Conversations' },
  { id: 'protocols', label: 'Protocols' },
  { id: 'auctions', label: 'Auctions & contract nets' },
  { id: 'patterns', label: 'Patterns' },
  { id: 'breakers', label: 'Breakers' },
  { id: 'agents', label: 'Agents' },
  { id: 'compare', label: 'Compare' },
];
/** Events indexed per slice while loading, and the time a slice may take before the page draws. */
const SLICE_EVENTS = 25_000;
const SLICE_MS = 40;

/** What the page can do beyond drawing: post to a host (VS Code), or nothing (a standalone page). */
export interface InspectorHost {
  post(message: ViewToHost): void;
  hosted: boolean;
}

export class Inspector {
  private store = new TraceStore();
  private cursor = 0;
  private queue: TraceEvent[][] = [];
  private loading = 0;
  private follow = true;
  private readonly auctions = new AuctionsModel();
  private readonly routes = new RoutesModel();
  private readonly patterns = new PatternsModel();
  private readonly sequence: SequenceView;
  private readonly views: Record<TabId, HTMLElement>;
  private readonly protocols: ProtocolsView;
  private readonly auctionsView = new AuctionsView();
  private readonly patternsView = new PatternsView();
  private readonly breakersView = new BreakersView();
  private readonly agentsView = new AgentsView();
  private readonly compare: CompareView;
  private readonly drawn = new Map<TabId, string>();
  private readonly tabs: HTMLButtonElement[];
  private readonly slider: HTMLInputElement;
  private readonly position: HTMLElement;
  private readonly status: HTMLElement;
  private readonly title: HTMLElement;
  private readonly details: HTMLPreElement;
  private readonly detailsTitle: HTMLElement;
  private readonly detailsProtocol: HTMLElement;
  private readonly detailsActions: HTMLElement;
  private readonly copyBuffer: HTMLTextAreaElement;
  private readonly play: HTMLButtonElement;
  private readonly strip: SummaryStrip;
  private readonly announcer = new Announcer();
  private selected?: DiagramRow;
  /** Where a debugger stopped, until that event is loaded. */
  private pendingFollow?: { seq: number; text: string };
  private returnFocus?: () => void;
  private active: TabId = 'conversations';
  private live = false;
  private name = 'trace';
  private frame = 0;
  private playing = 0;
  private marked = { rows: false, loaded: 0 };

  constructor(
    root: HTMLElement,
    private readonly host: InspectorHost,
  ) {
    this.sequence = new SequenceView({
      select: (row) => this.showRow(row),
      open: (row) => {
        this.showRow(row);
        this.returnFocus = () => this.sequence.focus();
        this.details.focus();
      },
      problem: (kind) => this.strip.setActive(kind),
    });
    this.strip = new SummaryStrip((kind) => this.filterProblem(kind));
    this.protocols = new ProtocolsView((id) => {
      this.sequence.showConversation(id);
      this.show('conversations');
    });
    this.compare = new CompareView(host.hosted ? () => host.post({ kind: 'pickCompare' }) : undefined, (i) => this.revealEvent(i));
    this.views = {
      conversations: this.sequence.element,
      protocols: this.protocols.element,
      auctions: this.auctionsView.element,
      patterns: this.patternsView.element,
      breakers: this.breakersView.element,
      agents: this.agentsView.element,
      compare: this.compare.element,
    };
    this.tabs = TABS.map((t) => {
      const b = h('button', { class: 'tab', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `view-${t.id}`, 'data-tab': t.id }, t.label);
      b.addEventListener('click', () => this.show(t.id));
      b.addEventListener('keydown', (ev) => this.onTabKey(ev, t.id));
      return b;
    });
    this.slider = h('input', {
      type: 'range',
      id: 'time-slider',
      min: 0,
      max: 0,
      value: 0,
      step: 1,
      'aria-label': 'Time: events replayed',
    });
    this.slider.addEventListener('input', () => {
      this.stopPlay();
      this.seek(Number(this.slider.value));
    });
    this.play = h('button', { id: 'play', class: 'button', 'aria-label': 'Replay from the start' }, '▶ Replay');
    this.play.addEventListener('click', () => this.togglePlay());
    this.position = h('span', { id: 'position', 'aria-live': 'off' });
    this.status = h('span', { id: 'status', role: 'status' });
    this.title = h('h1', { id: 'title' }, 'Caxton inspector');
    this.detailsTitle = h('h2', { id: 'details-title' }, 'Details');
    this.detailsProtocol = h('p', { id: 'details-protocol', class: 'muted' });
    this.details = h('pre', { id: 'details', tabindex: 0, 'aria-labelledby': 'details-title' }, 'Select a message to see its JSON.');
    this.copyBuffer = h('textarea', { id: 'copy-buffer', readonly: true, 'aria-label': 'Copied text', hidden: true, rows: 6 });
    this.detailsActions = h('div', { class: 'details-actions', hidden: true }, ...this.detailButtons());
    for (const [id, pane] of Object.entries(this.views) as Array<[TabId, HTMLElement]>) {
      // Panels without their own focus target take the focus themselves (WAI-ARIA tabs); Escape goes back to the tab.
      if (id !== 'conversations') pane.tabIndex = 0;
      pane.addEventListener('keydown', (ev) => {
        if (ev.key === 'Escape' && !ev.defaultPrevented) {
          ev.preventDefault();
          this.focusTab();
        }
      });
    }
    this.details.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape') return;
      ev.preventDefault();
      const back = this.returnFocus ?? (() => this.focusTab());
      this.returnFocus = undefined;
      back();
    });
    // "/" jumps to the search box from anywhere but a text field.
    document.addEventListener('keydown', (ev) => {
      const t = ev.target as HTMLElement | null;
      if (ev.key === '/' && !(t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT'))) {
        ev.preventDefault();
        this.show('conversations', false);
        this.sequence.filters.search.focus();
      }
    });
    const exportSvgButton = h(
      'button',
      { class: 'button', id: 'export-svg', title: `The diagram as it is filtered, up to ${EXPORT_ROWS} rows` },
      'Export SVG',
    );
    exportSvgButton.addEventListener('click', () => this.exportDiagram('svg'));
    const exportMermaid = h(
      'button',
      { class: 'button', id: 'export-mermaid', title: `A Mermaid sequenceDiagram of the shown rows, up to ${EXPORT_ROWS}` },
      'Export Mermaid',
    );
    exportMermaid.addEventListener('click', () => this.exportDiagram('mermaid'));
    setChildren(
      root,
      h('header', { class: 'top' }, this.title, this.status, h('span', { class: 'spacer' }), exportSvgButton, exportMermaid),
      this.strip.element,
      this.announcer.element,
      h('div', { class: 'timebar' }, this.play, h('label', { for: 'time-slider', class: 'sr-only' }, 'Time'), this.slider, this.position),
      h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Inspector views' }, ...this.tabs),
      h(
        'main',
        { class: 'main' },
        h('div', { class: 'views' }, ...Object.values(this.views)),
        h(
          'aside',
          { class: 'details', 'aria-label': 'Selected item' },
          this.detailsTitle,
          this.detailsProtocol,
          this.detailsActions,
          this.copyBuffer,
          this.details,
        ),
      ),
    );
    this.show('conversations', false);
  }

  private detailButtons(): HTMLButtonElement[] {
    const button = (id: string, label: string, run: () => void) => {
      const b = h('button', { class: 'button', id }, label);
      b.addEventListener('click', run);
      return b;
    };
    return [
      button('reveal-source', 'Reveal source', () => this.revealSource()),
      button('copy-fipa', 'Copy as .fipa.json', () => {
        if (this.selected?.kind === 'message') this.copy(fipaJson(this.selected.message), '.fipa.json');
      }),
      button('show-conversation', 'Show this conversation', () => {
        if (this.selected?.conversationId) this.sequence.showConversation(this.selected.conversationId);
      }),
      button('fork-here', 'Restart from here', () => this.forkHere()),
    ];
  }

  /** A debugger stopped (the host says where): show event `seq`, once it is loaded, and why in the status line. */
  followSeq(seq: number, text: string): void {
    this.pendingFollow = { seq, text };
    this.applyFollow();
  }

  private applyFollow(): void {
    const f = this.pendingFollow;
    if (!f) return;
    const events = this.store.events;
    // Events are numbered from 0 without gaps, so seq is usually the index; look around it otherwise.
    const i = events[f.seq]?.seq === f.seq ? f.seq : events.findIndex((e) => e.seq === f.seq);
    if (i < 0) return; // not loaded yet: load() comes back here
    this.pendingFollow = undefined;
    this.revealEvent(i);
    this.status.textContent = `paused: ${f.text}`;
    document.body.dataset.followSeq = String(f.seq);
  }

  /** "Restart from here": the host re-runs the trace to the selected message and stops there (VS Code only). */
  private forkHere(): void {
    const row = this.selected;
    if (!row) return;
    if (this.host.hosted) {
      this.host.post({ kind: 'fork', seq: row.seq });
      return;
    }
    this.revealed(false, `Restart from here runs in VS Code's debugger: open this trace there (Caxton: Open Trace…) and choose it again`);
  }

  /** Replace the trace. In live mode the slider follows new events while it is at the end. */
  reset(events: readonly TraceEvent[], live: boolean, title?: string): void {
    this.live = live;
    if (title) {
      this.title.textContent = title;
      this.name = title;
    }
    this.store = new TraceStore();
    this.cursor = 0;
    this.follow = true;
    this.queue = [];
    this.selected = undefined;
    this.pendingFollow = undefined;
    this.drawn.clear();
    this.marked = { rows: false, loaded: 0 };
    this.showRow(undefined);
    this.append(events);
  }

  /** Add events (a live run's, or the next batch of a trace being loaded); the first slice is drawn at once. */
  append(events: readonly TraceEvent[]): void {
    if (events.length) this.queue.push(events as TraceEvent[]);
    if (this.live && events.length) this.announcer.note(events);
    if (!this.loading) this.load();
  }

  /** True while events wait to be indexed. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  private load(): void {
    this.loading = 0;
    const start = performance.now();
    while (this.queue.length && performance.now() - start < SLICE_MS) {
      const batch = this.queue[0];
      if (batch.length <= SLICE_EVENTS) {
        this.store.append(batch);
        this.queue.shift();
      } else {
        this.store.append(batch.slice(0, SLICE_EVENTS));
        this.queue[0] = batch.slice(SLICE_EVENTS);
      }
    }
    if (this.follow) this.cursor = this.store.length;
    this.status.textContent = this.queue.length
      ? `loading… ${this.store.length.toLocaleString('en')} events`
      : this.live
        ? 'live'
        : `replay · ${this.store.length.toLocaleString('en')} events`;
    document.body.dataset.loading = String(this.queue.length > 0);
    this.redraw();
    this.applyFollow();
    if (this.queue.length) this.loading = window.setTimeout(() => this.load(), 0);
  }

  /** The run's status changed (finished, runtime restarted...). */
  setStatus(running: boolean, text: string): void {
    this.live = running;
    this.status.textContent = text;
  }

  /** Show the reply to a message sent from the editor. */
  showReply(request: FipaMessage, reply: FipaMessage | undefined, error: string | undefined): void {
    this.detailsTitle.textContent = error ? `No reply to ${request.performative}` : `Reply to ${request.performative}`;
    this.details.textContent = error ?? JSON.stringify(reply, null, 2);
  }

  /** Compare the current trace with another (the host picked it). */
  compareWith(title: string, events: readonly TraceEvent[]): void {
    this.compare.setLeft(this.name, this.store.events);
    this.compare.setRight(title, events);
    this.show('compare', false);
  }

  /** The host's answer to a reveal. */
  revealed(ok: boolean, text: string): void {
    this.status.textContent = text;
    this.status.dataset.revealed = ok ? 'ok' : 'failed';
  }

  private showRow(row: DiagramRow | undefined): void {
    this.selected = row;
    this.detailsActions.hidden = row?.kind !== 'message';
    this.copyBuffer.hidden = true;
    this.detailsProtocol.textContent = '';
    if (!row) {
      this.detailsTitle.textContent = 'Details';
      this.details.textContent = 'Select a message to see its JSON.';
      return;
    }
    if (row.kind === 'message') {
      const reply = this.store.rowReplyTo.get(row.row);
      const request = reply >= 0 ? rowAt(this.store, reply, this.cursor) : undefined;
      const answers = request?.kind === 'message' ? ` · replies to ${request.performative} from ${request.from}` : '';
      this.detailsTitle.textContent = `#${row.seq} ${row.performative} · ${row.from} → ${row.to.join(', ')} (${row.status})${answers}`;
      this.details.textContent = JSON.stringify(row.message, null, 2);
      const c = row.conversationId === undefined ? undefined : this.store.conversationById.get(row.conversationId);
      if (c !== undefined) {
        const p = protocolAt(this.store, c, this.cursor);
        this.detailsProtocol.textContent = p.known
          ? `${p.protocol}: ${p.pairs.map((x) => `${x.participant} ${x.description ?? x.state}`).join('; ') || 'not started'}${p.complete ? ' (complete)' : ''}`
          : `conversation ${row.conversationId}${p.protocol ? ` · ${p.protocol}` : ''}`;
      }
      this.host.post({ kind: 'selectMessage', id: row.id, conversation_id: row.conversationId });
    } else {
      this.detailsTitle.textContent = `#${row.seq} ${row.text}`;
      this.details.textContent = JSON.stringify(row.data, null, 2);
    }
  }

  private revealSource(): void {
    const row = this.selected;
    if (row?.kind !== 'message') return;
    if (this.host.hosted) {
      this.host.post({ kind: 'revealSource', id: row.id, message: row.message });
      return;
    }
    this.revealed(
      false,
      `Reveal source opens files in VS Code; on this page: sent by ${row.from}${row.message.message_id ? `, message_id ${row.message.message_id}` : ''}`,
    );
  }

  private copy(text: string, what: string): void {
    this.copyBuffer.value = text;
    this.copyBuffer.hidden = false;
    if (this.host.hosted) {
      this.host.post({ kind: 'copy', text, what });
      return;
    }
    this.copyBuffer.select();
    const done = () => {
      this.status.textContent = `copied ${what}`;
    };
    // A standalone page may have no clipboard permission: the text stays selected in the box for Ctrl+C.
    void navigator.clipboard?.writeText(text).then(done, () => {
      this.status.textContent = `${what} is selected below: press Ctrl+C to copy`;
    });
  }

  private exportDiagram(format: 'svg' | 'mermaid'): void {
    const { store, filtered, count, cursor, lanes, layout } = this.sequence.rowsShown;
    if (!store) return;
    let text: string;
    if (format === 'svg') text = exportSvg(store, filtered, count, cursor, lanes, layout, this.name);
    else {
      const rows: DiagramRow[] = [];
      for (let i = 0; i < Math.min(count, EXPORT_ROWS); i++) rows.push(rowAt(store, filtered.get(i), cursor));
      text = mermaidSequence(
        rows,
        lanes.map((l) => l.name),
        this.name,
      );
    }
    const name = `${this.name.replace(/(\.trace)?\.jsonl$/, '').replace(/[^\w.-]+/g, '_') || 'diagram'}.${format === 'svg' ? 'svg' : 'mmd'}`;
    document.body.dataset.lastExport = format;
    if (this.host.hosted) {
      this.host.post({ kind: 'export', format, text, name });
      return;
    }
    const url = URL.createObjectURL(new Blob([text], { type: format === 'svg' ? 'image/svg+xml' : 'text/plain' }));
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Move the cursor to just after event `i` and show its row in the diagram (from the compare view). */
  private revealEvent(i: number): void {
    this.stopPlay();
    this.seek(Math.min(this.store.length, i + 1));
    this.show('conversations', false);
    let r = this.store.rowsAt(i + 1) - 1;
    if (r >= 0 && this.store.rowEvent.get(r) !== i) r = -1;
    if (r >= 0) this.sequence.selectStoreRow(r);
  }

  /** Filter the diagram to one kind of problem (from the summary strip) and show it. */
  private filterProblem(kind: ProblemKind | undefined): void {
    this.strip.setActive(kind);
    this.sequence.setProblem(kind);
    if (this.active !== 'conversations') this.show('conversations', false);
  }

  private focusTab(): void {
    this.tabs.find((b) => b.dataset.tab === this.active)?.focus();
  }

  private focusView(tab: TabId): void {
    if (tab === 'conversations') this.sequence.focus();
    else this.views[tab].focus();
  }

  private show(tab: TabId, focus = true): void {
    this.active = tab;
    for (const b of this.tabs) {
      const on = b.dataset.tab === tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    }
    for (const [id, v] of Object.entries(this.views)) v.hidden = id !== tab;
    if (tab === 'compare') this.compare.setLeft(this.name, this.store.events);
    this.redraw();
  }

  private onTabKey(ev: KeyboardEvent, tab: TabId): void {
    const i = TABS.findIndex((t) => t.id === tab);
    const next =
      ev.key === 'ArrowRight'
        ? (i + 1) % TABS.length
        : ev.key === 'ArrowLeft'
          ? (i + TABS.length - 1) % TABS.length
          : ev.key === 'Home'
            ? 0
            : ev.key === 'End'
              ? TABS.length - 1
              : -1;
    if (next >= 0) {
      ev.preventDefault();
      this.show(TABS[next].id);
    }
    // Enter / Space activate a tab (it is a button); ArrowDown goes into its panel.
    else if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      this.show(tab, false);
      this.focusView(tab);
    }
  }

  /** Move the time cursor to just after the first `n` events (the slider; the play button). */
  seek(n: number): void {
    this.cursor = Math.max(0, Math.min(Math.floor(n), this.store.length));
    this.follow = this.cursor === this.store.length;
    this.redrawSoon();
  }

  private redrawSoon(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.redraw();
    });
  }

  private redraw(): void {
    const started = performance.now();
    try {
      this.draw();
    } finally {
      // A user-timing entry per redraw: bench/inspector.bench.ts reads them to time seeks without the frame wait.
      performance.measure('caxton:redraw', { start: started });
    }
  }

  private draw(): void {
    const store = this.store,
      cursor = this.cursor;
    this.slider.max = String(store.length);
    this.slider.value = String(cursor);
    this.slider.setAttribute('aria-valuetext', `${cursor} of ${store.length} events`);
    const last = cursor > 0 ? store.events[cursor - 1] : undefined;
    this.position.textContent = `${cursor} / ${store.length} events${last ? ` · #${last.seq} · ${formatMs(last.t)}` : ''}`;
    document.body.dataset.cursor = String(cursor);
    document.body.dataset.events = String(store.length);
    this.strip.update(summaryAt(store, cursor));
    const key = `${cursor}:${store.length}`;
    if (this.drawn.get(this.active) === key) return;
    this.drawn.set(this.active, key);
    const auctions = () => this.auctions.at(store, cursor);
    switch (this.active) {
      case 'conversations':
        this.sequence.update(store, cursor);
        break;
      case 'protocols': {
        const a = auctions();
        this.protocols.update(
          store,
          cursor,
          patternOutcomes(a.auctions, a.contractNets, this.patterns.at(store, cursor).state.bargaining.values()),
        );
        break;
      }
      case 'auctions': {
        const a = auctions();
        this.auctionsView.update(a.auctions, a.contractNets);
        break;
      }
      case 'patterns':
        this.patternsView.update(this.patterns.at(store, cursor).state, store.timeSpan(cursor).end);
        break;
      case 'breakers': {
        const r = this.routes.at(store, cursor);
        this.breakersView.update(r.routes, r.pipelines, store.timeSpan(cursor));
        break;
      }
      case 'agents':
        this.agentsView.update(agentsAt(store, cursor));
        break;
      case 'compare':
        break;
    }
    // Marks for bench/inspector.bench.ts: when the first rows and the whole trace were on screen.
    if (store.rows > 0 && !this.marked.rows) {
      this.marked.rows = true;
      performance.mark('caxton:first-rows');
    }
    if (!this.queue.length && store.length > 0 && this.marked.loaded !== store.length) {
      this.marked.loaded = store.length;
      performance.mark('caxton:loaded');
    }
    const lanes = store.agents.filter((a) => a.firstEvent < cursor).map((a) => a.name);
    this.host.post({ kind: 'rendered', cursor, events: store.length, lanes, rows: store.rowsAt(cursor) });
  }

  private togglePlay(): void {
    if (this.playing) {
      this.stopPlay();
      return;
    }
    if (this.cursor >= this.store.length) this.cursor = 0;
    const step = Math.max(1, Math.ceil(this.store.length / 150));
    this.play.textContent = '⏸ Pause';
    const tick = () => {
      this.seek(this.cursor + step);
      this.redraw();
      if (this.cursor >= this.store.length) this.stopPlay();
      else this.playing = window.setTimeout(tick, 40);
    };
    this.playing = window.setTimeout(tick, 0);
  }

  private stopPlay(): void {
    if (this.playing) window.clearTimeout(this.playing);
    this.playing = 0;
    this.play.textContent = '▶ Replay';
  }

  /** Report a failure to the host (and show it). */
  fail(text: string): void {
    this.status.textContent = text;
    this.host.post({ kind: 'error', text });
  }
}
