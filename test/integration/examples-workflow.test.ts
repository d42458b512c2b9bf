/**
 * The workflow examples run through the real Runtime with real wasm agents built from examples/<name>/agents
 * (built once per source hash and cached under node_modules/.cache/caxton/examples-workflow).
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AgentManifest, ScenarioFile, TraceEvent } from '../../schemas';
import { RealClock } from '../../runtime/core/clock';
import { Runtime } from '../../runtime/runtime';
import { buildAgentSource } from '../../runtime/build';
import { loadWasmAgent, WorkerPool } from '../../runtime/sandbox';
import { loadPipeline, runPipeline, type PipelineReport } from '../../runtime/workflow';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { builtModulePath } from '../../runtime/build';
import { PolicyRegistry } from '../../runtime/resilience';
import { examplesDir, repoRoot } from '../support/paths';

const cacheDir = path.join(repoRoot, 'node_modules', '.cache', 'caxton', 'examples-workflow');
const sdkDir = path.join(repoRoot, 'runtime', 'sdk', 'assembly');

/** The SDK's sources, hashed once: a change to the SDK rebuilds every cached agent. */
const sdkHash = (() => {
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(sdkDir).sort()) h.update(f).update(fs.readFileSync(path.join(sdkDir, f)));
  return h.digest('hex');
})();

/** Build (or reuse) the wasm of one agent source. */
async function wasmFor(source: string): Promise<Uint8Array> {
  const hash = crypto.createHash('sha256').update(sdkHash).update(fs.readFileSync(source)).digest('hex').slice(0, 24);
  const out = path.join(cacheDir, `${path.basename(source, '.ts')}-${hash}.wasm`);
  if (!fs.existsSync(out)) {
    const r = await buildAgentSource(source, out, { cache: false });
    assert.ok(r.ok, `build ${source}: ${r.diagnostics.map((d) => d.text).join('\n')}`);
  }
  return new Uint8Array(fs.readFileSync(out));
}

interface Run {
  report: PipelineReport;
  events: TraceEvent[];
  runtime: Runtime;
}

/** Start the scenario's agents in a Runtime and run its pipeline (as `caxton run` does for `pipeline:`). */
async function runExample(
  example: string,
  scenarioFile: string,
  prepare?: (runtime: Runtime, policies: PolicyRegistry) => Promise<void>,
): Promise<Run> {
  const dir = path.join(examplesDir, example);
  const scenario = (parseYaml(fs.readFileSync(path.join(dir, scenarioFile), 'utf8')) as ScenarioFile).scenario;
  const events: TraceEvent[] = [];
  const clock = new RealClock();
  const runtime = new Runtime({
    name: scenario.name,
    clock,
    seed: 7,
    trace: [
      (e: TraceEvent) => {
        events.push(e);
      },
    ],
  });
  const pool = new WorkerPool({ size: 1 });
  for (const rel of scenario.agents ?? []) {
    const manifestPath = path.join(dir, rel);
    const manifest = parseYaml(fs.readFileSync(manifestPath, 'utf8')) as AgentManifest;
    const wasm = await wasmFor(path.resolve(path.dirname(manifestPath), manifest.module));
    // Where `caxton build` would put it, so `caxton run` (runScenario) finds it too.
    const built = builtModulePath(manifestPath, manifest);
    fs.mkdirSync(path.dirname(built), { recursive: true });
    fs.writeFileSync(built, wasm);
    runtime.addAgent(await loadWasmAgent({ manifest, manifestPath, wasm, clock, seed: 7, pool }));
  }
  runtime.start();
  const policies = new PolicyRegistry({ clock, random: runtime.random, trace: runtime.trace });
  const pipelinePath = path.join(dir, scenario.pipeline!);
  const file = loadPipeline(fs.readFileSync(pipelinePath, 'utf8'), pipelinePath);
  try {
    await prepare?.(runtime, policies);
    const report = await runPipeline(file, runtime, { policies });
    return { report, events, runtime };
  } finally {
    await runtime.stop('test done');
    await pool.dispose();
  }
}

describe('workflow examples through the real runtime (wasm agents)', function () {
  this.timeout(120_000);

  it('data-pipeline: validator -> transformer -> analyzer -> reporter', async () => {
    const { report, events } = await runExample('data-pipeline', 'data.scenario.yaml');
    assert.equal(report.ok, true, report.error);
    assert.deepEqual(report.output, { report: '4 records, mean 15, range 0..30, top south' });
    assert.deepEqual(
      report.stages.map((s) => s.agents[0]),
      ['validator', 'transformer', 'analyzer', 'reporter'],
    );
    assert.deepEqual(report.stages[0].output, {
      records: [
        { name: 'north', value: 12 },
        { name: 'south', value: 30 },
        { name: 'east', value: 18 },
        { name: 'west', value: 0 },
      ],
      rejected: 1,
    });
    assert.equal(events.filter((e) => e.type === 'pipeline_stage' && e.status === 'completed').length, 4);
  });

  it('saga: the car step fails and the hotel, then the flight, are cancelled', async () => {
    const { report, events } = await runExample('saga', 'trip.scenario.yaml');
    assert.equal(report.ok, false);
    assert.deepEqual(report.failedStage, { index: 2, name: 'book_car', error: 'car replied failure: no limousine car available' });
    assert.deepEqual(
      report.compensations.map((c) => [c.stage, c.ok]),
      [
        ['book_hotel', true],
        ['book_flight', true],
      ],
    );
    assert.deepEqual(report.stages[1].output, {
      trip: 'T-7',
      flight: 'economy',
      hotel: 'double',
      car: 'limousine',
      flight_booking: 'FLIGHT-economy-1',
      hotel_booking: 'HOTEL-double-1',
    });
    assert.deepEqual(
      events.filter((e) => e.type === 'saga_step').map((e) => e.type === 'saga_step' && `${e.action} ${e.step} ${e.ok}`),
      ['run book_flight true', 'run book_hotel true', 'run book_car false', 'compensate book_hotel true', 'compensate book_flight true'],
    );
  });

  it('resilience: retries a flaky agent, gets a quorum despite a trapping one, orders by contract net', async () => {
    const { report, events } = await runExample('resilience', 'resilience.scenario.yaml');
    assert.equal(report.ok, true, report.error);
    assert.equal(report.stages[0].attempts, 3);
    assert.deepEqual(report.stages[0].output, { item: 'widget', attempts_seen: 3 });
    assert.equal(events.filter((e) => e.type === 'retry' && e.route === 'flaky').length, 2);
    const quotes = report.stages[1];
    assert.deepEqual([...quotes.gather!.answered].sort(), ['quoter-a', 'quoter-bb']);
    assert.deepEqual(quotes.gather!.missing, ['quoter-broken'], 'settled with 2 of 3 (the trap may land before or after)');
    assert.deepEqual(
      events.filter((e) => e.type === 'breaker_state').map((e) => e.type === 'breaker_state' && `${e.route}:${e.to}`),
      ['quoter-broken:open'],
    );
    assert.deepEqual(report.output, { ordered: 'widget', from: 'quoter-a', price: 68 });
    assert.ok(
      !report.stages[2].selection!.proposals.some((p) => p.agent === 'quoter-broken'),
      'the open breaker kept quoter-broken out of the contract net',
    );
  });

  it('bulkhead: one call runs, one waits, the third is rejected by the bulkhead; the quorum of two still succeeds', async () => {
    const { report, events } = await runExample('bulkhead', 'bulkhead.scenario.yaml');
    assert.equal(report.ok, true, report.error);
    assert.deepEqual(
      events.filter((e) => e.type === 'bulkhead_rejected').map((e) => e.type === 'bulkhead_rejected' && [e.route, e.active, e.queued]),
      [['quoter', 1, 1]],
    );
    assert.equal(report.stages[0].gather!.answered.length, 2);
  });

  // After the runs above, each example's wasm is where `caxton build` puts it: run the scenarios as `caxton run` does.
  // The simulated runs repeat: the scenario driver once let simulated time jump to a timeout while a wasm worker was
  // still (in real time) answering a message sent a few promise turns after the router went idle; that showed up as a
  // spurious timeout in some runs only. Time now moves one timer at a time and only while nothing is in flight.
  const runs: Array<[string, string, 'simulated' | 'real']> = [];
  for (const [example, scenario] of [
    ['data-pipeline', 'data.scenario.yaml'],
    ['saga', 'trip.scenario.yaml'],
    ['resilience', 'resilience.scenario.yaml'],
    ['bulkhead', 'bulkhead.scenario.yaml'],
  ]) {
    runs.push([example, scenario, 'real']);
    for (let i = 0; i < 4; i++) runs.push([example, scenario, 'simulated']);
  }
  for (const [example, scenario, clock] of runs) {
    it(`${example}: runScenario (caxton run, ${clock} clock) meets the scenario's expect`, async () => {
      const summary = await runScenario(path.join(examplesDir, example, scenario), { clock, seed: 7 });
      assert.equal(
        summary.ok,
        true,
        summary.expectations.map((e) => `${e.ok ? 'ok' : 'FAIL'} ${e.detail}`).join('\n') + `\n${summary.outcome}`,
      );
      assert.ok(summary.expectations.some((e) => e.name === 'ok' && e.ok));
      // The saga's compensations and the resilience run answer well inside their timeouts: any timeout is a race.
      if (example !== 'resilience') assert.equal(summary.timeouts, 0, summary.outcome);
    });
  }
});
