/**
 * Fault: the runtime process is killed (SIGKILL) in the middle of a run. The JSONL trace written so far must be
 * intact (every line a whole event, seq without gaps), must replay through the runtime's trace reader, the
 * extension's reader and the inspector's model, and must open in `caxton inspect`; a line cut short by a crash
 * mid-write is tolerated and reported. (The extension noticing a killed runtime host and restarting it is covered
 * by test/integration/runtimeHost.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as path from 'node:path';
import { parseTraceJsonl } from '../../schemas/load/traceJsonl';
import { inspectorModels } from '../support/inspectorModel';
import { distDir, repoRoot } from '../support/paths';
import { removeTemp } from '../security/securityFixtures';
import { faultWorkspace } from './faultWorkspace';

/** A scenario that keeps the runtime busy for about 3 s of real time: a request every 150 ms. */
function slowScenario(): string {
  const lines = ['scenario:', '  name: slow', '  messages:'];
  for (let i = 0; i < 20; i++) {
    lines.push(
      `    - at: ${i * 150}ms`,
      '      message:',
      '        performative: request',
      '        sender: user',
      '        receiver: calculator',
      '        protocol: fipa-request',
      `        conversation_id: c${i}`,
      `        reply_with: q${i}`,
      `        content: { action: calculate, x: ${i}, y: 1 }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitUntil(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('fault: the runtime killed mid-run leaves a trace that replays', function () {
  this.timeout(120_000);
  let dir: string;
  let trace: string;
  let child: cp.ChildProcess | undefined;
  let text = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  before(async () => {
    dir = await faultWorkspace('killed', [], { 'slow.scenario.yaml': slowScenario() });
    trace = path.join(dir, 'run.trace.jsonl');
  });

  after(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    removeTemp(dir);
  });

  it('kill -9 during `caxton run --real-time`: the process dies mid-run', async () => {
    const cli = path.join(distDir, 'cli.js');
    assert.ok(fs.existsSync(cli), `build the CLI first (node esbuild.mjs): ${cli}`);
    child = cp.spawn(process.execPath, [cli, 'run', dir, '--trace', trace, '--real-time'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) =>
      child!.once('exit', (code, signal) => {
        exit = { code, signal };
        resolve();
      }),
    );
    const delivered = () => fs.existsSync(trace) && (fs.readFileSync(trace, 'utf8').match(/"type":"message_delivered"/g)?.length ?? 0) >= 4;
    await waitUntil('the run to deliver a few messages', () => delivered() || exit !== undefined, 60_000);
    assert.equal(exit, undefined, 'the run was still going when killed');
    const t = performance.now();
    child.kill('SIGKILL');
    await exited;
    console.log(`      [kill] runtime pid ${child.pid} killed with SIGKILL; exit observed after ${(performance.now() - t).toFixed(1)} ms`);
    assert.equal((exit as { signal: NodeJS.Signals | null } | undefined)?.signal, 'SIGKILL');
    text = fs.readFileSync(trace, 'utf8');
  });

  it('the trace written so far is intact: whole lines, seq 0..n-1, run_started first, no run_ended', () => {
    const parsed = parseTraceJsonl(text);
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.truncated, false, 'each event is written with one synchronous write, so no line is cut');
    assert.ok(parsed.events.length >= 5, `${parsed.events.length} events`);
    assert.deepEqual(
      parsed.events.map((e) => e.seq),
      parsed.events.map((_, i) => i),
      'no gap in seq',
    );
    assert.equal(parsed.events[0].type, 'run_started');
    assert.ok(!parsed.events.some((e) => e.type === 'run_ended'), 'killed before the end');
    assert.ok(
      parsed.events.some((e) => e.type === 'message_sent' && e.message.sender === 'calculator'),
      'the calculator had answered',
    );
    console.log(`      [kill] ${parsed.events.length} events intact in the trace of the killed run`);
  });

  it('a line cut by a crash mid-write is tolerated and reported; the rest replays in the inspector model', () => {
    const cut = text + text.split('\n')[1].slice(0, 25);
    const parsed = parseTraceJsonl(cut);
    assert.equal(parsed.truncated, true);
    assert.deepEqual(parsed.errors, []);
    const whole = parseTraceJsonl(text).events;
    assert.equal(parsed.events.length, whole.length);
    // The inspector's model (Open Trace, `caxton inspect`: the same reader) draws it: the calculator lifeline and its replies.
    const model = inspectorModels(parsed.events);
    assert.ok(model.lanes.includes('calculator'), `lifelines: ${model.lanes.join(', ')}`);
    assert.ok(model.rows.length > 0, 'the sequence diagram has rows');
  });

  it('`caxton inspect` opens the killed run as a standalone inspector page', () => {
    const out = path.join(dir, 'killed.html');
    fs.appendFileSync(trace, '{"seq":9999,"t":1,"ty');
    const r = cp.spawnSync(process.execPath, [path.join(distDir, 'cli.js'), 'inspect', trace, '-o', out], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr || r.stdout);
    const embedded = /id="caxton-trace-gz"[^>]*>([A-Za-z0-9+/=]+)</.exec(fs.readFileSync(out, 'utf8'));
    assert.ok(embedded, 'the page embeds the trace');
    assert.ok(gunzipSync(Buffer.from(embedded[1], 'base64')).toString('utf8').includes('"type":"run_started"'));
  });
});
