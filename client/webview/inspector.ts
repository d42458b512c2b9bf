/**
 * The inspector page: a summary strip (whose problem counts filter the diagram), tabs (conversations, auctions,
 * breakers, agents; WAI-ARIA tabs keys), a time slider over the trace, a details pane with the JSON of the selected
 * message (Enter opens it, Escape returns), and a polite live region for live runs. Only the visible view redraws;
 * the others catch up when shown.
 */
import type { TraceEvent } from '../../schemas/trace';
import type { FipaMessage } from '../../schemas/index';
import type { ViewToHost } from '../../schemas/protocol/inspector';
import { h, setChildren, formatMs } from './dom';
import { Replay } from './replay';
import type { DiagramRow, ProblemKind, TraceModel } from './traceModel';
import { SummaryStrip } from './summaryStrip';
import { Announcer } from './announcer';
import { SequenceView } from './sequenceView';
import { AuctionsView } from './auctionsView';
import { BreakersView } from './breakersView';
import { AgentsView } from './agentsView';

interface View { element: HTMLElement; update(model: TraceModel): void }
type TabId = 'conversations' | 'auctions' | 'breakers' | 'agents';
const TABS: Array<{ id: TabId; label: string }> = [
  { id: 'conversations', label: 'Conversations' }, { id: 'auctions', label: 'Auctions & contract nets' },
  { id: 'breakers', label: 'Breakers' }, { id: 'agents', label: 'Agents' },
];

export class Inspector {
  private readonly replay = new Replay();
  private readonly views: Record<TabId, View>;
  private readonly drawn = new Map<TabId, TraceModel>();
  private readonly tabs: HTMLButtonElement[];
  private readonly slider: HTMLInputElement;
  private readonly position: HTMLElement;
  private readonly status: HTMLElement;
  private readonly title: HTMLElement;
  private readonly details: HTMLPreElement;
  private readonly detailsTitle: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly sequence: SequenceView;
  private readonly strip: SummaryStrip;
  private readonly announcer = new Announcer();
  /** Where Escape in the details pane sends the focus back to. */
  private returnFocus?: () => void;
  private active: TabId = 'conversations';
  private live = false;
  private frame = 0;
  private playing = 0;

  constructor(root: HTMLElement, private readonly post: (message: ViewToHost) => void) {
    this.sequence = new SequenceView({
      select: (row) => this.showRow(row),
      open: (row) => { this.showRow(row); this.returnFocus = () => this.sequence.focus(); this.details.focus(); },
      problem: (kind) => this.strip.setActive(kind),
    });
    this.strip = new SummaryStrip((kind) => this.filterProblem(kind));
    this.views = { conversations: this.sequence, auctions: new AuctionsView(), breakers: new BreakersView(), agents: new AgentsView() };
    this.tabs = TABS.map((t) => {
      const b = h('button', { class: 'tab', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `view-${t.id}`, 'data-tab': t.id }, t.label);
      b.addEventListener('click', () => this.show(t.id));
      b.addEventListener('keydown', (ev) => this.onTabKey(ev, t.id));
      return b;
    });
    this.slider = h('input', { type: 'range', id: 'time-slider', min: 0, max: 0, value: 0, step: 1, 'aria-label': 'Time: events replayed' });
    this.slider.addEventListener('input', () => this.seekSoon(Number(this.slider.value)));
    this.play = h('button', { id: 'play', class: 'button', 'aria-label': 'Replay from the start' }, '▶ Replay');
    this.play.addEventListener('click', () => this.togglePlay());
    this.position = h('span', { id: 'position', 'aria-live': 'off' });
    this.status = h('span', { id: 'status', role: 'status' });
    this.title = h('h1', { id: 'title' }, 'Caxton inspector');
    this.detailsTitle = h('h2', { id: 'details-title' }, 'Details');
    this.details = h('pre', { id: 'details', tabindex: 0, 'aria-labelledby': 'details-title' }, 'Select a message to see its JSON.');
    const panes = Object.values(this.views).map((v) => v.element);
    for (const [id, pane] of Object.entries(this.views) as Array<[TabId, View]>) {
      // Panels without their own focus target take the focus themselves (WAI-ARIA tabs); Escape goes back to the tab.
      if (id !== 'conversations') pane.element.tabIndex = 0;
      pane.element.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); this.focusTab(); } });
    }
    this.details.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape') return;
      ev.preventDefault();
      const back = this.returnFocus ?? (() => this.focusTab());
      this.returnFocus = undefined;
      back();
    });
    setChildren(root,
      h('header', { class: 'top' }, this.title, this.status),
      this.strip.element, this.announcer.element,
      h('div', { class: 'timebar' }, this.play, h('label', { for: 'time-slider', class: 'sr-only' }, 'Time'), this.slider, this.position),
      h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Inspector views' }, ...this.tabs),
      h('main', { class: 'main' }, h('div', { class: 'views' }, ...panes), h('aside', { class: 'details', 'aria-label': 'Selected item' }, this.detailsTitle, this.details)));
    this.show('conversations', false);
  }

  /** Replace the trace. In live mode the slider follows new events while it is at the end. */
  reset(events: readonly TraceEvent[], live: boolean, title?: string): void {
    this.live = live;
    if (title) this.title.textContent = title;
    this.replay.reset(events);
    this.status.textContent = live ? 'live' : `replay · ${events.length} events`;
    this.redraw();
  }

  /** Append events of a running trace. */
  append(events: readonly TraceEvent[]): void {
    this.replay.append(events);
    if (this.live) this.announcer.note(events);
    this.redrawSoon();
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

  private showRow(row: DiagramRow | undefined): void {
    if (!row) { this.detailsTitle.textContent = 'Details'; this.details.textContent = 'Select a message to see its JSON.'; return; }
    if (row.kind === 'message') {
      const request = row.inReplyTo === undefined ? undefined : this.replay.model.rows.find((r) => r.kind === 'message' && r.id === row.inReplyTo);
      const answers = request?.kind === 'message' ? ` · replies to ${request.performative} from ${request.from}` : '';
      this.detailsTitle.textContent = `${row.performative} · ${row.from} → ${row.to.join(', ')} (${row.status})${answers}`;
      this.details.textContent = JSON.stringify(row.message, null, 2);
      this.post({ kind: 'selectMessage', id: row.id, conversation_id: row.conversationId });
    } else {
      this.detailsTitle.textContent = row.text;
      this.details.textContent = JSON.stringify(row.event, null, 2);
    }
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
    if (tab === 'conversations') this.sequence.focus(); else this.views[tab].element.focus();
  }

  private show(tab: TabId, focus = true): void {
    this.active = tab;
    for (const b of this.tabs) {
      const on = b.dataset.tab === tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    }
    for (const [id, v] of Object.entries(this.views)) v.element.hidden = id !== tab;
    this.redraw();
  }

  private onTabKey(ev: KeyboardEvent, tab: TabId): void {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = ev.key === 'ArrowRight' ? (i + 1) % TABS.length : ev.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length
      : ev.key === 'Home' ? 0 : ev.key === 'End' ? TABS.length - 1 : -1;
    if (next >= 0) { ev.preventDefault(); this.show(TABS[next].id); }
    // Enter / Space activate a tab (it is a button); ArrowDown goes into its panel.
    else if (ev.key === 'ArrowDown') { ev.preventDefault(); this.show(tab, false); this.focusView(tab); }
  }

  private seekSoon(n: number): void {
    this.stopPlay();
    this.replay.seek(n);
    this.redrawSoon();
  }

  private redrawSoon(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.redraw(); });
  }

  private redraw(): void {
    const model = this.replay.model;
    this.slider.max = String(this.replay.length);
    this.slider.value = String(this.replay.cursor);
    this.slider.setAttribute('aria-valuetext', `${this.replay.cursor} of ${this.replay.length} events`);
    const last = this.replay.eventAt(this.replay.cursor - 1);
    this.position.textContent = `${this.replay.cursor} / ${this.replay.length} events${last ? ` · ${formatMs(last.t)}` : ''}`;
    document.body.dataset.cursor = String(this.replay.cursor);
    document.body.dataset.events = String(this.replay.length);
    this.strip.update(model);
    if (this.drawn.get(this.active) !== model) {
      this.views[this.active].update(model);
      this.drawn.set(this.active, model);
      this.post({ kind: 'rendered', cursor: this.replay.cursor, events: this.replay.length, lanes: [...model.agentOrder], rows: model.rows.length });
    }
  }

  private togglePlay(): void {
    if (this.playing) { this.stopPlay(); return; }
    if (this.replay.atEnd) this.replay.seek(0);
    const step = Math.max(1, Math.ceil(this.replay.length / 150));
    this.play.textContent = '⏸ Pause';
    const tick = () => {
      this.replay.seek(this.replay.cursor + step);
      this.redraw();
      if (this.replay.atEnd) this.stopPlay(); else this.playing = window.setTimeout(tick, 40);
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
    this.post({ kind: 'error', text });
  }
}
