/**
 * Every coordination example in examples/ runs as `caxton run` runs it (runScenario: the real runtime, its real
 * AssemblyScript agents built from source and run in worker threads, a simulated clock) and reaches the outcome
 * its scenario expects (`expect.pattern` and the trace checked here).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { runScenario, type ScenarioSummary } from '../../runtime/node/scenario/scenario';
import { buildAgentSource, builtModulePath, findManifests } from '../../runtime/build';
import { examplesDir } from '../support/paths';

const EXAMPLES = [
  'contract-net',
  'iterated-contract-net',
  'english-auction',
  'dutch-auction',
  'vickrey-auction',
  'bargaining',
  'blackboard',
  'pubsub',
  'fire-and-forget',
  'query',
];

/**
 * Several agents of an example share one source (three painters, three bidders): build each stale source once and
 * copy the module to every agent that uses it, so a fresh clone compiles 16 sources instead of 25 manifests.
 */
async function prebuildShared(): Promise<void> {
  const bySource = new Map<string, string[]>();
  for (const example of EXAMPLES) {
    for (const manifestPath of findManifests(path.join(examplesDir, example))) {
      const manifest = YAML.parse(fs.readFileSync(manifestPath, 'utf8')) as { name: string; module: string };
      const source = path.resolve(path.dirname(manifestPath), manifest.module);
      const out = builtModulePath(manifestPath, manifest);
      if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(source).mtimeMs) continue;
      bySource.set(source, [...(bySource.get(source) ?? []), out]);
    }
  }
  for (const [source, [first, ...rest]] of bySource) {
    const r = await buildAgentSource(source, first);
    assert.ok(r.ok, `${source}: ${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`);
    for (const out of rest) {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.copyFileSync(first, out);
    }
  }
}

interface ExampleRun {
  summary: ScenarioSummary;
  events: TraceEvent[];
  deliveredTo: (agent: string) => FipaMessage[];
}

/** An example's scenario: `<example>` (its folder's only one) or `<example>/<file>.scenario.yaml`. */
function scenarioOf(example: string): string {
  if (example.endsWith('.scenario.yaml')) return path.join(examplesDir, example);
  const folder = path.join(examplesDir, example);
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.scenario.yaml'));
  assert.equal(files.length, 1, `${folder} has one *.scenario.yaml`);
  return path.join(folder, files[0]);
}

/** Run an example's scenario as `caxton run` does (runScenario, simulated clock), keeping its trace. */
async function runExample(example: string): Promise<ExampleRun> {
  const events: TraceEvent[] = [];
  const summary = await runScenario(scenarioOf(example), { clock: 'simulated', onTrace: (e) => events.push(e) });
  const byId = new Map<string, FipaMessage>();
  for (const e of events) if (e.type === 'message_sent') byId.set(e.id, e.message);
  const deliveredTo = (agent: string): FipaMessage[] =>
    events.flatMap((e) => (e.type === 'message_delivered' && e.to === agent && byId.has(e.id) ? [byId.get(e.id)!] : []));
  return { summary, events, deliveredTo };
}

const pick = <T extends TraceEvent['type']>(events: TraceEvent[], type: T): Array<Extract<TraceEvent, { type: T }>> =>
  events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);

describe('pattern examples run with real wasm agents', function () {
  this.timeout(180_000);
  before(prebuildShared);

  const patterns: Array<{ example: string; check: (r: ExampleRun) => void }> = [
    {
      example: 'contract-net/contract-net.scenario.yaml',
      check: (r) => assert.equal(pick(r.events, 'contract_net_award')[0]?.winner, 'painter-b'),
    },
    {
      example: 'contract-net/manager-decides.scenario.yaml',
      check: (r) => {
        assert.deepEqual(
          pick(r.events, 'contract_net_award').map((e) => [e.winner, e.policy, e.reason]),
          [['painter-a', 'agent', 'chosen by foreman']],
        );
        assert.ok(pick(r.events, 'agent_log').some((e) => e.agent === 'foreman' && e.text === 'foreman picks painter-a'));
      },
    },
    { example: 'iterated-contract-net', check: (r) => assert.equal(pick(r.events, 'contract_net_proposals').length, 3) },
    {
      example: 'english-auction',
      check: (r) => {
        const rounds = pick(r.events, 'auction_round');
        assert.deepEqual(
          rounds.map((e) => e.price),
          [100, 120, 140, 160, 180, 200, 220, 240, 260, 280, 280],
        );
        assert.deepEqual(
          pick(r.events, 'auction_result').map((e) => [e.winner, e.price]),
          [['collector-ben', 280]],
        );
      },
    },
    {
      example: 'dutch-auction',
      check: (r) =>
        assert.deepEqual(
          pick(r.events, 'auction_round').map((e) => e.price),
          [500, 475, 450, 425, 400],
        ),
    },
    {
      example: 'vickrey-auction',
      check: (r) =>
        assert.deepEqual(
          pick(r.events, 'auction_round')[0]
            ?.bids.map((b) => b.amount)
            .sort(),
          [380, 395, 410],
        ),
    },
    {
      example: 'bargaining',
      check: (r) =>
        assert.deepEqual(
          pick(r.events, 'bargaining_round').map((e) => [e.from, (e.offer as { price: number }).price]),
          [
            ['buyer', 120],
            ['bike-shop', 225],
            ['buyer', 136],
            ['bike-shop', 210],
            ['buyer', 152],
            ['bike-shop', 195],
            ['buyer', 168],
            ['bike-shop', 180],
          ],
        ),
    },
    {
      example: 'blackboard',
      check: (r) => {
        const writes = pick(r.events, 'blackboard_write');
        const claims = writes.filter((w) => w.key.startsWith('tasks/') && w.author.startsWith('worker-'));
        assert.deepEqual(claims.map((w) => w.accepted).sort(), [false, false, true, true], 'each task: one claim accepted, one conflict');
        assert.ok(
          pick(r.events, 'agent_log').some((e) => e.agent === 'planner' && /tasks\/1 is now .*"version":2/.test(e.text)),
          'the planner read tasks/1 back',
        );
      },
    },
  ];

  for (const p of patterns) {
    it(`${p.example}: reaches the expected outcome`, async () => {
      const r = await runExample(p.example);
      assert.ok(r.summary.ok, `${r.summary.outcome}: ${JSON.stringify(r.summary.expectations.filter((x) => !x.ok))}`);
      assert.ok(
        r.summary.expectations.some((x) => x.name.startsWith('pattern.')),
        'expect.pattern was checked',
      );
      const dropped = pick(r.events, 'message_dropped').filter((e) => /agent failed|unknown agent/.test(e.reason));
      assert.deepEqual(
        dropped.map((e) => e.reason),
        [],
        'no agent failed',
      );
      assert.deepEqual(
        pick(r.events, 'protocol_violation').map((e) => e.expected),
        [],
        'no protocol violation',
      );
      assert.deepEqual(
        pick(r.events, 'timeout').map((e) => e.waiting),
        [],
        'no timeout',
      );
      p.check(r);
    });
  }
});

describe('basic pattern examples run with real wasm agents', function () {
  this.timeout(180_000);
  before(prebuildShared);

  it('pubsub: wildcards, a content filter, and a subscriber that leaves', async () => {
    const { summary, deliveredTo, events } = await runExample('pubsub');
    assert.ok(summary.ok, JSON.stringify(summary.expectations));
    const orders = (agent: string): unknown[] =>
      deliveredTo(agent)
        .filter((m) => String(m.receiver).startsWith('topic://'))
        .map((m) => (m.content as { id: string }).id);
    assert.deepEqual(orders('eu-desk'), ['o-1', 'o-3']);
    assert.deepEqual(orders('audit'), ['o-1', 'o-2', 'o-3']);
    assert.deepEqual(orders('big-orders'), ['o-2', 'o-3']);
    assert.deepEqual(orders('fickle'), ['o-1']);
    assert.ok(pick(events, 'subscription').some((e) => e.agent === 'fickle' && e.action === 'unsubscribe'));
  });

  it('fire-and-forget: two alarms, the duplicate reading suppressed by message_id', async () => {
    const { summary, deliveredTo, events } = await runExample('fire-and-forget');
    assert.ok(summary.ok, JSON.stringify(summary.expectations));
    assert.deepEqual(
      deliveredTo('alarm-logger').map((m) => (m.content as { reading: number }).reading),
      [91, 120],
    );
    assert.equal(deliveredTo('sensor').length, 3, 'r-2 reaches the sensor once');
    assert.ok(pick(events, 'message_dropped').some((e) => /duplicate/.test(e.reason)));
  });

  it('query: the database agent answers pending_orders with rows', async () => {
    const { summary, deliveredTo } = await runExample('query');
    assert.ok(summary.ok, JSON.stringify(summary.expectations));
    const answers = deliveredTo('clerk').filter((m) => m.performative === 'inform');
    assert.deepEqual(
      answers.map((m) => (m.content as { rows: Array<{ id: string }> }).rows.map((r) => r.id)),
      [
        ['o-1', 'o-3', 'o-4'],
        ['o-1', 'o-4'],
      ],
    );
  });
});
