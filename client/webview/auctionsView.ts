/**
 * Auctions and contract nets: a table per auction with the price per round and each bidder's bid (leader marked,
 * winner highlighted, those who refused every round listed too) beside a price chart with axes; contract-net
 * proposals per round with only the winning round's proposal ticked. Long lists show the first CARDS_SHOWN.
 */
import { h, setChildren } from './dom';
import { ChartSet } from './charts';
import type { AuctionView, ContractNetView } from './model/auctions';

const CARDS_SHOWN = 60;

function auctionCard(a: AuctionView, charts: ChartSet): HTMLElement {
  const rows = a.rounds.map((r, i) =>
    h(
      'tr',
      { class: 'round', 'data-round': r.round },
      h('th', { scope: 'row' }, r.round),
      h('td', { class: 'price' }, r.price),
      ...a.bidders.map((b) => {
        const bid = r.bids.find((x) => x.bidder === b);
        const won = a.winner === b && i === a.rounds.length - 1;
        const cls = [bid ? 'bid' : 'nobid', r.leader === b ? 'leader' : '', won ? 'winner' : ''].filter(Boolean).join(' ');
        return h(
          'td',
          {
            class: cls,
            'data-bidder': b,
            'aria-label': bid ? `${b} bid ${bid.amount}${r.leader === b ? ', leading' : ''}` : `${b} did not bid`,
          },
          bid ? bid.amount : '–',
        );
      }),
    ),
  );
  const neverBid = a.bidders.filter((b) => !a.rounds.some((r) => r.bids.some((x) => x.bidder === b)));
  const result = a.ended
    ? h(
        'p',
        { class: `result${a.winner ? ' has-winner' : ''}`, 'data-winner': a.winner ?? '' },
        a.winner ? h('strong', { class: 'winner-name' }, `won by ${a.winner}`) : 'no winner',
        a.price !== undefined ? ` at ${a.price}` : '',
        a.reason ? ` · ${a.reason}` : '',
      )
    : h('p', { class: 'result pending' }, 'running…');
  const chart =
    a.rounds.length > 0
      ? charts.chart({
          title: 'Price per round',
          xLabel: 'round',
          yLabel: 'price',
          x: a.rounds.map((r) => r.round),
          series: [{ label: 'price', values: a.rounds.map((r) => r.price), color: 'accent' }],
          summary: a.rounds.map((r) => `round ${r.round}: ${r.price}`).join(', '),
        })
      : null;
  return h(
    'article',
    { class: 'card auction', 'data-auction': a.id, 'aria-label': `${a.kind} auction ${a.id}` },
    h('h3', {}, `${a.kind} auction · ${a.id}`),
    chart,
    h(
      'table',
      { class: 'rounds' },
      h('caption', { class: 'sr-only' }, `Rounds of auction ${a.id}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'round'),
          h('th', { scope: 'col' }, 'price'),
          ...a.bidders.map((b) =>
            h(
              'th',
              {
                scope: 'col',
                class: `${a.winner === b ? 'winner' : ''}${neverBid.includes(b) ? ' never-bid' : ''}`,
                'data-bidder': b,
                title: neverBid.includes(b) ? `${b} never bid (refused every round)` : b,
              },
              b,
            ),
          ),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
    neverBid.length ? h('p', { class: 'never-bid-note' }, `Never bid: ${neverBid.join(', ')}`) : null,
    result,
  );
}

function contractNetCard(c: ContractNetView): HTMLElement {
  const rounds = c.rounds.map((round, i) =>
    h(
      'div',
      { class: `cn-round${i === c.winningRound ? ' winning' : ''}`, 'data-round': i + 1 },
      c.rounds.length > 1 ? h('h4', {}, `round ${i + 1}${i === c.winningRound ? ' (winning round)' : ''}`) : null,
      h(
        'div',
        { class: 'proposals' },
        ...round.proposals.map((p) => {
          const chosen = i === c.winningRound && c.winner === p.agent;
          return h(
            'div',
            {
              class: `proposal${chosen ? ' chosen' : ''}${p.late ? ' late' : ''}`,
              'data-agent': p.agent,
              tabindex: 0,
              'aria-label': `${p.agent} proposed ${JSON.stringify(p.content)}${chosen ? ', chosen' : ''}${p.late ? ', late' : ''}`,
            },
            h('div', { class: 'proposal-agent' }, p.agent, chosen ? ' ✓' : '', p.late ? ' (late)' : ''),
            h('pre', {}, JSON.stringify(p.content, null, 1)),
          );
        }),
      ),
    ),
  );
  return h(
    'article',
    { class: 'card contract-net', 'data-conversation': c.id, 'aria-label': `contract net ${c.id}` },
    h('h3', {}, `contract net · ${c.id}${c.rounds.length > 1 ? ` · ${c.rounds.length} rounds` : ''}`),
    ...rounds,
    h(
      'p',
      { class: 'result' },
      c.awarded ? `${c.winner ? `awarded to ${c.winner}` : 'not awarded'} · ${c.policy ?? ''} · ${c.reason ?? ''}` : 'waiting for award…',
    ),
  );
}

function more(total: number): HTMLElement | null {
  return total > CARDS_SHOWN
    ? h('p', { class: 'empty' }, `Showing ${CARDS_SHOWN} of ${total}; filter the diagram by conversation to see one.`)
    : null;
}

export class AuctionsView {
  readonly element: HTMLElement = h('section', {
    class: 'view auctions',
    id: 'view-auctions',
    role: 'tabpanel',
    'aria-labelledby': 'tab-auctions',
    hidden: true,
  });
  private readonly charts = new ChartSet();

  update(auctions: readonly AuctionView[], nets: readonly ContractNetView[]): void {
    this.charts.reset();
    setChildren(
      this.element,
      h('h2', {}, `Auctions (${auctions.length})`),
      auctions.length
        ? h('div', { class: 'cards' }, ...auctions.slice(0, CARDS_SHOWN).map((a) => auctionCard(a, this.charts)))
        : h('p', { class: 'empty' }, 'No auctions in this trace yet.'),
      more(auctions.length),
      h('h2', {}, `Contract nets (${nets.length})`),
      nets.length
        ? h('div', { class: 'cards' }, ...nets.slice(0, CARDS_SHOWN).map(contractNetCard))
        : h('p', { class: 'empty' }, 'No contract nets in this trace yet.'),
      more(nets.length),
    );
  }
}
