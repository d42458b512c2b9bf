/**
 * The same workflow scenarios on the test harness and on the real Runtime (runtime/runtime.ts) with in-process
 * agents on a SimulatedClock: the executor must behave the same on both buses.
 */
import * as assert from 'node:assert/strict';
import type { PipelineFile, TraceEvent, TraceEventInput } from '../../../schemas';
import { SimulatedClock } from '../../../runtime/core/clock';
import type { AgentEndpoint, CoordinationContext } from '../../../runtime/core/types';
import { Runtime } from '../../../runtime/runtime';
import { runPipeline } from '../../../runtime/workflow';
import { echoAgent, flakyAgent, ScriptedAgent, silentAgent, trappingAgent } from './support/agents';
import { TestHarness } from './support/testBus';

interface Bus {
  ctx: CoordinationContext;
  clock: SimulatedClock;
  add(a: AgentEndpoint): void;
  events(): TraceEventInput[];
  stop(): Promise<void>;
}

const buses: Array<[string, () => Bus]> = [
  [
    'test harness',
    () => {
      const h = new TestHarness(3);
      return { ctx: h.ctx, clock: h.clock, add: (a) => h.add(a), events: () => h.events, stop: async () => {} };
    },
  ],
  [
    'real Runtime',
    () => {
      const clock = new SimulatedClock();
      const events: TraceEvent[] = [];
      const rt = new Runtime({
        clock,
        seed: 3,
        trace: [
          (e: TraceEvent) => {
            events.push(e);
          },
        ],
      });
      rt.start();
      return { ctx: rt, clock, add: (a) => rt.addAgent(a), events: () => events, stop: () => rt.stop('test') };
    },
  ],
];

async function run(bus: Bus, file: PipelineFile, input: unknown) {
  const p = runPipeline(file, bus.ctx, { input });
  await bus.clock.runAll(120_000);
  const report = await p;
  await bus.stop();
  return report;
}

for (const [name, make] of buses) {
  describe(`workflows on the ${name}`, () => {
    it('retries a flaky agent, then fails at a trapping one with a clear report', async () => {
      const bus = make();
      bus.add(flakyAgent('validator', bus.clock, 1, () => 'valid'));
      bus.add(echoAgent('transformer', bus.clock, (i) => `${i}+t`));
      bus.add(trappingAgent('analyzer', bus.clock));
      const file: PipelineFile = {
        pipeline: {
          name: 'p',
          defaults: { timeout: '1s', retry: { max_attempts: 2, initial_delay: 10, jitter: 'none' } },
          stages: [
            { agent: 'validator' },
            { agent: 'transformer' },
            { agent: 'analyzer', retry: { max_attempts: 1 } },
            { agent: 'reporter' },
          ],
        },
      };
      const r = await run(bus, file, 'x');
      assert.deepEqual(
        r.stages.map((s) => [s.status, s.attempts]),
        [
          ['completed', 2],
          ['completed', 1],
          ['failed', 1],
          ['skipped', 0],
        ],
      );
      assert.equal(r.stages[1].output, 'valid+t');
      assert.equal(r.failedStage?.name, 'analyzer');
      assert.match(r.failedStage!.error, /^analyzer replied failure: .*unreachable executed/);
      assert.deepEqual(
        bus
          .events()
          .filter((e) => e.type === 'retry')
          .map((e) => e.type === 'retry' && e.delay_ms),
        [10],
      );
    });

    it('times out an agent that never answers', async () => {
      const bus = make();
      bus.add(silentAgent('mute', bus.clock));
      const r = await run(bus, { pipeline: { name: 'p', stages: [{ agent: 'mute', timeout: '300ms' }] } }, 1);
      assert.equal(r.failedStage?.error, 'mute did not answer within 300 ms');
      assert.equal(r.endedAt - r.startedAt, 300);
    });

    it('compensates in reverse order when the third step fails', async () => {
      const bus = make();
      const undo: string[] = [];
      for (const n of ['a', 'b', 'c']) {
        bus.add(
          new ScriptedAgent(n, bus.clock, (c) => {
            if (c.action === 'undo') {
              undo.push(n);
              return { reply: 'undone' };
            }
            return n === 'c' ? { fail: 'no' } : { reply: `${n}-done` };
          }),
        );
      }
      const stage = (n: string) => ({ agent: n, action: 'do', compensation: { agent: n, action: 'undo' } });
      const r = await run(bus, { pipeline: { name: 's', on_failure: 'compensate', stages: [stage('a'), stage('b'), stage('c')] } }, 0);
      assert.deepEqual(undo, ['b', 'a']);
      assert.deepEqual(
        r.compensations.map((c) => c.ok),
        [true, true],
      );
    });

    it('gets a quorum of 2 of 3 despite a trapping branch', async () => {
      const bus = make();
      bus.add(echoAgent('q1', bus.clock, () => 1));
      bus.add(trappingAgent('q2', bus.clock));
      bus.add(echoAgent('q3', bus.clock, () => 3));
      const r = await run(
        bus,
        {
          pipeline: {
            name: 'g',
            stages: [
              {
                name: 'quotes',
                timeout: '1s',
                parallel: { aggregate: 'quorum', branches: [{ agent: 'q1' }, { agent: 'q2' }, { agent: 'q3' }] },
              },
            ],
          },
        },
        0,
      );
      assert.equal(r.ok, true, r.error);
      assert.deepEqual(r.output, [
        { agent: 'q1', output: 1 },
        { agent: 'q3', output: 3 },
      ]);
    });
  });
}
