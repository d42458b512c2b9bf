import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { inspectCommand } from '../../../runtime/cli/commands/inspect';
import { UsageError } from '../../../runtime/cli/command';
import { distDir, fixturesDir } from '../../support/paths';

describe('caxton inspect', () => {
  const io = () => {
    const out: string[] = [], err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), cwd: process.cwd(), color: false } };
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-inspect-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes one self-contained page with the trace embedded, gzip-compressed', async () => {
    assert.ok(fs.existsSync(path.join(distDir, 'webview.js')), 'dist/webview.js: run `node esbuild.mjs` first');
    process.env.CAXTON_DIST = distDir;
    const o = io();
    const page = path.join(tmp, 'calc.html');
    assert.equal(await inspectCommand.run([path.join(fixturesDir, 'traces', 'calculator.trace.jsonl'), '-o', page], o.io), 0);
    assert.match(o.out.join('\n'), /wrote .*calc\.html \(44 events\)/);
    const html = fs.readFileSync(page, 'utf8');
    const block = /<script type="application\/gzip" id="caxton-trace-gz" data-title="calculator.trace.jsonl">([A-Za-z0-9+/=]+)<\/script>/.exec(html);
    assert.ok(block, 'the trace is embedded as base64 gzip');
    const source = fs.readFileSync(path.join(fixturesDir, 'traces', 'calculator.trace.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(gunzipSync(Buffer.from(block[1], 'base64')).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), source);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    assert.doesNotMatch(html, /<script[^>]*\ssrc=|<link\b|<img\b/i, 'nothing loads from elsewhere');
  });

  it('reports bad lines by number and keeps the rest', async () => {
    const trace = path.join(tmp, 'bad.trace.jsonl');
    fs.writeFileSync(trace, '{"seq":0,"t":0,"type":"run_started","name":"x","agents":[]}\nnot json\n{"seq":1,"t":1,"type":"run_ended","reason":"done","delivered":0,"dropped":0,"timeouts":0}\n');
    const o = io();
    assert.equal(await inspectCommand.run([trace], o.io), 0);
    assert.match(o.err.join('\n'), /bad\.trace\.jsonl:2: not JSON/);
    assert.ok(fs.existsSync(path.join(tmp, 'bad.html')), 'defaults the output to <name>.html');
  });

  it('refuses a missing file or a missing argument with a usage error', async () => {
    await assert.rejects(inspectCommand.run([path.join(tmp, 'nope.jsonl')], io().io), (e: Error) => e instanceof UsageError && /does not exist/.test(e.message));
    await assert.rejects(inspectCommand.run([], io().io), UsageError);
  });
});
