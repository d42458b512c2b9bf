/**
 * Real time with worker shards: a topic subscription made on one shard (a manifest, or an agent's own subscribe) is
 * known to every shard, so an agent on another shard that publishes finds its subscribers (it found none before:
 * the host's table was the only one that had them).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { examplesDir } from '../support/paths';

describe('topics on the real clock across worker shards', function () {
  this.timeout(120_000);

  for (const workers of [1, 3]) {
    it(`examples/pubsub passes on the real clock with ${workers} worker shard(s)`, async () => {
      const s = await runScenario(path.join(examplesDir, 'pubsub', 'pubsub.scenario.yaml'), { clock: 'real', workers });
      assert.ok(s.ok, JSON.stringify(s.expectations));
      assert.equal(s.dropped, 0, 'no publication found "no subscriber"');
      assert.ok(s.delivered >= 15, `delivered ${s.delivered}`);
    });
  }
});
