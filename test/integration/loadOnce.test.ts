/**
 * `caxton run` loads a workspace once and passes it on: every file of the run is parsed once (it used to be three
 * times: the folder scan, the scenario, the session). Counted at the loader itself, over a real run.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as loader from '../../schemas/load/loadText';
import { main } from '../../runtime/cli/cli';
import { examplesDir } from '../support/paths';

describe('a run loads each file once', function () {
  this.timeout(180_000);
  for (const example of ['calculator', 'data-pipeline']) {
    it(`caxton run examples/${example}: one parse per manifest, scenario and pipeline`, async () => {
      const counts = new Map<string, number>();
      const original = loader.loadText;
      (loader as { loadText: typeof original }).loadText = (uri, text, ctx) => {
        counts.set(uri, (counts.get(uri) ?? 0) + 1);
        return original(uri, text, ctx);
      };
      try {
        const out: string[] = [];
        const code = await main(['run', path.join(examplesDir, example)], {
          out: (l) => out.push(l),
          err: (l) => out.push(l),
          cwd: examplesDir,
          color: false,
        });
        assert.equal(code, 0, out.join('\n'));
      } finally {
        (loader as { loadText: typeof original }).loadText = original;
      }
      assert.ok(counts.size >= 4, `files parsed: ${[...counts.keys()].join(', ')}`);
      for (const [uri, n] of counts) assert.equal(n, 1, `${uri} parsed ${n} times`);
    });
  }
});
