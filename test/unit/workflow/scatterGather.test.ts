import * as assert from 'node:assert/strict';
import type { PipelineFile, ParallelSpec } from '../../../schemas';
import { PolicyRegistry } from '../../../runtime/resilience';
import { decide, runPipeline, type BranchOutcome } from '../../../runtime/workflow';
import { echoAgent, silentAgent, slowAgent, trappingAgent } from './support/agents';
import { TestHarness } from './support/testBus';

const ok = (output: unknown = 1): BranchOutcome => ({ status: 'ok', output });
const failed: BranchOutcome = { status: 'failed', error: 'x' };
const pending: BranchOutcome = { status: 'pending' };

describe('aggregation decision (pure)', () => {
  const table: Array<[string, Parameters<typeof decide>, string]> = [
    ['all waits for every branch', ['all', [ok(), pending, ok()], undefined], 'wait'],
    ['all fails on one failure', ['all', [ok(), failed, pending], undefined], 'failed'],
    ['all done', ['all', [ok(), ok()], undefined], 'done'],
    ['quorum is a majority by default', ['quorum', [ok(), ok(), pending, pending, pending], undefined], 'wait'],
    ['quorum met early', ['quorum', [ok(), ok(), ok(), pending, pending], undefined], 'done'],
    ['quorum unreachable', ['quorum', [failed, failed, failed, ok(), pending], undefined], 'failed'],
    ['quorum with count', ['quorum', [ok(), pending, pending], 1], 'done'],
    ['first takes the first answer', ['first', [pending, ok(), pending], undefined], 'done'],
    ['first fails only when all failed', ['first', [failed, pending], undefined], 'wait'],
    ['first all failed', ['first', [failed, failed], undefined], 'failed'],
    ['first_n waits for n', ['first_n', [ok(), pending, pending], 2], 'wait'],
    ['first_n done', ['first_n', [ok(), failed, ok()], 2], 'done'],
    ['deadline waits before the deadline', ['deadline', [ok(), pending], undefined, false], 'wait'],
    ['deadline takes what arrived', ['deadline', [ok(), pending], undefined, true], 'done'],
    ['deadline with nothing fails', ['deadline', [failed, pending], undefined, true], 'failed'],
    ['deadline done when all settled', ['deadline', [ok(), failed], undefined, false], 'done'],
  ];
  for (const [what, args, kind] of table) it(what, () => assert.equal(decide(...args).kind, kind));
});

describe('scatter-gather stages', () => {
  /** Five pricing agents: p1 fast, p2 slow (300 ms), p3 traps, p4 never answers, p5 fast. */
  const setup = (parallel: Omit<ParallelSpec, 'branches'>, timeout: string | undefined = '1s') => {
    const h = new TestHarness();
    h.add(
      echoAgent('p1', h.clock, () => 10),
      slowAgent('p2', h.clock, 300, () => 20),
      trappingAgent('p3', h.clock),
      silentAgent('p4', h.clock),
      slowAgent('p5', h.clock, 50, () => 50),
      echoAgent('sum', h.clock, (i) => i),
    );
    const file: PipelineFile = {
      pipeline: {
        name: 'quotes',
        ...(timeout ? { defaults: { timeout } } : {}),
        stages: [
          { name: 'ask', parallel: { branches: ['p1', 'p2', 'p3', 'p4', 'p5'].map((agent) => ({ agent, action: 'quote' })), ...parallel } },
          { agent: 'sum' },
        ],
      },
    };
    return { h, file };
  };
  const run = async (h: TestHarness, file: PipelineFile) => {
    const p = runPipeline(file, h.ctx, { input: 'widget' });
    await h.clock.runAll();
    return p;
  };

  it('quorum (3 of 5) settles at the third answer, reporting partial results', async () => {
    const { h, file } = setup({ aggregate: 'quorum' });
    const r = await run(h, file);
    assert.equal(r.ok, true);
    assert.deepEqual(r.output, [
      { agent: 'p1', output: 10 },
      { agent: 'p2', output: 20 },
      { agent: 'p5', output: 50 },
    ]);
    assert.equal(r.stages[0].endedAt, 300, "settled when p2 answered, not at p4's timeout");
    assert.deepEqual(h.eventsOf('scatter_gather_result'), [
      {
        type: 'scatter_gather_result',
        pipeline: 'quotes',
        stage: 'ask',
        policy: 'quorum',
        answered: ['p1', 'p2', 'p5'],
        missing: ['p3', 'p4'],
      },
    ]);
    assert.match(r.stages[0].gather!.errors.find((e) => e.agent === 'p3')!.error, /trap: unreachable executed/);
  });

  it('all fails when any branch fails, naming it', async () => {
    const { h, file } = setup({ aggregate: 'all' });
    const r = await run(h, file);
    assert.equal(r.ok, false);
    assert.match(
      r.failedStage!.error,
      /^all needs 5 of 5 branches but 1 failed and only 1 answered; p2: .*p3: p3 replied failure: trap: unreachable executed/,
    );
  });

  it('first feeds the first answer itself to the next stage', async () => {
    const { h, file } = setup({ aggregate: 'first' });
    const r = await run(h, file);
    assert.equal(r.output, 10);
    assert.deepEqual(r.stages[0].gather!.answered, ['p1']);
  });

  it('first_n (2) takes p1 and p5', async () => {
    const { h, file } = setup({ aggregate: 'first_n', count: 2 });
    const r = await run(h, file);
    assert.deepEqual(r.output, [
      { agent: 'p1', output: 10 },
      { agent: 'p5', output: 50 },
    ]);
    assert.equal(r.stages[0].endedAt, 50);
  });

  it('deadline (200 ms) takes whatever arrived by then', async () => {
    const { h, file } = setup({ aggregate: 'deadline', deadline: '200ms' });
    const r = await run(h, file);
    assert.deepEqual(r.output, [
      { agent: 'p1', output: 10 },
      { agent: 'p5', output: 50 },
    ]);
    assert.deepEqual(r.stages[0].gather!.missing, ['p2', 'p3', 'p4']);
    assert.equal(r.stages[0].endedAt, 200);
  });

  it('a breaker per branch agent: after p3 trips, the next run refuses p3 without calling it', async () => {
    const { h, file } = setup({ aggregate: 'quorum' }, '100ms');
    file.pipeline.defaults!.circuit_breaker = { consecutive_failures: 1, reset_timeout: '1m' };
    const policies = new PolicyRegistry({ clock: h.clock, random: h.ctx.random, trace: h.ctx.trace });
    const first = runPipeline(file, h.ctx, { input: 'a', policies });
    await h.clock.runAll();
    await first;
    const callsToP3 = h.sent.filter((m) => m.receiver === 'p3').length;
    const second = runPipeline(file, h.ctx, { input: 'b', policies });
    await h.clock.runAll();
    const r = await second;
    assert.equal(h.sent.filter((m) => m.receiver === 'p3').length, callsToP3, 'p3 was not called again');
    assert.match(r.stages[0].gather!.errors.find((e) => e.agent === 'p3')!.error, /circuit for p3 is open/);
    assert.deepEqual(
      h
        .eventsOf('breaker_state')
        .map((e) => e.route)
        .sort(),
      ['p2', 'p3', 'p4'],
      'p2 (300 ms > 100 ms) and p4 timed out, p3 trapped',
    );
  });
});
