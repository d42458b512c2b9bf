import * as assert from 'node:assert/strict';
import { englishAuctionMachine, type EnglishAuctionOptions } from '../../../runtime/protocols/englishAuction';
import { dutchAuctionMachine, type DutchAuctionOptions } from '../../../runtime/protocols/dutchAuction';
import { vickreyAuctionMachine, vickreyOutcome } from '../../../runtime/protocols/vickreyAuction';
import { runEvents } from '../../../runtime/protocols/machine';
import { msg, outcomeOf, sent, start, timer, traced } from './support/events';

const bidders = ['b1', 'b2', 'b3'];
const english: EnglishAuctionOptions = {
  auctioneer: 'auctioneer',
  auctionId: 'a-1',
  bidders,
  item: 'vase',
  startPrice: 10,
  increment: 5,
  roundMs: 1000,
  maxRounds: 50,
};
const round = (r: number, b: string): { in_reply_to: string } => ({ in_reply_to: `a-1/round/${r}/${b}` });

describe('English auction (pure machine)', () => {
  it('raises the ask by the increment each round and sells to the last leader when no higher bid comes', () => {
    const m = englishAuctionMachine({ ...english, reserve: 20 });
    const r = runEvents(m, [
      start(),
      msg('propose', 'b1', { amount: 10 }, round(1, 'b1'), 1),
      msg('propose', 'b2', { amount: 12 }, round(1, 'b2'), 2),
      msg('refuse', 'b3', null, round(1, 'b3'), 3),
      msg('propose', 'b1', { amount: 17 }, round(2, 'b1'), 4),
      msg('refuse', 'b3', null, round(2, 'b3'), 5),
      msg('propose', 'b2', { amount: 22 }, round(3, 'b2'), 6),
      msg('refuse', 'b3', null, round(3, 'b3'), 7),
      timer('round', 3000),
    ]);
    const rounds = traced(r.effects, 'auction_round');
    assert.deepEqual(
      rounds.map((e) => [e.round, e.price, e.leader]),
      [
        [1, 12, 'b2'],
        [2, 17, 'b1'],
        [3, 22, 'b2'],
        [4, 22, 'b2'],
      ],
    );
    assert.deepEqual(rounds[0].bids, [
      { bidder: 'b1', amount: 10 },
      { bidder: 'b2', amount: 12 },
    ]);
    const asks = sent(r.effects, 'cfp')
      .filter((c) => c.receiver === 'b3')
      .map((c) => (c.content as { ask: number }).ask);
    assert.deepEqual(asks, [10, 17, 22, 27]);
    const o = outcomeOf(r.effects)!;
    assert.deepEqual([o.winner, o.price, o.reason], ['b2', 22, 'no higher bid']);
    assert.deepEqual(traced(r.effects, 'auction_result')[0], {
      type: 'auction_result',
      auction_id: 'a-1',
      kind: 'english',
      winner: 'b2',
      price: 22,
      reason: 'no higher bid',
    });
    assert.equal(sent(r.effects, 'inform').length, 3, 'every bidder is told the result');
  });

  it('does not ask the leader to answer: its cfp carries no reply_with', () => {
    const m = englishAuctionMachine(english);
    const r = runEvents(m, [start(), msg('propose', 'b1', { amount: 10 }, round(1, 'b1')), timer('round', 1000)]);
    const second = sent(r.effects, 'cfp').filter((c) => (c.content as { round: number }).round === 2);
    assert.equal(second.find((c) => c.receiver === 'b1')?.reply_with, undefined);
    assert.ok(second.find((c) => c.receiver === 'b2')?.reply_with);
  });

  const unhappy: Array<{ name: string; events: ReturnType<typeof msg>[]; reason: RegExp; winner?: string }> = [
    { name: 'no bids', events: [timer('round', 1000)], reason: /^no bids$/ },
    {
      name: 'reserve not met',
      events: [msg('propose', 'b1', { amount: 15 }, round(1, 'b1')), timer('round', 1000), timer('round', 2000)],
      reason: /reserve not met: highest bid 15 < reserve 50/,
    },
  ];
  for (const u of unhappy) {
    it(`ends without a winner on ${u.name}`, () => {
      const r = runEvents(englishAuctionMachine({ ...english, reserve: 50 }), [start(), ...u.events]);
      const o = outcomeOf(r.effects)!;
      assert.equal(o.ok, false);
      assert.match(String(o.reason), u.reason);
      assert.equal(o.winner, undefined);
    });
  }

  it('rejects a bid below the ask, refuses a second bid in a round and a bid from a stranger', () => {
    const m = englishAuctionMachine(english);
    const r = runEvents(m, [start(), msg('propose', 'b1', { amount: 5 }, { ...round(1, 'b1'), reply_with: 'low' })]);
    const reject = sent(r.effects, 'reject_proposal')[0];
    assert.equal(reject.in_reply_to, 'low');
    assert.match(String((reject.content as { reason: string }).reason), /below the ask 10/);
    for (const e of [msg('propose', 'b1', { amount: 50 }, round(1, 'b1')), msg('propose', 'eve', { amount: 99 })]) {
      const v = m.step(r.state, e);
      assert.equal(traced(v.effects, 'protocol_violation').length, 1);
      assert.equal(sent(v.effects, 'not_understood').length, 1);
    }
  });

  it('withdraws a bidder that trapped mid-auction and keeps going; a late answer to an old round is refused', () => {
    const m = englishAuctionMachine(english);
    const r = runEvents(m, [
      start(),
      msg('propose', 'b1', { amount: 10 }, round(1, 'b1')),
      msg('propose', 'b2', { amount: 11 }, round(1, 'b2')),
      msg('refuse', 'b3', null, round(1, 'b3')),
      msg('failure', 'caxton', { error: 'agent_failed', receiver: 'b1' }, round(2, 'b1')),
    ]);
    assert.deepEqual(r.state.active, ['b2', 'b3']);
    const late = m.step(r.state, msg('propose', 'b3', { amount: 30 }, round(1, 'b3')));
    assert.equal(sent(late.effects, 'reject_proposal').length, 1);
    const end = runEvents(m, [msg('refuse', 'b3', null, round(2, 'b3'))], r.state);
    assert.deepEqual([outcomeOf(end.effects)?.winner, outcomeOf(end.effects)?.price], ['b2', 11]);
  });

  it('answers a bid after the close with failure and a violation', () => {
    const m = englishAuctionMachine(english);
    const closed = runEvents(m, [start(), timer('round', 1000)]);
    const r = m.step(closed.state, msg('propose', 'b1', { amount: 100 }));
    assert.equal(traced(r.effects, 'protocol_violation').length, 1);
    assert.match(String((sent(r.effects, 'failure')[0].content as { reason: string }).reason), /after a-1 closed/);
  });

  it('ties in a round go to the earlier bid', () => {
    const r = runEvents(englishAuctionMachine(english), [
      start(),
      msg('propose', 'b2', { amount: 10 }, round(1, 'b2'), 5),
      msg('propose', 'b1', { amount: 10 }, round(1, 'b1'), 6),
      timer('round', 1000),
    ]);
    assert.equal(traced(r.effects, 'auction_round')[0].leader, 'b2');
  });
});

const dutch: DutchAuctionOptions = {
  auctioneer: 'auctioneer',
  auctionId: 'd-1',
  bidders,
  item: 'tulips',
  startPrice: 100,
  step: 10,
  floor: 70,
  roundMs: 500,
};

describe('Dutch auction (pure machine)', () => {
  it('lowers the price each silent round and sells to the first taker', () => {
    const m = dutchAuctionMachine(dutch);
    const r = runEvents(m, [
      start(),
      timer('round', 500),
      timer('round', 1000),
      msg('propose', 'b3', {}, { reply_with: 't' }, 1100),
      msg('propose', 'b1', {}, {}, 1100),
    ]);
    assert.deepEqual(
      traced(r.effects, 'auction_round').map((e) => [e.price, e.leader]),
      [
        [100, undefined],
        [90, undefined],
        [80, 'b3'],
      ],
    );
    const accept = sent(r.effects, 'accept_proposal')[0];
    assert.deepEqual([accept.receiver, accept.in_reply_to, (accept.content as { price: number }).price], ['b3', 't', 80]);
    const o = outcomeOf(r.effects)!;
    assert.deepEqual([o.ok, o.winner, o.price], [true, 'b3', 80]);
    const reject = sent(r.effects, 'reject_proposal');
    assert.deepEqual(
      reject.map((x) => x.receiver),
      ['b1'],
      'a taker after the sale is refused',
    );
    assert.equal(traced(r.effects, 'protocol_violation').length, 1);
  });

  it('ends at the floor with no taker, and moves on early when every bidder passed', () => {
    const m = dutchAuctionMachine(dutch);
    const r = runEvents(m, [
      start(),
      msg('refuse', 'b1'),
      msg('refuse', 'b2'),
      msg('refuse', 'b3'),
      timer('round', 1000),
      timer('round', 1500),
      timer('round', 2000),
    ]);
    assert.deepEqual(
      traced(r.effects, 'auction_round').map((e) => e.price),
      [100, 90, 80, 70],
    );
    const o = outcomeOf(r.effects)!;
    assert.deepEqual([o.ok, o.reason], [false, 'no taker down to the floor 70']);
  });

  it('withdraws trapped bidders and ends when all are gone', () => {
    const m = dutchAuctionMachine({ ...dutch, bidders: ['b1', 'b2'] });
    const r = runEvents(m, [
      start(),
      msg('failure', 'caxton', { error: 'agent_failed', receiver: 'b1' }, { in_reply_to: 'd-1/round/1/b1' }),
      msg('failure', 'caxton', { error: 'agent_failed', receiver: 'b2' }, { in_reply_to: 'd-1/round/1/b2' }),
    ]);
    assert.equal(outcomeOf(r.effects)?.reason, 'every bidder withdrew');
  });
});

describe('Vickrey auction (pure machine)', () => {
  const table: Array<{
    name: string;
    bids: Array<[string, number, number]>;
    reserve?: number;
    winner?: string;
    price?: number;
    reason: RegExp;
  }> = [
    {
      name: 'second price',
      bids: [
        ['b1', 50, 1],
        ['b2', 80, 2],
        ['b3', 65, 3],
      ],
      winner: 'b2',
      price: 65,
      reason: /second price/,
    },
    {
      name: 'reserve above the second bid',
      bids: [
        ['b1', 50, 1],
        ['b2', 80, 2],
      ],
      reserve: 60,
      winner: 'b2',
      price: 60,
      reason: /second price/,
    },
    { name: 'reserve not met', bids: [['b1', 50, 1]], reserve: 60, reason: /reserve not met/ },
    { name: 'a single bid without reserve pays its bid', bids: [['b1', 50, 1]], winner: 'b1', price: 50, reason: /single bid/ },
    {
      name: 'a single bid with reserve pays the reserve',
      bids: [['b1', 50, 1]],
      reserve: 30,
      winner: 'b1',
      price: 30,
      reason: /single bid/,
    },
    {
      name: 'a tie goes to the earlier bid at the tied price',
      bids: [
        ['b3', 70, 1],
        ['b1', 70, 2],
      ],
      winner: 'b3',
      price: 70,
      reason: /tie at 70/,
    },
    {
      name: 'a simultaneous tie goes to the smaller name',
      bids: [
        ['b3', 70, 1],
        ['b1', 70, 1],
      ],
      winner: 'b1',
      price: 70,
      reason: /tie/,
    },
    { name: 'no bids', bids: [], reason: /^no bids$/ },
  ];
  for (const t of table) {
    it(`rules: ${t.name}`, () => {
      const r = vickreyOutcome(
        t.bids.map(([bidder, amount, at]) => ({ bidder, amount, at })),
        t.reserve,
      );
      assert.deepEqual([r.winner, r.price], [t.winner, t.winner ? t.price : r.price]);
      assert.match(r.reason, t.reason);
    });
  }

  it('collects sealed bids until everyone answered, then tells the winner its price and the others they lost', () => {
    const m = vickreyAuctionMachine({ auctioneer: 'auctioneer', auctionId: 'v-1', bidders, item: 'painting', deadlineMs: 1000 });
    const opened = runEvents(m, [
      start(),
      msg('propose', 'b1', { amount: 50 }, { reply_with: 'x' }, 1),
      msg('propose', 'b2', { amount: 80 }, { reply_with: 'y' }, 2),
    ]);
    assert.equal(traced(opened.effects, 'auction_round').length, 0, 'bids stay sealed until the close');
    const dup = m.step(opened.state, msg('propose', 'b1', { amount: 99 }));
    assert.equal(traced(dup.effects, 'protocol_violation').length, 1, 'one sealed bid per bidder');
    const r = m.step(opened.state, msg('refuse', 'b3', null, {}, 3));
    const accept = sent(r.effects, 'accept_proposal')[0];
    assert.deepEqual([accept.receiver, accept.content], ['b2', { price: 50, your_bid: 80 }]);
    assert.deepEqual(
      sent(r.effects, 'reject_proposal').map((x) => x.receiver),
      ['b1'],
    );
    assert.deepEqual(traced(r.effects, 'auction_round')[0].bids, [
      { bidder: 'b1', amount: 50 },
      { bidder: 'b2', amount: 80 },
    ]);
    assert.equal(outcomeOf(r.effects)?.price, 50);
    const after = m.step(r.state, msg('propose', 'b3', { amount: 1000 }));
    assert.equal(sent(after.effects, 'failure').length, 1, 'a bid after close is refused');
  });

  it('closes at the deadline, counting a trapped bidder as no bid', () => {
    const m = vickreyAuctionMachine({ auctioneer: 'auctioneer', auctionId: 'v-1', bidders, item: 'painting', deadlineMs: 1000 });
    const r = runEvents(m, [
      start(),
      msg('propose', 'b1', { amount: 50 }),
      msg('failure', 'caxton', { error: 'agent_failed', receiver: 'b2' }, { in_reply_to: 'v-1/bid/b2' }),
      timer('round', 1000),
    ]);
    assert.deepEqual([outcomeOf(r.effects)?.winner, outcomeOf(r.effects)?.price], ['b1', 50]);
  });
});
