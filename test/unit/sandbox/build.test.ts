import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildAgentSource, buildWorkspace, builtModulePath } from '../../../runtime/build';
import { buildExampleAgent } from '../../support/fixtures';
import { examplesDir } from '../../support/paths';

describe('agent builder (AssemblyScript -> Agent ABI v1)', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-build-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('builds the example agents to modules that import only caxton.* and export the ABI', async () => {
    for (const name of ['calculator', 'echo', 'logger']) {
      const built = await buildExampleAgent('calculator', name);
      const WA = (
        globalThis as unknown as {
          WebAssembly: {
            Module: {
              new (b: Uint8Array): object;
              imports(m: object): Array<{ module: string; name: string }>;
              exports(m: object): Array<{ name: string }>;
            };
          };
        }
      ).WebAssembly;
      const mod = new WA.Module(built.wasm);
      assert.deepEqual([...new Set(WA.Module.imports(mod).map((i) => i.module))], ['caxton'], name);
      const exported = WA.Module.exports(mod).map((e) => e.name);
      for (const e of ['memory', 'caxton_alloc', 'caxton_handle']) assert.ok(exported.includes(e), `${name} exports ${e}`);
    }
  });

  it('reports compiler errors as file:line:col: message', async () => {
    const src = path.join(tmp, 'broken.ts');
    fs.writeFileSync(
      src,
      'import { onMessage } from "caxton";\nexport { caxton_alloc, caxton_handle } from "caxton";\nconst x: i32 = "text";\n',
    );
    const result = await buildAgentSource(src, path.join(tmp, 'broken.wasm'), { optimize: 'none' });
    assert.equal(result.ok, false);
    const err = result.diagnostics.find((d) => d.severity === 'error');
    assert.ok(err, 'an error diagnostic');
    assert.match(err!.text, new RegExp(`^${src.replace(/[\\.]/g, '\\$&')}:3:\\d+: .*string.*i32`, 'i'));
    assert.equal(fs.existsSync(path.join(tmp, 'broken.wasm')), false);
  });

  it('reports a missing source clearly', async () => {
    const result = await buildAgentSource(path.join(tmp, 'nope.ts'), path.join(tmp, 'nope.wasm'));
    assert.equal(result.ok, false);
    assert.match(result.diagnostics[0].text, /nope\.ts:1:1: agent source not found/);
  });

  it('buildWorkspace builds .ts manifests to <manifest folder>/build/<name>.wasm and skips .wasm ones', async () => {
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(path.join(ws, 'agents'), { recursive: true });
    fs.copyFileSync(path.join(examplesDir, 'calculator', 'agents', 'echo.ts'), path.join(ws, 'agents', 'echo.ts'));
    fs.writeFileSync(path.join(ws, 'agents', 'echo.agent.yaml'), 'name: echo2\nmodule: echo.ts\n');
    fs.writeFileSync(path.join(ws, 'prebuilt.agent.yaml'), 'name: prebuilt\nmodule: prebuilt.wasm\n');
    const result = await buildWorkspace(ws, { optimize: 'none' });
    assert.equal(result.ok, true, JSON.stringify(result.agents.map((a) => a.diagnostics)));
    assert.deepEqual(
      result.agents.map((a) => a.name),
      ['echo2'],
    );
    const out = builtModulePath(path.join(ws, 'agents', 'echo.agent.yaml'), { name: 'echo2', module: 'echo.ts' });
    assert.equal(out, path.join(ws, 'agents', 'build', 'echo2.wasm'));
    assert.ok(fs.statSync(out).size > 1000);
  });
});
