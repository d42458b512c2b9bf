/**
 * `caxton replay --verify` through the bundled CLI on real wasm agents: a recorded run replays identically; after the
 * calculator is rebuilt with a change, the replay names the changed module and the first divergent event; traces
 * that cannot be replayed are refused with the file and the fix.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTraceFile } from '../../runtime/node/files/traceFile';
import { distDir } from '../support/paths';
import { copyCalculatorWorkspace, editCalculator } from './hotReloadWorkspace';

const caxton = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout + r.stderr };
};

const SCENARIO = `scenario:
  name: replay-calc
  messages:
    - message: { performative: request, sender: user, receiver: calculator, protocol: fipa-request, conversation_id: add-1, reply_with: q1, content: { action: calculate, x: 10, y: 20 } }
    - at: 50ms
      message: { performative: request, sender: user, receiver: calculator, protocol: fipa-request, conversation_id: mul-1, reply_with: q2, content: { action: calculate, x: 6, y: 7, op: mul } }
`;

describe('caxton replay --verify', function () {
  this.timeout(240_000);
  let ws: string;
  let trace: string;

  before(() => {
    assert.ok(fs.existsSync(path.join(distDir, 'cli.js')), `build the CLI first (node esbuild.mjs); looked in ${distDir}`);
    ws = copyCalculatorWorkspace();
    fs.writeFileSync(path.join(ws, 'calc.scenario.yaml'), SCENARIO);
    trace = path.join(ws, '.caxton', 'traces', 'calc.trace.jsonl');
    const r = caxton(['run', 'calc.scenario.yaml', '--trace', trace, '--quiet', '--workers', '2'], ws);
    assert.equal(r.code, 0, r.out);
  });
  after(() => {
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it("records the run's inputs in the header", () => {
    const [header] = readTraceFile(trace).events;
    assert.equal(header.type, 'run_started');
    if (header.type !== 'run_started') return;
    assert.equal(header.scenario, '../../calc.scenario.yaml', "relative to the trace, which lives inside the scenario's folder");
    assert.equal(header.seed, 1);
    assert.equal(header.workers, 2);
    assert.equal(header.clock, 'simulated');
    assert.deepEqual(
      header.modules?.map((m) => m.agent),
      ['calculator'],
    );
    assert.match(header.modules![0].sha256, /^[0-9a-f]{64}$/);
  });

  it('replays identically', () => {
    const r = caxton(['replay', trace, '--verify'], ws);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^identical \(\d+ events/m);
    assert.doesNotMatch(r.out, /module changed/);
  });

  it('finds a deliberately changed agent: names its module and the first divergent event', () => {
    editCalculator(ws, (src) => src.replace('Json.number(result)', 'Json.number(result * 2)'));
    const again = path.join(ws, 'again.trace.jsonl');
    const r = caxton(['replay', trace, '--verify', '--trace', again], ws);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^module changed: calculator \(recorded [0-9a-f]{12}, now [0-9a-f]{12}\)/m);
    // The first difference is the changed agent's own work (its fuel), before its reply differs.
    const first = /^different: first at event (\d+) \((\w+)\)/m.exec(r.out);
    assert.ok(first, r.out);
    assert.match(r.out, /recorded: .*"agent":"calculator"/);
    assert.match(r.out, /fields: fuel/);
    const recorded = readTraceFile(trace).events,
      replayed = readTraceFile(again).events;
    assert.deepEqual(
      replayed.slice(0, Number(first[1])).map((e) => e.type),
      recorded.slice(0, Number(first[1])).map((e) => e.type),
      'the same up to there',
    );
    const result = (events: typeof recorded) =>
      events.flatMap((e) => (e.type === 'message_sent' && e.message.sender === 'calculator' ? [JSON.stringify(e.message.content)] : []));
    assert.deepEqual(result(recorded), ['{"result":30}', '{"result":42}']);
    assert.deepEqual(result(replayed), ['{"result":60}', '{"result":84}']);
  });

  it('refuses traces it cannot replay, naming the file and the fix', () => {
    const noScenario = path.join(ws, 'folder.trace.jsonl');
    fs.writeFileSync(noScenario, `${JSON.stringify({ seq: 0, t: 0, type: 'run_started', name: 'x', agents: [] })}\n`);
    const real = path.join(ws, 'real.trace.jsonl');
    fs.writeFileSync(
      real,
      `${JSON.stringify({ seq: 0, t: 0, type: 'run_started', name: 'x', agents: [], scenario: 'calc.scenario.yaml', clock: 'real' })}\n`,
    );
    const table: Array<[string, RegExp]> = [
      ['missing.trace.jsonl', /missing\.trace\.jsonl: no such trace file; record one with `caxton run/],
      ['folder.trace.jsonl', /folder\.trace\.jsonl:1: run_started records no scenario/],
      ['real.trace.jsonl', /real\.trace\.jsonl:1: the run used the real clock/],
    ];
    for (const [file, message] of table) {
      const r = caxton(['replay', file, '--verify'], ws);
      assert.equal(r.code, 2, `${file}: ${r.out}`);
      assert.match(r.out, message);
      assert.doesNotMatch(r.out, /^\s+at /m, 'no stack trace');
    }
  });
});
