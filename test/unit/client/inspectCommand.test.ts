import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { inspectCommand } from '../../../runtime/cli/commands/inspect';
import { UsageError } from '../../../runtime/cli/command';
import { distDir, fixturesDir } from '../../support/paths';
import { parseTraceJsonl } from '../../../schemas/load/traceJsonl';

describe('caxton inspect', () => {
  const io = () => {
    const out: string[] = [],
      err: string[] = [];
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
    const block =
      /<script type="application\/gzip" id="caxton-trace-gz" data-title="calculator.trace.jsonl">([A-Za-z0-9+/=]+)<\/script>/.exec(html);
    assert.ok(block, 'the trace is embedded as base64 gzip');
    const source = fs
      .readFileSync(path.join(fixturesDir, 'traces', 'calculator.trace.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(
      gunzipSync(Buffer.from(block[1], 'base64'))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
      source,
    );
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    assert.doesNotMatch(html, /<script[^>]*\ssrc=|<link\b|<img\b/i, 'nothing loads from elsewhere');
  });

  it('reports bad lines by number and keeps the rest', async () => {
    const trace = path.join(tmp, 'bad.trace.jsonl');
    fs.writeFileSync(
      trace,
      '{"seq":0,"t":0,"type":"run_started","name":"x","agents":[]}\nnot json\n{"seq":1,"t":1,"type":"run_ended","reason":"done","delivered":0,"dropped":0,"timeouts":0}\n',
    );
    const o = io();
    assert.equal(await inspectCommand.run([trace], o.io), 0);
    assert.match(o.err.join('\n'), /bad\.trace\.jsonl:2: not JSON/);
    assert.ok(fs.existsSync(path.join(tmp, 'bad.html')), 'defaults the output to <name>.html');
  });

  it('refuses a missing file or a missing argument with a usage error', async () => {
    await assert.rejects(
      inspectCommand.run([path.join(tmp, 'nope.jsonl')], io().io),
      (e: Error) => e instanceof UsageError && /does not exist/.test(e.message),
    );
    await assert.rejects(inspectCommand.run([], io().io), UsageError);
  });

  it('merges the traces of several nodes into one page and one JSONL, in causal order, each event naming its node', async () => {
    process.env.CAXTON_DIST = distDir;
    const line = (e: object): string => `${JSON.stringify(e)}\n`;
    const msg = { performative: 'request', sender: 'client', receiver: 'calc', content: { op: 'add' } };
    // node-b's clock is far behind node-a's: by wall clock the delivery would come first.
    fs.writeFileSync(
      path.join(tmp, 'node-a.trace.jsonl'),
      line({ seq: 0, t: 9000, type: 'run_started', name: 'a', agents: ['client'] }) +
        line({ seq: 1, t: 9001, type: 'message_sent', id: 'm1', message: msg, to: ['calc'] }),
    );
    fs.writeFileSync(
      path.join(tmp, 'node-b.trace.jsonl'),
      line({ seq: 0, t: 1, type: 'run_started', name: 'b', agents: ['calc'] }) +
        line({ seq: 1, t: 2, type: 'message_delivered', id: 'm1', to: 'calc' }) +
        'garbage\n' +
        line({ seq: 2, t: 3, type: 'agent_log', agent: 'calc', level: 'info', text: 'added' }),
    );
    const o = io();
    const page = path.join(tmp, 'merged.html');
    const merged = path.join(tmp, 'merged.jsonl');
    assert.equal(
      await inspectCommand.run(
        [path.join(tmp, 'node-a.trace.jsonl'), path.join(tmp, 'node-b.trace.jsonl'), '-o', page, '--merged', merged],
        o.io,
      ),
      0,
    );
    assert.match(o.out.join('\n'), /wrote .*merged\.html \(5 events from 2 nodes\) and .*merged\.jsonl/);
    assert.match(o.err.join('\n'), /node-b\.trace\.jsonl:3: not JSON/);
    const events = parseTraceJsonl(fs.readFileSync(merged, 'utf8')).events;
    assert.deepEqual(
      events.map((e) => `${e.seq} ${e.node} ${e.type}`),
      ['0 node-a run_started', '1 node-b run_started', '2 node-a message_sent', '3 node-b message_delivered', '4 node-b agent_log'],
    );
    const html = fs.readFileSync(page, 'utf8');
    const gz = /id="caxton-trace-gz"[^>]*>([A-Za-z0-9+/=]+)<\/script>/.exec(html);
    assert.ok(gz, 'the merged trace is embedded, gzip-compressed');
    assert.match(gunzipSync(Buffer.from(gz[1], 'base64')).toString('utf8'), /"node":"node-b"/);
    assert.match(html, /<title>node-a \+ node-b<\/title>/);
  });

  it('refuses merging without -o, and --merged with one trace', async () => {
    const a = path.join(fixturesDir, 'traces', 'calculator.trace.jsonl');
    await assert.rejects(
      inspectCommand.run([a, a], io().io),
      (e: Error) => e instanceof UsageError && /merging 2 traces needs -o <page.html>/.test(e.message),
    );
    await assert.rejects(
      inspectCommand.run([a, '--merged', path.join(tmp, 'x.jsonl')], io().io),
      (e: Error) => e instanceof UsageError && /--merged needs several traces/.test(e.message),
    );
  });
});
