/**
 * Manifest and module paths cannot escape the workspace: `../`, absolute paths and symlinks pointing outside are
 * refused by the loader (runtime/node/files/workspace.ts) with a problem naming the manifest, the line and the fix, and
 * the session (what the CLI and the VS Code runtime host run) refuses to start such an agent.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadWorkspace, WorkspaceError } from '../../runtime/node/files/workspace';
import { startSession } from '../../runtime/node/session/session';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { removeTemp, securityWasm, tempDir, writeFiles } from './securityFixtures';

describe('security: workspace paths stay inside the workspace', function () {
  this.timeout(60_000);
  let base: string;
  let ws: string;
  let outside: string;
  let wasm: Uint8Array;

  const manifest = (name: string, module: string): string => `# test agent\nname: ${name}\nmodule: ${module}\n`;

  before(async () => {
    wasm = await securityWasm('sink');
    base = tempDir('paths');
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    writeFiles(outside, {
      'secret.wasm': wasm,
      'evil.agent.yaml': manifest('evil', 'secret.wasm'),
      'secret.fipa.json': '{"performative":"inform","sender":"user","receiver":"ok","content":"from outside"}',
      'evil.pipeline.yaml': 'pipeline:\n  name: evil\n  stages:\n    - agent: ok\n',
    });
    writeFiles(ws, { 'agents/ok.wasm': wasm, 'agents/ok.agent.yaml': manifest('ok', 'ok.wasm') });
  });

  after(() => removeTemp(base));

  /** A workspace with the healthy agent plus `files`; returns the problems the loader reports. */
  async function problemsWith(files: Record<string, string | Uint8Array>, links: Record<string, string> = {}) {
    const dir = tempDir('ws');
    try {
      writeFiles(dir, { 'agents/ok.wasm': wasm, 'agents/ok.agent.yaml': manifest('ok', 'ok.wasm'), ...files });
      for (const [link, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dir, link));
      const loaded = await loadWorkspace(dir, { build: false });
      return { dir, names: loaded.agents.map((a) => a.manifest.name), problems: loaded.problems };
    } finally {
      removeTemp(dir);
    }
  }

  it('loads a module inside the workspace (control)', async () => {
    const { names, problems } = await problemsWith({});
    assert.deepEqual(names, ['ok']);
    assert.deepEqual(problems, []);
  });

  const escapes: Array<{ title: string; module: (dir: string) => string; links?: () => Record<string, string> }> = [
    { title: 'a ../ path', module: (dir) => path.relative(path.join(dir, 'agents'), path.join(outside, 'secret.wasm')) },
    { title: 'an absolute path', module: () => path.join(outside, 'secret.wasm') },
    {
      title: 'a symlink to a file outside',
      module: () => 'link.wasm',
      links: () => ({ 'agents/link.wasm': path.join(outside, 'secret.wasm') }),
    },
    { title: 'a file inside a symlinked folder outside', module: () => 'shared/secret.wasm', links: () => ({ 'agents/shared': outside }) },
  ];

  for (const c of escapes) {
    it(`refuses a module given as ${c.title}`, async () => {
      const dir = tempDir('ws');
      try {
        writeFiles(dir, {
          'agents/ok.wasm': wasm,
          'agents/ok.agent.yaml': manifest('ok', 'ok.wasm'),
          'agents/evil.agent.yaml': manifest('evil', c.module(dir)),
        });
        for (const [link, target] of Object.entries(c.links?.() ?? {})) fs.symlinkSync(target, path.join(dir, link));
        const loaded = await loadWorkspace(dir, { build: false });
        assert.deepEqual(
          loaded.agents.map((a) => a.manifest.name),
          ['ok'],
          'the escaping agent is not loaded',
        );
        const [p] = loaded.problems;
        assert.equal(loaded.problems.length, 1, JSON.stringify(loaded.problems));
        assert.equal(p.file, path.join(dir, 'agents/evil.agent.yaml'), 'names the manifest');
        assert.equal(p.line, 3, 'points at the module line');
        assert.match(
          p.message,
          /^module '.*' cannot be used: .* resolves to .*, outside the workspace .*; keep it inside the workspace\.$/,
        );
        // The session (CLI, VS Code runtime host) refuses to start at all, naming the manifest.
        await assert.rejects(startSession({ folder: dir, workers: 1 }), (e: Error) => {
          assert.ok(e instanceof WorkspaceError, `${e.name}: ${e.message}`);
          assert.match(
            e.message,
            /evil\.agent\.yaml:3:\d+: error: module '.*' cannot be used: .* resolves to .*, outside the workspace .*\[refused-file\]/,
          );
          return true;
        });
      } finally {
        removeTemp(dir);
      }
    });
  }

  it('refuses an agent named by a path outside the workspace', async () => {
    await assert.rejects(startSession({ folder: ws, agents: ['../outside/evil.agent.yaml'], workers: 1 }), (e: Error) => {
      assert.ok(e instanceof WorkspaceError);
      assert.match(e.message, /no agent '\.\.\/outside\/evil\.agent\.yaml' in this workspace \(agents: ok\)/);
      return true;
    });
  });

  it('a *.agent.yaml symlinked from outside the workspace is not read [runtime/node/files/workspace.ts walk]', async () => {
    const { names, problems } = await problemsWith(
      { 'agents/secret.wasm': wasm },
      { 'agents/evil.agent.yaml': path.join(outside, 'evil.agent.yaml') },
    );
    // walk() lists symlinked files and readManifest reads them, so a manifest from anywhere on disk joins the run.
    // Fix: in readManifest, `if (escapes(root, fs.realpathSync(file)))` push a problem like the module check does.
    assert.deepEqual(names, ['ok'], `an outside manifest was loaded: ${names.join(', ')}`);
    assert.ok(problems.some((p) => /outside the workspace/.test(p.message)));
  });

  it("a scenario's message file outside its workspace is refused [runtime/node/scenario/scenario.ts loadScenarioMessages]", async () => {
    const dir = tempDir('ws');
    try {
      writeFiles(dir, {
        'agents/ok.wasm': wasm,
        'agents/ok.agent.yaml': manifest('ok', 'ok.wasm'),
        's.scenario.yaml': `scenario:\n  name: s\n  messages:\n    - file: ${path.join(outside, 'secret.fipa.json')}\n`,
      });
      // loadScenarioMessages resolves `file:` and reads it wherever it is (../, absolute, symlinks).
      // Fix: realpath it and refuse with a WorkspaceProblem when escapes(realpath(folder), real), as for modules.
      await assert.rejects(runScenario(path.join(dir, 's.scenario.yaml'), { workers: 1 }), /outside the workspace/);
    } finally {
      removeTemp(dir);
    }
  });

  it("a scenario's pipeline outside its workspace is refused [runtime/node/scenario/coordination.ts prepareCoordination]", async () => {
    const dir = tempDir('ws');
    try {
      writeFiles(dir, {
        'agents/ok.wasm': wasm,
        'agents/ok.agent.yaml': manifest('ok', 'ok.wasm'),
        's.scenario.yaml': `scenario:\n  name: s\n  pipeline: ${path.join(outside, 'evil.pipeline.yaml')}\n`,
      });
      // pipelineCoordination reads path.resolve(folder, pipeline) wherever it points.
      // Fix: the same realpath + escapes() check before reading it.
      await assert.rejects(runScenario(path.join(dir, 's.scenario.yaml'), { workers: 1 }), /outside the workspace/);
    } finally {
      removeTemp(dir);
    }
  });
});
