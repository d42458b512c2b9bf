import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Debouncer, describeReload, isReloadTrigger } from '../../../client/hotReloadTriggers';

const root = path.resolve('/ws');
// A fake folder listing: /ws/agents holds a manifest, /ws/lib and /ws/docs do not.
const tree: Record<string, string[]> = {
  [root]: ['README.md', 'agents', 'lib'],
  [path.join(root, 'agents')]: ['calc.agent.yaml', 'calc.ts', 'util'],
  [path.join(root, 'agents', 'util')]: ['math.ts'],
  [path.join(root, 'lib')]: ['shared.ts'],
};
const listDir = (d: string): string[] => tree[d] ?? [];

describe('hot reload triggers (client, pure)', () => {
  const cases: Array<[string, boolean]> = [
    ['agents/calc.ts', true],
    ['agents/util/math.ts', true], // under a folder whose ancestor holds a manifest
    ['agents/calc.agent.yaml', true],
    ['agents/build/calc.wasm', true],
    ['lib/shared.ts', false], // no manifest in lib/ or above it inside the workspace
    ['agents/types.d.ts', false],
    ['agents/bidder.js', true], // a JavaScript agent's source
    ['agents/build/calc.js', false], // a TypeScript agent's bundle: written by the builder, not a source
    ['agents/notes.md', false],
    ['../elsewhere/agents/x.agent.yaml', false], // outside the workspace
  ];
  for (const [file, expected] of cases) {
    it(`${file} -> ${expected ? 'reload' : 'ignore'}`, () => {
      assert.equal(isReloadTrigger(path.join(root, file), root, listDir), expected);
    });
  }

  it('describes outcomes: nothing, reloaded agents, or the first error with file:line:col', () => {
    assert.equal(describeReload([{ agent: 'a', status: 'unchanged', durationMs: 1 }]).kind, 'none');
    assert.deepEqual(
      describeReload([
        { agent: 'a', status: 'reloaded', durationMs: 1 },
        { agent: 'b', status: 'reloaded', durationMs: 1 },
      ]),
      { kind: 'reloaded', text: 'hot reloaded a, b' },
    );
    const problem = { file: '/ws/agents/calc.ts', line: 12, column: 5, message: 'Type mismatch' };
    const out = describeReload([
      { agent: 'echo', status: 'reloaded', durationMs: 1 },
      {
        agent: 'calc',
        status: 'failed',
        durationMs: 1,
        error: '/ws/agents/calc.ts:12:5: Type mismatch\n/ws/agents/calc.ts:13:1: more',
        problems: [problem],
      },
    ]);
    assert.equal(out.kind, 'error');
    assert.equal(
      out.text,
      'calc not reloaded, the previous version keeps running: /ws/agents/calc.ts:12:5: Type mismatch (reloaded: echo)',
    );
    assert.deepEqual(out.problem, problem);
  });

  it('debounces a burst of saves into one flush with every file once', async () => {
    const flushes: string[][] = [];
    const d = new Debouncer(20, (files) => flushes.push(files));
    d.add('a.ts');
    d.add('b.ts');
    d.add('a.ts');
    await new Promise((r) => setTimeout(r, 60));
    d.add('c.ts');
    d.dispose();
    await new Promise((r) => setTimeout(r, 40));
    assert.deepEqual(flushes, [['a.ts', 'b.ts']], 'dispose drops pending files');
  });
});
