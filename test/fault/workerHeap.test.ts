/**
 * A worker's heap running out fails that worker, not the process: agents whose tables fill a worker with a tiny V8
 * heap limit (resourceLimits) end with ERR_WORKER_OUT_OF_MEMORY on that worker; the process and a calculator in
 * another pool carry on. Run in a child process, so that a regression (V8 aborting the process) fails this test
 * instead of killing the test run.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { watFixture } from '../support/fixtures';
import { repoRoot } from '../support/paths';

const CHILD = `
const { loadWasmAgent, WorkerPool } = require(${JSON.stringify(path.join(repoRoot, 'out', 'runtime', 'sandbox'))});
const { buildExampleAgent } = require(${JSON.stringify(path.join(repoRoot, 'out', 'test', 'support', 'fixtures'))});
(async () => {
  const hogWasm = new Uint8Array(Buffer.from(process.argv[1], 'base64'));
  const healthy = new WorkerPool({ size: 1 });
  const b = await buildExampleAgent('calculator', 'calculator');
  const calc = await loadWasmAgent({ manifest: b.manifest, wasm: b.wasm, pool: healthy });
  const tiny = new WorkerPool({ size: 1, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 } });
  const outcome = { loaded: 0, failure: '' };
  for (let i = 0; i < 11 && !outcome.failure; i++) {
    try { await loadWasmAgent({ manifest: { name: 'hog' + i, module: 'table-hog.wasm', restart: { policy: 'fail' } }, wasm: hogWasm, pool: tiny }); outcome.loaded++; }
    catch (e) { outcome.failure = e.message; }
  }
  const r = await calc.handle({ performative: 'request', sender: 't', receiver: 'calculator', content: { action: 'calculate', x: 2, y: 3 } });
  outcome.calculator = r.ok ? r.effects.find((e) => e.kind === 'send').message.content : r.error;
  outcome.tinyWorkerDeaths = tiny.restarts;
  console.log(JSON.stringify(outcome));
  await tiny.dispose(); await calc.dispose(); await healthy.dispose();
})();
`;

describe('fault: a worker out of heap fails that worker, not the process', function () {
  this.timeout(120_000);
  it('table-hog agents exhaust a tiny worker heap: ERR_WORKER_OUT_OF_MEMORY, the process and the calculator live', async () => {
    const hog = Buffer.from(await watFixture('hostile/table-hog')).toString('base64');
    const r = spawnSync(process.execPath, ['-e', CHILD, hog], { encoding: 'utf8', timeout: 100_000 });
    assert.equal(r.status, 0, `the process died (signal ${r.signal}):\n${r.stderr.slice(-2000)}`);
    const outcome = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.match(outcome.failure, /failed while starting \(crashed: agent worker failed: .*memory limit/i, JSON.stringify(outcome));
    assert.ok(outcome.tinyWorkerDeaths >= 1, JSON.stringify(outcome));
    assert.deepEqual(outcome.calculator, { result: 5 });
  });
});
