/**
 * The diagram's filter bar: free-text search, performative, conversation (a combobox whose suggestions are looked
 * up as you type, so a trace with thousands of conversations never builds a huge dropdown), an agent's messages,
 * and the lane chooser (JADE sniffer-like: tick the agents to show; hidden ones collapse into one lane).
 * Choices are rebuilt only when the set of agents or performatives grows, never on a seek.
 */
import { h, setChildren } from './dom';
import type { RowFilter } from './model/rowFilter';
import type { TraceStore } from './model/traceStore';

const SUGGESTIONS = 40;

export class FilterBar {
  readonly element: HTMLElement;
  readonly lanePanel: HTMLElement;
  readonly search: HTMLInputElement;
  private readonly performative: HTMLSelectElement;
  private readonly conversation: HTMLInputElement;
  private readonly conversationList: HTMLDataListElement;
  private readonly agent: HTMLSelectElement;
  private readonly lanesButton: HTMLButtonElement;
  private readonly laneList: HTMLElement;
  private store?: TraceStore;
  private shown = { performatives: -1, agents: -1 };
  private hidden = new Set<string>();
  private timer = 0;

  /** `change` gets the filter fields that changed. */
  constructor(private readonly change: (patch: Partial<RowFilter>) => void) {
    this.search = h('input', {
      type: 'search',
      id: 'search',
      placeholder: 'Search: text, agent, performative, content…',
      'aria-label': 'Search the rows (press / to come here)',
      autocomplete: 'off',
    });
    this.search.addEventListener('input', () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.change({ text: this.search.value.trim() || undefined }), 150);
    });
    this.performative = h('select', { id: 'performative-filter', 'aria-label': 'Show one performative' });
    this.performative.addEventListener('change', () =>
      this.change({ performatives: this.performative.value ? new Set([this.performative.value]) : undefined }),
    );
    this.conversationList = h('datalist', { id: 'conversation-options' });
    this.conversation = h('input', {
      type: 'search',
      id: 'conversation-filter',
      list: 'conversation-options',
      placeholder: 'all conversations',
      'aria-label': 'Show one conversation (type its id)',
      autocomplete: 'off',
    });
    this.conversation.addEventListener('input', () => this.suggest());
    this.conversation.addEventListener('change', () => this.applyConversation());
    this.conversation.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') this.applyConversation();
    });
    this.agent = h('select', { id: 'agent-filter', 'aria-label': 'Show the messages of one agent' });
    this.agent.addEventListener('change', () => this.change({ agent: this.agent.value || undefined }));
    this.lanesButton = h(
      'button',
      { id: 'lanes-button', class: 'button', 'aria-expanded': 'false', 'aria-controls': 'lane-chooser' },
      'Lanes…',
    );
    this.laneList = h('div', { class: 'lane-list', role: 'group', 'aria-label': 'Agents shown as lanes' });
    const all = h('button', { class: 'button', id: 'lanes-all' }, 'Show all');
    all.addEventListener('click', () => this.setHidden(new Set()));
    const outside = h('button', { class: 'button', id: 'lanes-hide-outside' }, 'Hide outside parties');
    outside.addEventListener('click', () =>
      this.setHidden(new Set(this.store?.agents.filter((a) => a.ownSince < 0).map((a) => a.name) ?? [])),
    );
    this.lanePanel = h(
      'div',
      { id: 'lane-chooser', class: 'lane-chooser', hidden: true },
      h('div', { class: 'lane-actions' }, all, outside),
      this.laneList,
    );
    this.lanesButton.addEventListener('click', () => this.toggleLanes());
    this.lanePanel.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.stopPropagation();
        this.toggleLanes(false);
        this.lanesButton.focus();
      }
    });
    this.element = h(
      'div',
      { class: 'filters', role: 'search', 'aria-label': 'Filter the diagram' },
      this.search,
      h('label', { for: 'performative-filter', class: 'sr-only' }, 'Performative'),
      this.performative,
      h('label', { for: 'conversation-filter', class: 'sr-only' }, 'Conversation'),
      this.conversation,
      this.conversationList,
      h('label', { for: 'agent-filter', class: 'sr-only' }, 'Agent'),
      this.agent,
      this.lanesButton,
    );
  }

  /** Follow a new or grown trace: new agents / performatives extend the choices (nothing is rebuilt otherwise). */
  update(store: TraceStore): void {
    // A new trace keeps the filters (and hidden lanes) the user chose, as the diagram does.
    if (store !== this.store) {
      this.store = store;
      this.shown = { performatives: -1, agents: -1 };
    }
    if (this.shown.performatives !== store.performatives.length) {
      this.shown.performatives = store.performatives.length;
      const value = this.performative.value;
      setChildren(
        this.performative,
        h('option', { value: '' }, 'all performatives'),
        ...store.performatives.map((p) => h('option', { value: p }, p)),
      );
      this.performative.value = value;
    }
    if (this.shown.agents !== store.agents.length) {
      this.shown.agents = store.agents.length;
      const value = this.agent.value;
      setChildren(this.agent, h('option', { value: '' }, 'all agents'), ...store.agents.map((a) => h('option', { value: a.name }, a.name)));
      this.agent.value = value;
      if (!this.lanePanel.hidden) this.drawLanes();
    }
  }

  /** Set the conversation filter from outside (e.g. "show this conversation" on a selected row). */
  showConversation(id: string | undefined): void {
    this.conversation.value = id ?? '';
    this.change({ conversation: id });
  }

  private applyConversation(): void {
    const id = this.conversation.value.trim();
    if (id === '') {
      this.change({ conversation: undefined });
      return;
    }
    if (this.store?.conversationById.has(id)) this.change({ conversation: id });
  }

  /** Up to SUGGESTIONS conversation ids containing what was typed. */
  private suggest(): void {
    const q = this.conversation.value.trim().toLowerCase();
    const found: string[] = [];
    for (const c of this.store?.conversations ?? []) {
      if (c.id.toLowerCase().includes(q)) found.push(c.id);
      if (found.length >= SUGGESTIONS) break;
    }
    setChildren(this.conversationList, ...found.map((id) => h('option', { value: id })));
    if (q === '') this.change({ conversation: undefined });
    else if (this.store?.conversationById.has(this.conversation.value.trim())) this.applyConversation();
  }

  private toggleLanes(open = this.lanePanel.hidden): void {
    this.lanePanel.hidden = !open;
    this.lanesButton.setAttribute('aria-expanded', String(open));
    if (open) {
      this.drawLanes();
      (this.laneList.querySelector('input') as HTMLInputElement | null)?.focus();
    }
  }

  private drawLanes(): void {
    // Ticking a box keeps the boxes (and the focus in them); only a grown list of agents rebuilds it.
    const boxes = this.laneList.querySelectorAll('input');
    if (boxes.length === (this.store?.agents.length ?? 0)) {
      for (const box of boxes) box.checked = !this.hidden.has(box.dataset.agent ?? '');
      return;
    }
    setChildren(
      this.laneList,
      ...(this.store?.agents ?? []).map((a) => {
        const box = h('input', { type: 'checkbox', 'data-agent': a.name });
        box.checked = !this.hidden.has(a.name);
        box.addEventListener('change', () => {
          const next = new Set(this.hidden);
          if (box.checked) next.delete(a.name);
          else next.add(a.name);
          this.setHidden(next);
        });
        return h('label', { class: `lane-option${a.ownSince < 0 ? ' external' : ''}`, title: a.name }, box, ` ${a.name}`);
      }),
    );
  }

  private setHidden(hidden: Set<string>): void {
    this.hidden = hidden;
    this.lanesButton.textContent = hidden.size ? `Lanes… (${hidden.size} hidden)` : 'Lanes…';
    if (!this.lanePanel.hidden) this.drawLanes();
    this.change({ hidden });
  }
}
