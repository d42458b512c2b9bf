/**
 * The TypeScript/JavaScript agent builder (esbuild, real): diagnostics at file:line:col, the sandbox's import rule,
 * multi-file agents with source maps, the build cache, and which manifests it builds.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { agentLanguage, buildJsAgent, buildWorkspace, builtModulePath, isJsAgent } from '../../../../runtime/build';
import * as ts from 'typescript';
import { examplesDir, repoRoot } from '../../../support/paths';
import { createJsEngine, JsAgentInstance } from '../../../../runtime/sandbox';
import { loadQuickJsWasm } from '../../../../runtime/node/files/quickJsWasm';
import { answer, failure, js, LIMITS, request } from './jsHarness';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-jsbuild-'));

describe('JS agents: the builder (esbuild)', function () {
  this.timeout(60_000);

  it('a syntax error is a diagnostic at the TypeScript file, line and column', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'agent.ts'), 'import { onMessage } from "caxton-agent";\nonMessage((m) => {\n  const x = ;\n});\n');
    const r = await buildJsAgent(path.join(dir, 'agent.ts'), path.join(dir, 'build', 'a.js'), { cache: false });
    assert.equal(r.ok, false);
    const d = r.diagnostics[0];
    assert.deepEqual([d.file, d.line, d.column, d.severity], [path.join(dir, 'agent.ts'), 3, 13, 'error']);
    assert.equal(d.text, `${path.join(dir, 'agent.ts')}:3:13: ${d.message}`);
    assert.ok(!fs.existsSync(path.join(dir, 'build', 'a.js')), 'nothing written for a failed build');
  });

  it('bare imports (Node or npm modules) are refused with the rule and the fix, at the import', async () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'agent.ts'),
      'import { onMessage } from "caxton-agent";\nimport * as fs from "node:fs";\nimport _ from "lodash";\nonMessage(() => { fs.readFileSync("/etc/passwd"); _; });\n',
    );
    const r = await buildJsAgent(path.join(dir, 'agent.ts'), path.join(dir, 'build', 'a.js'), { cache: false });
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.diagnostics.map((d) => [d.line, d.message]),
      [
        [2, "cannot import 'node:fs': agents run in a sandbox without Node or npm modules; import only 'caxton-agent' and relative files"],
        [3, "cannot import 'lodash': agents run in a sandbox without Node or npm modules; import only 'caxton-agent' and relative files"],
      ],
    );
  });

  it('relative imports are bundled, and errors map to the file they came from', async () => {
    const orders =
      'export function parseOrder(raw: unknown): { qty: number } {\n  if (typeof raw !== "object" || raw === null) throw new RangeError("order must be an object");\n  return raw as { qty: number };\n}\n';
    const a = await js(
      'import { onMessage, reply } from "caxton-agent";\nimport { parseOrder } from "./orders";\nonMessage((m) => reply(m, "inform", parseOrder(m.content).qty));\n',
      { files: { 'orders.ts': orders } },
    );
    const ok = a.handle(request({ qty: 3 }), 0);
    assert.ok(ok.ok && ok.effects.some((e) => e.kind === 'send' && e.message.content === 3));
    const e = failure(a.handle(request(7), 0));
    assert.match(e.message, /handler threw RangeError: order must be an object/);
    assert.match(e.message, /at parseOrder \(orders\.ts:2:\d+\)/, e.message);
    assert.match(e.message, /\(agent\.ts:3:\d+\)/, e.message);
  });

  it('a plain JavaScript agent (language: javascript, .mjs) is bundled and runs the same way', async () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'agent.mjs'),
      "import { onMessage, reply } from 'caxton-agent';\n/** @param {import('caxton-agent').Message} m */\nconst handle = (m) => reply(m, 'inform', { echoed: m.content, words: String(m.content).split(' ').length });\nonMessage(handle);\n",
    );
    const out = path.join(dir, 'build', 'agent.js');
    const r = await buildJsAgent(path.join(dir, 'agent.mjs'), out);
    assert.ok(r.ok, r.diagnostics.map((d) => d.text).join('\n'));
    const inst = JsAgentInstance.create({
      name: 'agent',
      code: fs.readFileSync(out, 'utf8'),
      file: 'agent.js',
      grants: [],
      limits: LIMITS,
      seed: 1,
      engine: await createJsEngine(loadQuickJsWasm(), LIMITS.memoryBytes),
    });
    assert.ok(inst instanceof JsAgentInstance);
    assert.deepEqual(answer(inst.handle(request('three little words'), 0)), { echoed: 'three little words', words: 3 });
  });

  it('the build cache: up to date until the agent or a file it imports changes', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'util.ts'), 'export const twice = (n: number) => n * 2;\n');
    fs.writeFileSync(
      path.join(dir, 'agent.ts'),
      'import { onMessage, reply } from "caxton-agent";\nimport { twice } from "./util";\nonMessage((m) => reply(m, "inform", twice(21)));\n',
    );
    const out = path.join(dir, 'build', 'agent.js');
    const first = await buildJsAgent(path.join(dir, 'agent.ts'), out);
    assert.deepEqual([first.ok, first.cached], [true, false]);
    const again = await buildJsAgent(path.join(dir, 'agent.ts'), out);
    assert.deepEqual([again.ok, again.cached], [true, true]);
    const key = JSON.parse(fs.readFileSync(`${out}.json`, 'utf8')) as { asc: string; inputs: Array<{ file: string }> };
    assert.match(key.asc, /^esbuild \d+\.\d+\.\d+$/);
    assert.deepEqual(key.inputs.map((i) => i.file).sort(), ['agent.ts', 'util.ts']);
    fs.writeFileSync(path.join(dir, 'util.ts'), 'export const twice = (n: number) => n * 3;\n');
    const changed = await buildJsAgent(path.join(dir, 'agent.ts'), out);
    assert.deepEqual([changed.ok, changed.cached], [true, false]);
    assert.match(fs.readFileSync(out, 'utf8'), /n \* 3/);
  });

  it('manifest language decides the engine: .ts alone stays AssemblyScript', () => {
    const rows: Array<[{ module: string; language?: string }, string, boolean, string]> = [
      [{ module: 'a.ts' }, 'assemblyscript', false, 'build/x.wasm'],
      [{ module: 'a.ts', language: 'assemblyscript' }, 'assemblyscript', false, 'build/x.wasm'],
      [{ module: 'a.ts', language: 'typescript' }, 'typescript', true, 'build/x.js'],
      [{ module: 'a.js', language: 'javascript' }, 'javascript', true, 'build/x.js'],
      [{ module: 'a.wasm' }, 'wasm', false, 'a.wasm'],
    ];
    for (const [m, lang, isJs, out] of rows) {
      assert.equal(agentLanguage(m), lang, JSON.stringify(m));
      assert.equal(isJsAgent(m), isJs);
      assert.equal(builtModulePath('/w/x.agent.yaml', { name: 'x', ...m }), path.join('/w', out));
    }
  });

  it('caxton build bundles the TypeScript agents of examples/calculator-ts (a copy), then finds them up to date', async () => {
    const dir = tmp();
    fs.cpSync(path.join(examplesDir, 'calculator-ts'), dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}build`) });
    const first = await buildWorkspace(dir);
    assert.ok(first.ok, JSON.stringify(first));
    assert.deepEqual(
      first.agents.map((a) => [a.name, path.relative(dir, a.outWasm), a.status]),
      [
        ['calculator-ts', path.join('agents', 'build', 'calculator-ts.js'), 'built'],
        ['echo-ts', path.join('agents', 'build', 'echo-ts.js'), 'built'],
        ['logger-ts', path.join('agents', 'build', 'logger-ts.js'), 'built'],
      ],
    );
    const second = await buildWorkspace(dir);
    assert.deepEqual(
      second.agents.map((a) => a.status),
      ['up to date', 'up to date', 'up to date'],
    );
  });

  it("the editor's view: the TypeScript examples type-check against runtime/sdk/js/index.d.ts, and misuse does not", () => {
    const check = (tsconfig: string): string[] => {
      const cfg = ts.getParsedCommandLineOfConfigFile(
        tsconfig,
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(String(d.messageText));
          },
        },
      )!;
      return ts
        .getPreEmitDiagnostics(ts.createProgram(cfg.fileNames, cfg.options))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    };
    for (const ex of ['calculator-ts', 'english-auction-ts'])
      assert.deepEqual(check(path.join(examplesDir, ex, 'agents', 'tsconfig.json')), [], ex);
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          lib: ['ES2023'],
          types: [],
          module: 'ESNext',
          moduleResolution: 'Bundler',
          paths: { 'caxton-agent': [path.join(repoRoot, 'runtime', 'sdk', 'js', 'index.d.ts')] },
        },
        include: ['*.ts'],
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'agent.ts'),
      'import { onMessage, reply, blackboardWrite } from "caxton-agent";\nonMessage((m) => { reply(m); blackboardWrite("k", () => 1); const n: number = m.conversationId; });\n',
    );
    const errors = check(path.join(dir, 'tsconfig.json'));
    assert.equal(errors.length, 3, errors.join('\n'));
  });
});
