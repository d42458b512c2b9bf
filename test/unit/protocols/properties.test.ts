/** Property tests (fast-check): auction invariants hold for any bids and valuations. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { vickreyOutcome } from '../../../runtime/protocols/vickreyAuction';
import { englishAuctionMachine } from '../../../runtime/protocols/englishAuction';
import { dutchAuctionMachine } from '../../../runtime/protocols/dutchAuction';
import type { ProtocolEffect, ProtocolEvent, ProtocolMachine } from '../../../runtime/protocols/machine';
import { msg, outcomeOf, start, timer } from './support/events';

/** Run a machine with bidders answering each cfp by `answer`; returns the outcome. */
function simulate<S>(
  m: ProtocolMachine<S>,
  answer: (bidder: string, content: Record<string, number | boolean | null>) => ProtocolEvent,
): Record<string, unknown> {
  let state = m.initial();
  const queue: ProtocolEvent[] = [start()];
  let t = 0;
  for (let steps = 0; steps < 10_000; steps++) {
    const e = queue.shift() ?? timer('round', (t += 1000));
    const r = m.step(state, e);
    state = r.state;
    const done = outcomeOf(r.effects);
    if (done) return done;
    for (const x of r.effects as ProtocolEffect[]) {
      if (x.kind === 'send' && x.message.performative === 'cfp' && x.message.reply_with) {
        queue.push({
          ...answer(String(x.message.receiver), x.message.content as Record<string, number>),
          at: { now: t, wall: t },
        } as ProtocolEvent);
      }
    }
  }
  throw new Error('no outcome');
}

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `b${i}`);

describe('auction properties', () => {
  it('Vickrey: the top bid wins and pays the second price (at least the reserve, at most its bid)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 }),
        fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
        (amounts, reserve) => {
          const bids = amounts.map((amount, i) => ({ bidder: `b${i}`, amount, at: i }));
          const r = vickreyOutcome(bids, reserve);
          const sorted = [...amounts].sort((a, b) => b - a);
          if (reserve !== undefined && sorted[0] < reserve) return r.winner === undefined;
          const winnerBid = bids.find((b) => b.bidder === r.winner)!.amount;
          assert.equal(winnerBid, sorted[0]);
          assert.ok(r.price! <= winnerBid && r.price! >= (reserve ?? 0));
          if (sorted.length > 1) assert.equal(r.price, Math.max(sorted[1], reserve ?? sorted[1]));
          return true;
        },
      ),
    );
  });

  it('English: the winner pays at most its valuation, nobody else would pay the next ask, and a clear top valuation wins', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 1, max: 25 }),
        (vals, increment) => {
          const bidders = names(vals.length);
          const o = simulate(
            englishAuctionMachine({
              auctioneer: 'auc',
              auctionId: 'a',
              bidders,
              item: null,
              startPrice: 0,
              increment,
              roundMs: 1000,
              maxRounds: 10_000,
            }),
            (b, c) => {
              const v = vals[bidders.indexOf(b)];
              return Number(c.ask) <= v
                ? msg('propose', b, { amount: c.ask }, { in_reply_to: `a/round/${c.round}/${b}` })
                : msg('refuse', b, null, { in_reply_to: `a/round/${c.round}/${b}` });
            },
          );
          const sorted = [...vals].sort((x, y) => y - x);
          const price = Number(o.price);
          const winnerVal = vals[bidders.indexOf(String(o.winner))];
          assert.ok(price <= winnerVal);
          for (const v of vals) if (v !== winnerVal) assert.ok(v < price + increment, `${v} would have bid ${price + increment}`);
          if (sorted[0] >= sorted[1] + increment) assert.equal(winnerVal, sorted[0]);
        },
      ),
    );
  });

  it('Dutch: sold at the first price someone accepts (nobody would have paid the price before), never under the floor', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 300 }),
        (limits, step, floor) => {
          const bidders = names(limits.length);
          const o = simulate(
            dutchAuctionMachine({ auctioneer: 'auc', auctionId: 'd', bidders, item: null, startPrice: 600, step, floor, roundMs: 1000 }),
            (b, c) => {
              const l = limits[bidders.indexOf(b)];
              return Number(c.price) <= l ? msg('propose', b, {}, {}) : msg('refuse', b, null, {});
            },
          );
          const best = Math.max(...limits);
          if (o.ok) {
            const price = Number(o.price);
            assert.ok(limits[bidders.indexOf(String(o.winner))] >= price, 'the winner accepted a price within its limit');
            assert.ok(price === 600 || best < price + step, 'nobody would have taken the previous, higher price');
            assert.ok(price >= floor);
          } else {
            assert.ok(best < floor || 600 - Math.ceil((600 - best) / step) * step < floor);
          }
        },
      ),
    );
  });
});
