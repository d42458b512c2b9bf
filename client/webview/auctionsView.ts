/**
 * Auctions and contract nets: a table per auction with the price per round and each bidder's bid (leader marked,
 * winner highlighted, with a small price chart), and contract-net proposals side by side with the chosen one.
 */
import { h, s, setChildren } from './dom';
import type { AuctionView, ContractNetView, TraceModel } from './traceModel';

function priceChart(a: AuctionView): SVGSVGElement {
  const w = 240, hgt = 60, pad = 6;
  const prices = a.rounds.map((r) => r.price);
  const lo = Math.min(...prices), hi = Math.max(...prices);
  const x = (i: number) => pad + (prices.length > 1 ? (i * (w - 2 * pad)) / (prices.length - 1) : (w - 2 * pad) / 2);
  const y = (p: number) => hgt - pad - (hi === lo ? (hgt - 2 * pad) / 2 : ((p - lo) * (hgt - 2 * pad)) / (hi - lo));
  return s('svg', { class: 'price-chart', width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': `price per round: ${prices.join(', ')}` },
    s('polyline', { class: 'price-line', points: prices.map((p, i) => `${x(i)},${y(p)}`).join(' ') }),
    ...prices.map((p, i) => s('circle', { class: 'price-dot', cx: x(i), cy: y(p), r: 3 })));
}

function auctionCard(a: AuctionView): HTMLElement {
  const bidders = a.bidders;
  const rows = a.rounds.map((r) => h('tr', { class: 'round', 'data-round': r.round },
    h('th', { scope: 'row' }, r.round),
    h('td', { class: 'price' }, r.price),
    ...bidders.map((b) => {
      const bid = r.bids.find((x) => x.bidder === b);
      const cls = [bid ? 'bid' : 'nobid', r.leader === b ? 'leader' : '', a.winner === b && r === a.rounds[a.rounds.length - 1] ? 'winner' : ''].filter(Boolean).join(' ');
      return h('td', { class: cls, 'data-bidder': b, 'aria-label': bid ? `${b} bid ${bid.amount}${r.leader === b ? ', leading' : ''}` : `${b} did not bid` }, bid ? bid.amount : '–');
    })));
  const result = a.ended
    ? h('p', { class: `result${a.winner ? ' has-winner' : ''}`, 'data-winner': a.winner ?? '' },
      a.winner ? h('strong', { class: 'winner-name' }, a.winner) : 'no winner', a.price !== undefined ? ` at ${a.price}` : '', a.reason ? ` · ${a.reason}` : '')
    : h('p', { class: 'result pending' }, 'running…');
  return h('article', { class: 'card auction', 'data-auction': a.id, 'aria-label': `${a.kind} auction ${a.id}` },
    h('h3', {}, `${a.kind} auction · ${a.id}`),
    a.rounds.length ? priceChart(a) : null,
    h('table', { class: 'rounds' },
      h('caption', { class: 'sr-only' }, `Rounds of auction ${a.id}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'round'), h('th', { scope: 'col' }, 'price'), ...bidders.map((b) => h('th', { scope: 'col', class: a.winner === b ? 'winner' : '' }, b)))),
      h('tbody', {}, ...rows)),
    result);
}

function contractNetCard(c: ContractNetView): HTMLElement {
  return h('article', { class: 'card contract-net', 'data-conversation': c.id, 'aria-label': `contract net ${c.id}` },
    h('h3', {}, `contract net · ${c.id}`),
    h('div', { class: 'proposals' }, ...c.proposals.map((p) => h('div', {
      class: `proposal${c.winner === p.agent ? ' chosen' : ''}${p.late ? ' late' : ''}`, 'data-agent': p.agent, tabindex: 0,
      'aria-label': `${p.agent} proposed ${JSON.stringify(p.content)}${c.winner === p.agent ? ', chosen' : ''}${p.late ? ', late' : ''}`,
    }, h('div', { class: 'proposal-agent' }, p.agent, c.winner === p.agent ? ' ✓' : '', p.late ? ' (late)' : ''),
    h('pre', {}, JSON.stringify(p.content, null, 1))))),
    h('p', { class: 'result' }, c.awarded ? `${c.winner ? `awarded to ${c.winner}` : 'not awarded'} · ${c.policy ?? ''} · ${c.reason ?? ''}` : 'waiting for award…'));
}

export class AuctionsView {
  readonly element: HTMLElement = h('section', { class: 'view auctions', id: 'view-auctions', role: 'tabpanel', 'aria-labelledby': 'tab-auctions', hidden: true });
  private last?: { a: TraceModel['auctions']; c: TraceModel['contractNets'] };

  update(model: TraceModel): void {
    if (this.last?.a === model.auctions && this.last.c === model.contractNets) return;
    this.last = { a: model.auctions, c: model.contractNets };
    const auctions = [...model.auctions.values()];
    const nets = [...model.contractNets.values()];
    setChildren(this.element,
      h('h2', {}, `Auctions (${auctions.length})`),
      auctions.length ? h('div', { class: 'cards' }, ...auctions.map(auctionCard)) : h('p', { class: 'empty' }, 'No auctions in this trace yet.'),
      h('h2', {}, `Contract nets (${nets.length})`),
      nets.length ? h('div', { class: 'cards' }, ...nets.map(contractNetCard)) : h('p', { class: 'empty' }, 'No contract nets in this trace yet.'));
  }
}
