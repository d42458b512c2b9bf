/**
 * Conversations and their protocol state at the cursor, as the runtime's protocol machine sees them: for each
 * participant, the state of its pair with the initiator ("agreed and has not reported the result"), whether the
 * conversation is complete, its outcome (a won auction reads "won by ..."), timeouts and violations. A conversation
 * opens in the diagram with Enter or a click. Thousands of conversations: the first SHOWN that match the filter box.
 */
import { h, setChildren } from './dom';
import { conversationAt, conversationsAt, protocolAt } from './model/conversations';
import type { TraceStore } from './model/traceStore';

const SHOWN = 200;

export class ProtocolsView {
  readonly element: HTMLElement;
  private readonly query: HTMLInputElement;
  private readonly list: HTMLElement;
  private last?: { store: TraceStore; cursor: number; outcomes: ReadonlyMap<string, string> };

  constructor(private readonly open: (conversationId: string) => void) {
    this.query = h('input', {
      type: 'search',
      id: 'protocols-filter',
      placeholder: 'conversation id or protocol',
      'aria-label': 'Filter conversations',
      autocomplete: 'off',
    });
    this.query.addEventListener('input', () => {
      if (this.last) this.update(this.last.store, this.last.cursor, this.last.outcomes);
    });
    this.list = h('div', { class: 'protocol-list' });
    this.element = h(
      'section',
      { class: 'view protocols', id: 'view-protocols', role: 'tabpanel', 'aria-labelledby': 'tab-protocols', hidden: true },
      h('div', { class: 'toolbar' }, h('label', { for: 'protocols-filter' }, 'Conversations '), this.query),
      this.list,
    );
  }

  update(store: TraceStore, cursor: number, outcomes: ReadonlyMap<string, string>): void {
    this.last = { store, cursor, outcomes };
    const n = conversationsAt(store, cursor);
    const q = this.query.value.trim().toLowerCase();
    const rows: HTMLElement[] = [];
    let matched = 0;
    for (let c = 0; c < n; c++) {
      const info = store.conversations[c];
      if (q && !info.id.toLowerCase().includes(q) && !(info.protocol ?? '').toLowerCase().includes(q)) continue;
      matched++;
      if (rows.length >= SHOWN) continue;
      const view = conversationAt(store, c, cursor, outcomes);
      const proto = protocolAt(store, c, cursor);
      const state = !proto.known
        ? view.protocol
          ? `${view.protocol}: not a protocol the platform checks`
          : 'no protocol'
        : proto.complete
          ? 'complete'
          : 'in progress';
      const open = h(
        'button',
        { class: 'link conversation-open', 'data-conversation': info.id, title: 'Show this conversation in the diagram' },
        info.id,
      );
      open.addEventListener('click', () => this.open(info.id));
      rows.push(
        h(
          'tr',
          {
            class: `conversation${proto.complete ? ' complete' : ''}${view.violations ? ' has-violations' : ''}`,
            'data-conversation': info.id,
            'data-state': proto.known ? (proto.complete ? 'complete' : 'open') : 'unknown',
          },
          h('th', { scope: 'row' }, open),
          h('td', { class: 'protocol' }, view.protocol ?? '–'),
          h('td', { class: 'state' }, state),
          h(
            'td',
            { class: 'pairs' },
            ...proto.pairs.map((p) =>
              h(
                'span',
                {
                  class: `pair${p.final ? ' final' : ''}`,
                  'data-participant': p.participant,
                  'data-state': p.state,
                  title: p.description ? `${p.participant}, who ${p.description}` : p.state,
                },
                `${p.participant}: ${p.state}`,
              ),
            ),
          ),
          h('td', { class: 'messages' }, view.messages),
          h('td', { class: 'outcome' }, view.outcome ?? ''),
          h(
            'td',
            { class: 'problems' },
            [view.timeouts ? `${view.timeouts} timeouts` : '', view.violations ? `${view.violations} violations` : '']
              .filter(Boolean)
              .join(', '),
          ),
        ),
      );
    }
    setChildren(
      this.list,
      h(
        'p',
        { class: 'summary' },
        matched > SHOWN ? `${SHOWN} of ${matched} conversations (narrow with the filter)` : `${matched} conversations`,
      ),
      rows.length
        ? h(
            'table',
            { class: 'protocols-table' },
            h('caption', { class: 'sr-only' }, 'Conversations and their protocol state'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['conversation', 'protocol', 'state', 'participants', 'messages', 'outcome', 'problems'].map((c) =>
                  h('th', { scope: 'col' }, c),
                ),
              ),
            ),
            h('tbody', {}, ...rows),
          )
        : h('p', { class: 'empty' }, 'No conversations yet.'),
    );
  }
}
