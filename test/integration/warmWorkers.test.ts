/**
 * Shard threads started ahead (runtime/shard/warmWorkers.ts): `caxton run` starts them before it reads the folder,
 * the run's ShardGroup takes what it needs and terminates the rest, and a thread that failed to start is never
 * handed out.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { prewarmShardWorkers } from '../../runtime/shard/shardGroup';
import { releaseWarmWorkers, startWarmWorkers, takeWarmWorker, warmWorkerStats } from '../../runtime/shard/warmWorkers';
import { examplesDir } from '../support/paths';

const LIMITS = { maxOldGenerationSizeMb: 64 };

describe('warm shard threads', function () {
  this.timeout(60_000);
  afterEach(() => releaseWarmWorkers());

  it('a run takes the threads started ahead and terminates the ones it does not need', async () => {
    const before = warmWorkerStats();
    prewarmShardWorkers(2);
    assert.equal(warmWorkerStats().waiting, 2);
    const summary = await runScenario(path.join(examplesDir, 'calculator', 'calculator.scenario.yaml'), { workers: 1, seed: 1 });
    assert.equal(summary.ok, true, 'the calculator scenario passes on a warm thread');
    const after = warmWorkerStats();
    assert.equal(after.taken - before.taken, 1, 'one warm thread served the run');
    assert.equal(after.released - before.released, 1, 'the other was terminated');
    assert.equal(after.waiting, 0);
  });

  it('a thread whose script failed to load is not handed out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-warm-'));
    try {
      const broken = path.join(dir, 'broken.js');
      fs.writeFileSync(broken, "throw new Error('broken on purpose');\n");
      startWarmWorkers(1, broken, LIMITS);
      for (let i = 0; i < 200 && warmWorkerStats().waiting > 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(warmWorkerStats().waiting, 0, 'the failed thread is counted dead');
      assert.equal(takeWarmWorker(broken, LIMITS), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asking again tops the waiting threads up instead of adding more', () => {
    const script = path.join(__dirname, '..', '..', 'runtime', 'shard', 'shardWorker.js');
    const started = warmWorkerStats().started;
    startWarmWorkers(2, script, LIMITS);
    startWarmWorkers(2, script, LIMITS);
    assert.equal(warmWorkerStats().started - started, 2, 'two threads in all');
    assert.equal(warmWorkerStats().waiting, 2);
    startWarmWorkers(3, script, LIMITS);
    assert.equal(warmWorkerStats().waiting, 3, 'one more for three');
  });

  it('threads are only handed to a group asking for the same script and limits', () => {
    const script = path.join(__dirname, '..', '..', 'runtime', 'shard', 'shardWorker.js');
    startWarmWorkers(1, script, LIMITS);
    assert.equal(takeWarmWorker(script, { maxOldGenerationSizeMb: 128 }), undefined, 'other limits: not this thread');
    assert.equal(takeWarmWorker(`${script}.other`, LIMITS), undefined, 'another script: not this thread');
    const taken = takeWarmWorker(script, LIMITS);
    assert.ok(taken, 'the same script and limits get it');
    void taken.terminate();
  });
});
