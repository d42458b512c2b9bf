import * as assert from 'node:assert/strict';
import type { PipelineFile } from '../../../schemas';
import { contractNetCapability, runPipeline } from '../../../runtime/workflow';
import { ScriptedAgent, silentAgent } from './support/agents';
import { TestHarness } from './support/testBus';

/** A worker that bids `cost` for `capability` and does the work when its proposal is accepted. */
const worker = (h: TestHarness, name: string, capability: string, cost: number | undefined, result: (i: unknown) => unknown) =>
  new ScriptedAgent(name, h.clock, (c, _n, m) => {
    if (m.performative === 'cfp')
      return c.capability === capability
        ? { reply: cost === undefined ? {} : { cost }, performative: 'propose' }
        : { reply: 'not mine', performative: 'refuse' };
    if (m.performative === 'accept_proposal') return { reply: result(c.input) };
    return { silent: true };
  });

describe('@contract-net:<capability> stages', () => {
  it('parses the selector', () => {
    assert.equal(contractNetCapability('@contract-net:transform'), 'transform');
    assert.equal(contractNetCapability('transformer'), undefined);
  });

  it('sends a cfp to every agent, awards the lowest cost, rejects the others and gives the winner the work', async () => {
    const h = new TestHarness();
    h.add(
      worker(h, 't-cheap', 'transform', 3, (i) => `cheap(${i})`),
      worker(h, 't-dear', 'transform', 9, (i) => `dear(${i})`),
      worker(h, 'a-1', 'analyze', 1, (i) => i),
      silentAgent('mute', h.clock),
    );
    const file: PipelineFile = {
      pipeline: { name: 'cn', stages: [{ agent: '@contract-net:transform', action: 'transform', timeout: '200ms' }] },
    };
    const p = runPipeline(file, h.ctx, { input: 'data' });
    await h.clock.runAll();
    const r = await p;
    assert.equal(r.ok, true, r.error);
    assert.equal(r.output, 'cheap(data)');
    assert.deepEqual(r.stages[0].agents, ['t-cheap']);
    assert.deepEqual(r.stages[0].selection!.proposals, [
      { agent: 't-cheap', cost: 3 },
      { agent: 't-dear', cost: 9 },
    ]);
    assert.deepEqual(
      h.sent.filter((m) => m.performative === 'reject_proposal').map((m) => m.receiver),
      ['t-dear'],
    );
    const accept = h.sent.find((m) => m.performative === 'accept_proposal')!;
    assert.deepEqual(
      [accept.receiver, accept.content],
      [
        't-cheap',
        {
          action: 'transform',
          input: 'data',
          task: { capability: 'transform', action: 'transform', input: 'data' },
          accepted: { cost: 3 },
        },
      ],
    );
    const cfp = h.sent.find((m) => m.performative === 'cfp')!;
    assert.deepEqual(
      cfp.content,
      { capability: 'transform', input: 'data', task: { capability: 'transform', action: 'transform', input: 'data' }, round: 1 },
      "readable as ours and as runtime/protocols' contract net",
    );
    assert.deepEqual(
      h.eventsOf('contract_net_award').map((e) => e.winner),
      ['t-cheap'],
    );
  });

  it('fails the stage clearly when nobody proposes', async () => {
    const h = new TestHarness();
    h.add(worker(h, 'a-1', 'analyze', 1, (i) => i));
    const file: PipelineFile = { pipeline: { name: 'cn', stages: [{ agent: '@contract-net:transform', timeout: '100ms' }] } };
    const p = runPipeline(file, h.ctx, { input: 1 });
    await h.clock.runAll();
    assert.equal((await p).failedStage?.error, "no agent proposed for 'transform' (1 declined or did not answer)");
  });
});
