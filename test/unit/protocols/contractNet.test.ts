import * as assert from 'node:assert/strict';
import { contractNetMachine, type ContractNetOptions, type ContractNetState } from '../../../runtime/protocols/contractNet';
import type { Step } from '../../../runtime/protocols/machine';
import { runEvents } from '../../../runtime/protocols/machine';
import { at, msg, outcomeOf, sent, start, timer, traced } from './support/events';

const base: ContractNetOptions = {
  manager: 'manager',
  conversationId: 'cn-1',
  participants: ['w1', 'w2', 'w3'],
  task: { job: 'paint' },
  deadlineMs: 1000,
  resultTimeoutMs: 5000,
  policy: 'lowest_cost',
  costField: 'cost',
  qualityField: 'quality',
  maxRounds: 1,
};
const cfp = (agent: string, round = 1): Partial<{ in_reply_to: string }> => ({ in_reply_to: `cn-1/cfp/${round}/${agent}` });

describe('contract net (pure machine)', () => {
  it('calls for proposals with reply_by, awards the lowest cost once everyone answered, and ends on inform', () => {
    const m = contractNetMachine(base);
    const opened = runEvents(m, [start(0)]);
    const cfps = sent(opened.effects, 'cfp');
    assert.deepEqual(
      cfps.map((c) => c.receiver),
      ['w1', 'w2', 'w3'],
    );
    assert.equal(cfps[0].reply_by, new Date(at(1000).wall).toISOString());
    assert.equal(cfps[0].protocol, 'fipa-contract-net');
    const r = runEvents(
      m,
      [
        msg('propose', 'w1', { cost: 5 }, { ...cfp('w1'), reply_with: 'p1' }, 10),
        msg('propose', 'w2', { cost: 3 }, { ...cfp('w2'), reply_with: 'p2' }, 20),
        msg('refuse', 'w3', { reason: 'busy' }, cfp('w3'), 30),
      ],
      opened.state,
    );
    assert.equal(r.state.phase, 'awarding');
    const [accept] = sent(r.effects, 'accept_proposal');
    assert.equal(accept.receiver, 'w2');
    assert.equal(accept.in_reply_to, 'p2');
    assert.deepEqual(
      sent(r.effects, 'reject_proposal').map((x) => x.receiver),
      ['w1'],
    );
    assert.deepEqual(traced(r.effects, 'contract_net_proposals')[0].proposals, [
      { agent: 'w1', content: { cost: 5 } },
      { agent: 'w2', content: { cost: 3 } },
    ]);
    assert.equal(traced(r.effects, 'contract_net_award')[0].winner, 'w2');
    const end = m.step(r.state, msg('inform', 'w2', { done: true }));
    assert.deepEqual(outcomeOf(end.effects), {
      kind: 'contract_net',
      ok: true,
      reason: 'completed',
      conversation_id: 'cn-1',
      rounds: 1,
      winner: 'w2',
      result: { done: true },
      cost: 3,
      quality: undefined,
    });
  });

  const policies: Array<{ name: string; o: Partial<ContractNetOptions>; winner: string }> = [
    { name: 'best quality', o: { policy: 'best_quality' }, winner: 'w1' },
    {
      name: 'a custom function (the manager decides)',
      o: { policy: 'custom', select: (ps) => ps.find((p) => (p.content as { cost: number }).cost === 4)?.agent },
      winner: 'w3',
    },
    { name: 'lowest cost, tie broken by the earlier proposal', o: {}, winner: 'w2' },
  ];
  for (const p of policies) {
    it(`selects by ${p.name}`, () => {
      const m = contractNetMachine({ ...base, ...p.o });
      const r = runEvents(m, [
        start(),
        msg('propose', 'w1', { cost: 9, quality: 0.9 }, {}, 5),
        msg('propose', 'w2', { cost: 2, quality: 0.5 }, {}, 6),
        msg('propose', 'w3', { cost: 4, quality: 0.7 }, {}, 7),
      ]);
      assert.equal(sent(r.effects, 'accept_proposal')[0]?.receiver, p.winner);
    });
  }

  it('breaks an exact tie (same cost, same instant) by the smaller name', () => {
    const m = contractNetMachine(base);
    const r = runEvents(m, [
      start(),
      msg('propose', 'w3', { cost: 2 }, {}, 5),
      msg('propose', 'w2', { cost: 2 }, {}, 5),
      timer('deadline', 1000),
    ]);
    assert.equal(sent(r.effects, 'accept_proposal')[0].receiver, 'w2');
  });

  it('ends without a winner when nobody proposes by the deadline', () => {
    const m = contractNetMachine(base);
    const r = runEvents(m, [start(), msg('refuse', 'w1'), timer('deadline', 1000)]);
    assert.equal(sent(r.effects, 'accept_proposal').length, 0);
    assert.deepEqual({ ok: outcomeOf(r.effects)?.ok, reason: outcomeOf(r.effects)?.reason }, { ok: false, reason: 'no proposals' });
    assert.equal(traced(r.effects, 'contract_net_award')[0].winner, undefined);
  });

  it('refuses a late proposal with reject_proposal, a protocol_violation and a late proposals event', () => {
    const m = contractNetMachine(base);
    const r = runEvents(m, [
      start(),
      msg('propose', 'w1', { cost: 5 }, cfp('w1'), 10),
      timer('deadline', 1000),
      msg('propose', 'w2', { cost: 1 }, { ...cfp('w2'), reply_with: 'late' }, 1200),
    ]);
    const reject = sent(r.effects, 'reject_proposal').find((x) => x.receiver === 'w2')!;
    assert.equal(reject.in_reply_to, 'late');
    assert.match(String((reject.content as { reason: string }).reason), /late proposal/);
    assert.equal(traced(r.effects, 'protocol_violation').length, 1);
    assert.deepEqual(traced(r.effects, 'contract_net_proposals').at(-1)?.proposals, [{ agent: 'w2', content: { cost: 1 }, late: true }]);
    assert.equal(sent(r.effects, 'accept_proposal')[0].receiver, 'w1');
  });

  it('answers duplicates, strangers and second answers with not_understood and a violation, changing nothing', () => {
    const m = contractNetMachine(base);
    const opened = runEvents(m, [start(), msg('propose', 'w1', { cost: 5 }, { message_id: 'x1' })]);
    for (const e of [
      msg('propose', 'w1', { cost: 5 }, { message_id: 'x1' }),
      msg('propose', 'mallory', { cost: 0 }),
      msg('propose', 'w1', { cost: 4 }),
      msg('accept_proposal', 'w2'),
    ]) {
      const r = m.step(opened.state, e);
      assert.equal(traced(r.effects, 'protocol_violation').length, 1, JSON.stringify(e));
      assert.equal(sent(r.effects, 'not_understood').length, 1);
      assert.deepEqual(r.state.proposals, opened.state.proposals);
    }
  });

  it('treats a runtime failure notice (participant trapped) as a refusal, and a failing winner as a failed outcome', () => {
    const m = contractNetMachine({ ...base, participants: ['w1', 'w2'] });
    const r = runEvents(m, [
      start(),
      msg('propose', 'w1', { cost: 5 }, cfp('w1')),
      { ...msg('failure', 'caxton', { error: 'agent_failed', receiver: 'w2' }, cfp('w2')) },
    ]);
    assert.equal(r.state.phase, 'awarding');
    const failed = m.step(r.state, msg('failure', 'caxton', { error: 'agent_failed', receiver: 'w1' }, { in_reply_to: 'cn-1/award/w1' }));
    assert.equal(outcomeOf(failed.effects)?.ok, false);
    assert.match(String(outcomeOf(failed.effects)?.reason), /winner w1 failed/);
    const silent = m.step(r.state, timer('result', 6000));
    assert.match(String(outcomeOf(silent.effects)?.reason), /did not report within 5000 ms/);
    const reported = m.step(r.state, msg('failure', 'w1', { reason: 'paint ran out' }));
    assert.deepEqual([outcomeOf(reported.effects)?.ok, outcomeOf(reported.effects)?.reason], [false, 'the winner reported failure']);
  });

  it('iterates: calls the proposers again with the best offer until the target is met', () => {
    const m = contractNetMachine({ ...base, maxRounds: 4, target: 6 });
    const r1 = runEvents(m, [
      start(),
      msg('propose', 'w1', { cost: 10 }, cfp('w1')),
      msg('propose', 'w2', { cost: 8 }, cfp('w2')),
      msg('refuse', 'w3', null, cfp('w3')),
    ]);
    assert.equal(r1.state.round, 2);
    const cfps2 = sent(r1.effects, 'cfp').filter((c) => (c.content as { round: number }).round === 2);
    assert.deepEqual(
      cfps2.map((c) => c.receiver),
      ['w1', 'w2'],
    );
    assert.deepEqual(cfps2[0].content, { task: { job: 'paint' }, round: 2, best_offer: { cost: 8 } });
    const stale = m.step(r1.state, msg('propose', 'w1', { cost: 1 }, cfp('w1', 1)));
    assert.equal(sent(stale.effects, 'reject_proposal').length, 1, 'a round-1 answer arriving in round 2 is late');
    const r2 = runEvents(m, [msg('propose', 'w1', { cost: 6 }, cfp('w1', 2)), msg('propose', 'w2', { cost: 7 }, cfp('w2', 2))], r1.state);
    assert.equal(sent(r2.effects, 'accept_proposal')[0].receiver, 'w1');
    assert.equal(sent(r2.effects, 'cfp').length, 0, 'target met: no third round');
  });

  it('iterates no further when a round brings no improvement, or at max_rounds', () => {
    const m = contractNetMachine({ ...base, participants: ['w1'], maxRounds: 5 });
    const r = runEvents(m, [start(), msg('propose', 'w1', { cost: 10 }, cfp('w1')), msg('propose', 'w1', { cost: 10 }, cfp('w1', 2))]);
    assert.equal(r.state.phase, 'awarding');
    assert.equal(r.state.round, 2);
    const capped = contractNetMachine({ ...base, participants: ['w1'], maxRounds: 2 });
    const c = runEvents(capped, [start(), msg('propose', 'w1', { cost: 10 }, cfp('w1')), msg('propose', 'w1', { cost: 9 }, cfp('w1', 2))]);
    assert.equal(sent(c.effects, 'accept_proposal')[0].receiver, 'w1');
    assert.equal(c.state.round, 2);
  });

  describe('policy agent (the manager agent decides)', () => {
    const o: ContractNetOptions = { ...base, participants: ['w1', 'w2'], policy: 'agent', decider: 'boss' };
    const proposed = (): Step<ContractNetState> =>
      runEvents(contractNetMachine(o), [
        start(),
        msg('propose', 'w1', { cost: 5 }, cfp('w1')),
        msg('propose', 'w2', { cost: 9 }, cfp('w2')),
      ]);

    it('asks the decider with the proposals and awards its choice', () => {
      const m = contractNetMachine(o);
      const r = proposed();
      assert.equal(r.state.phase, 'deciding');
      const [ask] = sent(r.effects, 'request');
      assert.deepEqual(
        [ask.receiver, ask.protocol, ask.conversation_id, ask.reply_with],
        ['boss', 'fipa-request', 'cn-1/decide', 'cn-1/decide/1'],
      );
      assert.deepEqual((ask.content as { proposals: unknown[] }).proposals, [
        { agent: 'w1', content: { cost: 5 } },
        { agent: 'w2', content: { cost: 9 } },
      ]);
      const late = m.step(r.state, msg('propose', 'w1', { cost: 1 }));
      assert.equal(sent(late.effects, 'reject_proposal').length, 1, 'proposals are closed while the decider thinks');
      const d = m.step(r.state, msg('inform', 'boss', { winner: 'w2' }, { in_reply_to: 'cn-1/decide/1' }));
      assert.equal(sent(d.effects, 'accept_proposal')[0].receiver, 'w2');
      assert.equal(traced(d.effects, 'contract_net_award')[0].reason, 'chosen by boss');
    });

    const noAward: Array<{ name: string; e: ReturnType<typeof msg>; reason: RegExp }> = [
      { name: 'a winner who did not propose', e: msg('inform', 'boss', { winner: 'w9' }), reason: /chose w9, who did not propose/ },
      { name: 'no choice', e: msg('inform', 'boss', { winner: null }), reason: /chose no proposal/ },
      { name: 'a refusal', e: msg('refuse', 'boss', null), reason: /answered refuse/ },
      {
        name: 'a trapped decider',
        e: msg('failure', 'caxton', { error: 'agent_failed', receiver: 'boss' }, { in_reply_to: 'cn-1/decide/1' }),
        reason: /answered failure/,
      },
      { name: 'silence', e: timer('decide', 2000), reason: /did not answer within 1000 ms/ },
    ];
    for (const n of noAward) {
      it(`awards nobody on ${n.name}, rejecting every proposal`, () => {
        const r = contractNetMachine(o).step(proposed().state, n.e);
        assert.match(String(outcomeOf(r.effects)?.reason), n.reason);
        assert.equal(sent(r.effects, 'reject_proposal').length, 2);
      });
    }
  });
});
