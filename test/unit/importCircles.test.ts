/** No import circles anywhere in the product code (madge, type-only imports included): each part imports downward. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

// madge ships no types; the little used here is typed inline.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const madge = require('madge') as (paths: string[], config: object) => Promise<{ circular(): string[][]; obj(): Record<string, string[]> }>;

describe('import graph', function () {
  this.timeout(120_000);
  it('has no circles in schemas, platform, runtime, server, client and the webview', async () => {
    const parts = ['schemas', 'platform', 'runtime', 'server', 'client'].map((p) => path.join(repoRoot, p));
    const graph = await madge(parts, {
      baseDir: repoRoot,
      fileExtensions: ['ts'],
      tsConfig: path.join(repoRoot, 'tsconfig.json'),
      excludeRegExp: [/runtime[\\/]sdk[\\/]assembly/, /\.d\.ts$/],
      detectiveOptions: { ts: { skipTypeImports: false } },
    });
    assert.ok(Object.keys(graph.obj()).length > 150, `madge saw ${Object.keys(graph.obj()).length} files`);
    assert.deepEqual(graph.circular(), []);
  });
});
