import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildAgentSource, buildWorkspace, keyFilePath, type BuildKeyFile } from '../../../runtime/build';

// A small agent that imports a local helper, so editing the helper must invalidate the build.
const AGENT = `import { Message, onMessage, reply } from "caxton";
import { tag } from "./lib/tag";
export { caxton_alloc, caxton_handle } from "caxton";
onMessage((msg: Message): void => { reply(msg, "inform", tag()); });
`;
const TAG = (text: string): string =>
  `import { more } from "./more";\nexport function tag(): string { return "\\"" + more("${text}") + "\\""; }\n`;
const MORE = 'export function more(s: string): string { return s; }\n';

describe('build cache (real asc)', function () {
  this.timeout(120_000);
  let ws: string;
  let src: string;
  let out: string;
  const build = (force = false) => buildAgentSource(src, out, { optimize: 'none', force });

  before(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-cache-'));
    fs.mkdirSync(path.join(ws, 'lib'));
    src = path.join(ws, 'tagger.ts');
    out = path.join(ws, 'build', 'tagger.wasm');
    fs.writeFileSync(src, AGENT);
    fs.writeFileSync(path.join(ws, 'lib', 'tag.ts'), TAG('v1'));
    fs.writeFileSync(path.join(ws, 'lib', 'more.ts'), MORE);
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('builds, stores a key file beside the output, and the second build is a cache hit', async () => {
    const first = await build();
    assert.equal(first.ok, true, first.diagnostics.map((d) => d.text).join('\n'));
    assert.equal(first.cached, false);
    const key = JSON.parse(fs.readFileSync(keyFilePath(out), 'utf8')) as BuildKeyFile;
    assert.equal(key.bytes, fs.statSync(out).size);
    assert.ok(
      key.inputs.some((i) => i.file === 'lib/more.ts' && i.sha256),
      'transitive local imports are inputs',
    );
    assert.ok(
      key.inputs.some((i) => i.file.startsWith('~sdk/') && i.sha256),
      'SDK files are inputs',
    );
    assert.ok(!fs.readdirSync(path.dirname(out)).some((f) => f.endsWith('.tmp')), 'no temp files left behind');
    const second = await build();
    assert.equal(second.ok, true);
    assert.equal(second.cached, true);
    assert.equal(second.bytes, first.bytes);
  });

  it('editing a transitively imported file invalidates; force rebuilds an up-to-date output', async () => {
    fs.writeFileSync(path.join(ws, 'lib', 'more.ts'), 'export function more(s: string): string { return s + "!"; }\n');
    assert.equal((await build()).cached, false);
    assert.equal((await build()).cached, true);
    assert.equal((await build(true)).cached, false, '--force');
  });

  it('a corrupted .wasm or a missing key file rebuilds', async () => {
    fs.writeFileSync(out, fs.readFileSync(out).subarray(0, 100));
    const afterCorruption = await build();
    assert.equal(afterCorruption.cached, false);
    assert.equal(fs.statSync(out).size, afterCorruption.bytes);
    fs.rmSync(keyFilePath(out));
    assert.equal((await build()).cached, false);
    assert.ok(fs.existsSync(keyFilePath(out)));
  });

  it('a copied folder stays cached (inputs are relative), and buildWorkspace reports up to date', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-cache-copy-'));
    try {
      fs.cpSync(ws, copy, { recursive: true });
      fs.writeFileSync(path.join(copy, 'tagger.agent.yaml'), 'name: tagger\nmodule: tagger.ts\n');
      fs.writeFileSync(path.join(copy, 'twin.agent.yaml'), 'name: twin\nmodule: tagger.ts\n');
      const r = await buildWorkspace(copy, { optimize: 'none' });
      assert.equal(r.ok, true);
      assert.deepEqual(
        r.agents.map((a) => [a.name, a.status]),
        [
          ['tagger', 'up to date'],
          ['twin', 'built'],
        ],
        'twin shares the source: copied, not compiled',
      );
      assert.deepEqual(fs.readFileSync(path.join(copy, 'build', 'twin.wasm')), fs.readFileSync(path.join(copy, 'build', 'tagger.wasm')));
      const again = await buildWorkspace(copy, { optimize: 'none' });
      assert.deepEqual(
        again.agents.map((a) => a.status),
        ['up to date', 'up to date'],
      );
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('a compile error is not cached: the next build tries again', async () => {
    fs.writeFileSync(path.join(ws, 'lib', 'more.ts'), 'export function more(s: string): string { return 1; }\n');
    const bad = await build();
    assert.equal(bad.ok, false);
    assert.match(bad.diagnostics.find((d) => d.severity === 'error')!.text, /more\.ts:1:\d+: /);
    assert.equal((await build()).ok, false);
  });
});
