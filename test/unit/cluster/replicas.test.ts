/** `replicas: N` (schema, loader note, expansion) and `--slice i/N` (which agents a process of a run hosts). */
import * as assert from 'node:assert/strict';
import { loadText } from '../../../schemas/load';
import { expandReplicas } from '../../../runtime/node/session/replicas';
import { parseSlice, sliceAgents } from '../../../runtime/node/session/slice';
import type { AgentEntry, WorkspaceProblem } from '../../../runtime/node/files/workspace';

const entry = (name: string, more: Partial<AgentEntry['manifest']> = {}): AgentEntry => ({
  file: `/w/${name}.agent.yaml`,
  source: '/w/a.ts',
  manifest: { name, module: 'a.ts', ...more },
});

describe('replicas', () => {
  it('the schema takes replicas: N; the loader notes one past what a process holds, suggesting --processes', () => {
    const ok = loadText('file:///w/idle.agent.yaml', 'name: idle\nmodule: a.wasm\nreplicas: 1000\n', { kind: 'agent' });
    assert.deepEqual(
      ok.problems.filter((p) => p.code !== 'file-not-found' && p.code !== 'missing-file'),
      [],
    );
    const many = loadText('file:///w/idle.agent.yaml', 'name: idle\nmodule: a.wasm\nreplicas: 100000\n', { kind: 'agent' });
    const note = many.problems.find((p) => p.code === 'replicas-over-process');
    assert.equal(note?.severity, 'information');
    assert.match(note?.message ?? '', /100000 replicas are more than one process holds .*caxton run --processes 9/);
    const bad = loadText('file:///w/idle.agent.yaml', 'name: idle\nmodule: a.wasm\nreplicas: 0\n', { kind: 'agent' });
    assert.ok(
      bad.problems.some((p) => p.severity === 'error' && /replicas/.test(p.message)),
      JSON.stringify(bad.problems),
    );
  });

  it('expands a manifest into name-0 .. name-(N-1), refusing a replica name another manifest declares', () => {
    const problems: WorkspaceProblem[] = [];
    const out = expandReplicas([entry('idle', { replicas: 3 }), entry('solo')], problems);
    assert.deepEqual(
      out.map((e) => [e.manifest.name, e.replicaOf]),
      [
        ['idle-0', 'idle'],
        ['idle-1', 'idle'],
        ['idle-2', 'idle'],
        ['solo', undefined],
      ],
    );
    assert.equal(problems.length, 0);
    const clashes: WorkspaceProblem[] = [];
    const clash = expandReplicas([entry('w', { replicas: 2 }), entry('w-1')], clashes);
    assert.deepEqual(
      clash.map((e) => e.manifest.name),
      ['w-0', 'w-1'],
    );
    assert.match(
      clashes[0].message,
      /replica 'w-1' of 'w' \(replicas: 2\) has the name of the agent declared in \/w\/w-1\.agent\.yaml; rename one/,
    );
  });
});

describe('slices of a run over processes', () => {
  it('deals placement groups round-robin in name order, keeping a group together', () => {
    const entries = [
      entry('a'),
      entry('b', { placement: { group: 'g' } }),
      entry('c'),
      entry('d', { placement: { group: 'g' } }),
      entry('e'),
    ];
    const slices = [0, 1, 2].map((i) => sliceAgents(entries, i, 3));
    assert.deepEqual(slices, [['a', 'b', 'd'], ['c'], ['e']]);
    assert.deepEqual(slices.flat().sort(), ['a', 'b', 'c', 'd', 'e'], 'every agent in exactly one slice');
  });

  it('parses i/N and refuses the rest', () => {
    assert.deepEqual(parseSlice('2/4'), { index: 2, count: 4 });
    for (const bad of ['4/4', '1', 'a/b', '0/0', '-1/3']) assert.match(parseSlice(bad) as string, /is not i\/N/);
  });
});
