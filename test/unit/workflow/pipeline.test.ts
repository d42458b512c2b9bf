import * as assert from 'node:assert/strict';
import type { PipelineFile } from '../../../schemas';
import { formatReport, runPipeline } from '../../../runtime/workflow';
import { echoAgent, flakyAgent, ScriptedAgent, silentAgent, slowAgent, trappingAgent } from './support/agents';
import { TestHarness } from './support/testBus';

/** Run a pipeline on the harness, driving the simulated clock until it finishes. */
export async function runOn(h: TestHarness, file: PipelineFile, input?: unknown) {
  const p = runPipeline(file, h.ctx, input === undefined ? {} : { input });
  await h.clock.runAll();
  return p;
}

const dataPipeline = (extra: Partial<PipelineFile['pipeline']> = {}): PipelineFile => ({
  pipeline: {
    name: 'data_processing',
    stages: [
      { agent: 'validator', action: 'validate' },
      { agent: 'transformer', action: 'transform' },
      { agent: 'analyzer', action: 'analyze' },
      { agent: 'reporter', action: 'report' },
    ],
    ...extra,
  },
});

describe('runPipeline', () => {
  it('feeds each reply into the next stage and reports every stage', async () => {
    const h = new TestHarness();
    h.add(
      echoAgent('validator', h.clock, (i) => ({ valid: true, rows: i })),
      echoAgent('transformer', h.clock, (i) => (i as { rows: number[] }).rows.map((x) => x * 2)),
      echoAgent('analyzer', h.clock, (i) => ({ sum: (i as number[]).reduce((a, b) => a + b, 0) })),
      echoAgent('reporter', h.clock, (i, action) => `${action}: sum=${(i as { sum: number }).sum}`),
    );
    const r = await runOn(h, dataPipeline(), [1, 2, 3]);
    assert.equal(r.ok, true);
    assert.equal(r.output, 'report: sum=12');
    assert.deepEqual(
      r.stages.map((s) => [s.name, s.status, s.attempts]),
      [
        ['validator', 'completed', 1],
        ['transformer', 'completed', 1],
        ['analyzer', 'completed', 1],
        ['reporter', 'completed', 1],
      ],
    );
    const req = h.sent.find((m) => m.receiver === 'transformer')!;
    assert.deepEqual(req.content, { action: 'transform', input: { valid: true, rows: [1, 2, 3] } });
    assert.equal(req.performative, 'request');
    assert.deepEqual(
      h.eventsOf('pipeline_stage').map((e) => `${e.stage}:${e.status}`),
      [
        'validator:started',
        'validator:completed',
        'transformer:started',
        'transformer:completed',
        'analyzer:started',
        'analyzer:completed',
        'reporter:started',
        'reporter:completed',
      ],
    );
    assert.deepEqual(h.eventsOf('pipeline_result'), [
      { type: 'pipeline_result', pipeline: 'data_processing', ok: true, output: 'report: sum=12' },
    ]);
  });

  it('a flaky agent (fails 2 times) succeeds under retry from defaults; delays are on the clock', async () => {
    const h = new TestHarness();
    h.add(
      echoAgent('validator', h.clock),
      flakyAgent('transformer', h.clock, 2),
      echoAgent('analyzer', h.clock),
      echoAgent('reporter', h.clock),
    );
    const r = await runOn(h, dataPipeline({ defaults: { retry: { max_attempts: 3, initial_delay: '100ms', jitter: 'none' } } }), 'x');
    assert.equal(r.ok, true);
    assert.equal(r.stages[1].attempts, 3);
    assert.deepEqual(
      h.eventsOf('retry').map((e) => [e.route, e.attempt, e.delay_ms, e.error]),
      [
        ['transformer', 1, 100, 'transformer replied failure: flaky failure 1'],
        ['transformer', 2, 200, 'transformer replied failure: flaky failure 2'],
      ],
    );
    assert.equal(r.endedAt - r.startedAt, 300);
  });

  it('a trapping agent fails its stage; the report says which stage and why, later stages are skipped', async () => {
    const h = new TestHarness();
    h.add(
      echoAgent('validator', h.clock),
      echoAgent('transformer', h.clock),
      trappingAgent('analyzer', h.clock),
      echoAgent('reporter', h.clock),
    );
    const r = await runOn(h, dataPipeline(), 'x');
    assert.equal(r.ok, false);
    assert.deepEqual(r.failedStage, { index: 2, name: 'analyzer', error: 'analyzer replied failure: trap: unreachable executed' });
    assert.equal(r.error, "stage 3 'analyzer' failed: analyzer replied failure: trap: unreachable executed");
    assert.deepEqual(
      r.stages.map((s) => s.status),
      ['completed', 'completed', 'failed', 'skipped'],
    );
    assert.equal(
      h.sent.some((m) => m.receiver === 'reporter'),
      false,
      'the reporter was never called',
    );
    assert.match(formatReport(r), /3\. analyzer \(analyzer\): failed - analyzer replied failure: trap/);
    assert.deepEqual(h.eventsOf('pipeline_result')[0], {
      type: 'pipeline_result',
      pipeline: 'data_processing',
      ok: false,
      failed_stage: 'analyzer',
      error: r.error,
    });
  });

  it('an agent that never answers times out per attempt (stage timeout over defaults), retries, then fails', async () => {
    const h = new TestHarness();
    h.add(
      echoAgent('validator', h.clock),
      silentAgent('transformer', h.clock),
      echoAgent('analyzer', h.clock),
      echoAgent('reporter', h.clock),
    );
    const file = dataPipeline({ defaults: { timeout: '5s', retry: { max_attempts: 2, initial_delay: 50, jitter: 'none' } } });
    file.pipeline.stages[1].timeout = '250ms';
    const r = await runOn(h, file, 'x');
    assert.equal(r.ok, false);
    assert.equal(r.failedStage?.error, 'transformer failed after 2 attempts: transformer did not answer within 250 ms');
    assert.equal(r.stages[1].endedAt! - r.stages[1].startedAt!, 250 + 50 + 250);
    assert.equal(h.clock.pendingTimers, 0, 'no timer left behind');
  });

  it('a slow agent passes within its timeout and fails beyond it', async () => {
    for (const [delay, ok] of [
      [200, true],
      [400, false],
    ] as const) {
      const h = new TestHarness();
      h.add(
        echoAgent('validator', h.clock),
        slowAgent('transformer', h.clock, delay),
        echoAgent('analyzer', h.clock),
        echoAgent('reporter', h.clock),
      );
      const r = await runOn(h, dataPipeline({ defaults: { timeout: '300ms' } }), 'x');
      assert.equal(r.ok, ok, `delay ${delay}`);
      if (!ok) assert.equal(r.failedStage?.error, 'transformer did not answer within 300 ms');
    }
  });

  it('on_failure: continue passes the previous output on and still reports the failure', async () => {
    const h = new TestHarness();
    h.add(
      echoAgent('validator', h.clock, () => 'validated'),
      trappingAgent('transformer', h.clock),
      echoAgent('analyzer', h.clock, (i) => `analyzed ${i}`),
      echoAgent('reporter', h.clock),
    );
    const r = await runOn(h, dataPipeline({ on_failure: 'continue' }), 'x');
    assert.equal(r.ok, true);
    assert.equal(r.output, 'analyzed validated');
    assert.equal(r.failedStage?.name, 'transformer');
    assert.deepEqual(
      r.stages.map((s) => s.status),
      ['completed', 'failed', 'completed', 'completed'],
    );
  });

  it('a breaker per agent, shared across stages, opens and fails the next call fast', async () => {
    const h = new TestHarness();
    h.add(trappingAgent('analyzer', h.clock));
    const file: PipelineFile = {
      pipeline: {
        name: 'twice',
        on_failure: 'continue',
        defaults: { circuit_breaker: { consecutive_failures: 2, reset_timeout: '10s' } },
        stages: [{ agent: 'analyzer' }, { agent: 'analyzer' }, { agent: 'analyzer' }],
      },
    };
    const r = await runOn(h, file, 1);
    assert.deepEqual(
      r.stages.map((s) => s.error),
      [
        'analyzer replied failure: trap: unreachable executed',
        'analyzer replied failure: trap: unreachable executed',
        'circuit for analyzer is open: calls are refused for another 10000 ms',
      ],
    );
    assert.deepEqual(
      h.eventsOf('breaker_state').map((e) => `${e.route}:${e.from}->${e.to}`),
      ['analyzer:closed->open'],
    );
  });

  it('a bad policy value fails its stage at once with the field named (no retries, no crash)', async () => {
    const h = new TestHarness();
    h.add(echoAgent('validator', h.clock));
    const file: PipelineFile = {
      pipeline: { name: 'bad', defaults: { retry: { max_attempts: 3 } }, stages: [{ agent: 'validator', timeout: '5 sec' }] },
    };
    const r = await runOn(h, file, 1);
    assert.equal(
      r.failedStage?.error,
      `validator: timeout: invalid duration "5 sec"; write a number of milliseconds or a string such as '250ms', '5s', '2m', '1h'`,
    );
    assert.equal(r.stages[0].attempts, 0);
    assert.equal(h.sent.length, 0);
  });

  it('an agent that replies agree (not inform) fails the stage with the fix, without retries', async () => {
    const h = new TestHarness();
    h.add(new ScriptedAgent('validator', h.clock, () => ({ reply: null, performative: 'agree' })));
    const r = await runOn(h, { pipeline: { name: 'a', defaults: { retry: { max_attempts: 3 } }, stages: [{ agent: 'validator' }] } }, 1);
    assert.equal(
      r.failedStage?.error,
      'validator replied agree; a pipeline stage takes its result from the first reply, so reply inform with the result',
    );
    assert.equal(r.stages[0].attempts, 1);
  });
});
