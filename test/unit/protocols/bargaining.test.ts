import * as assert from 'node:assert/strict';
import { bargainingMachine, concession, type BargainingOptions } from '../../../runtime/protocols/bargaining';
import { runEvents } from '../../../runtime/protocols/machine';
import { msg, outcomeOf, sent, start, timer, traced } from './support/events';

const buyer: BargainingOptions = {
  negotiator: 'buyer',
  counterpart: 'seller',
  conversationId: 'b-1',
  role: 'buyer',
  item: 'bike',
  opening: 100,
  limit: 160,
  maxRounds: 4,
  roundMs: 1000,
  deadlineMs: 10_000,
};
const offer = (r: number): { in_reply_to: string } => ({ in_reply_to: `b-1/offer/${r}` });

describe('bargaining (pure machine)', () => {
  it('concedes linearly from opening to limit', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((r) => concession(buyer, r)),
      [100, 120, 140, 160],
    );
  });

  it('agrees when a counter-offer is as good as its own next offer', () => {
    const m = bargainingMachine(buyer);
    const r = runEvents(m, [
      start(),
      msg('propose', 'seller', { price: 200 }, offer(1)),
      msg('propose', 'seller', { price: 135 }, { ...offer(2), reply_with: 'c2' }),
    ]);
    const rounds = traced(r.effects, 'bargaining_round');
    assert.deepEqual(
      rounds.map((e) => [e.round, e.from]),
      [
        [1, 'buyer'],
        [1, 'seller'],
        [2, 'buyer'],
        [2, 'seller'],
      ],
    );
    const accept = sent(r.effects, 'accept_proposal')[0];
    assert.deepEqual([accept.in_reply_to, accept.content], ['c2', { item: 'bike', price: 135 }]);
    const o = outcomeOf(r.effects)!;
    assert.deepEqual([o.ok, o.price, o.terms], [true, 135, { item: 'bike', price: 135 }]);
    assert.equal(traced(r.effects, 'bargaining_result')[0].agreed, true);
  });

  it('agrees when the counterpart accepts its offer', () => {
    const r = runEvents(bargainingMachine(buyer), [
      start(),
      msg('propose', 'seller', { price: 190 }, offer(1)),
      msg('accept_proposal', 'seller', null, offer(2)),
    ]);
    assert.deepEqual([outcomeOf(r.effects)?.ok, outcomeOf(r.effects)?.price], [true, 120]);
  });

  const failures: Array<{ name: string; events: ReturnType<typeof msg>[]; reason: RegExp; rejects?: number; cancels?: number }> = [
    {
      name: 'the round limit',
      events: [1, 2, 3, 4].map((r) => msg('propose', 'seller', { price: 300 }, offer(r))),
      reason: /round limit 4 reached/,
      rejects: 1,
    },
    { name: 'a walk-away', events: [msg('reject_proposal', 'seller', null, offer(1))], reason: /walked away/ },
    { name: 'silence', events: [timer('answer', 1000)], reason: /did not answer offer 1 within 1000 ms/, cancels: 1 },
    { name: 'the deadline', events: [timer('deadline', 10_000)], reason: /deadline of 10000 ms/, cancels: 1 },
    {
      name: 'a trapped counterpart',
      events: [msg('failure', 'caxton', { error: 'agent_failed', receiver: 'seller' }, offer(1))],
      reason: /seller failed \(agent_failed\)/,
    },
  ];
  for (const f of failures) {
    it(`fails on ${f.name}`, () => {
      const r = runEvents(bargainingMachine(buyer), [start(), ...f.events]);
      const o = outcomeOf(r.effects)!;
      assert.equal(o.ok, false);
      assert.match(String(o.reason), f.reason);
      assert.equal(sent(r.effects, 'reject_proposal').length, f.rejects ?? 0);
      assert.equal(sent(r.effects, 'cancel').length, f.cancels ?? 0);
      assert.equal(traced(r.effects, 'bargaining_result')[0].agreed, false);
    });
  }

  it('works for a seller too (wants the price high)', () => {
    const m = bargainingMachine({ ...buyer, negotiator: 'seller-bot', counterpart: 'buyer-x', role: 'seller', opening: 200, limit: 140 });
    const r = runEvents(m, [
      start(),
      msg('propose', 'buyer-x', { price: 100 }, offer(1)),
      msg('propose', 'buyer-x', { price: 170 }, offer(2)),
    ]);
    assert.deepEqual([outcomeOf(r.effects)?.ok, outcomeOf(r.effects)?.price], [true, 170]);
  });

  it('refuses a late answer to a superseded offer, a duplicate and a stranger, and anything after the end', () => {
    const m = bargainingMachine(buyer);
    const s = runEvents(m, [start(), msg('propose', 'seller', { price: 200 }, { ...offer(1), message_id: 'm1' })]).state;
    for (const e of [
      msg('accept_proposal', 'seller', null, offer(1)),
      msg('propose', 'seller', { price: 200 }, { message_id: 'm1' }),
      msg('propose', 'eve', { price: 1 }),
    ]) {
      const r = m.step(s, e);
      assert.equal(traced(r.effects, 'protocol_violation').length, 1, JSON.stringify(e));
      assert.equal(outcomeOf(r.effects), undefined);
    }
    const ended = runEvents(m, [msg('reject_proposal', 'seller')], s).state;
    assert.equal(sent(m.step(ended, msg('propose', 'seller', { price: 1 })).effects, 'failure').length, 1);
  });
});
