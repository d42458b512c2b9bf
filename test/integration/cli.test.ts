/** The bundled `caxton` CLI, spawned as a user would run it (node <dist>/cli.js), on real wasm agents. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTraceFile } from '../../runtime/node/files/traceFile';
import { buildExampleAgent } from '../support/fixtures';
import { distDir, examplesDir, repoRoot } from '../support/paths';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function caxton(args: string[], cwd = repoRoot): Ran {
  const r = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NO_STACK = /^\s+at /m;

describe('caxton CLI', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    assert.ok(fs.existsSync(path.join(distDir, 'cli.js')), `build the CLI first (node esbuild.mjs); looked in ${distDir}`);
    const [calc, logger] = await Promise.all([buildExampleAgent('calculator', 'calculator'), buildExampleAgent('calculator', 'logger')]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-cli-'));
    fs.copyFileSync(calc.wasmPath, path.join(dir, 'calculator.wasm'));
    fs.copyFileSync(logger.wasmPath, path.join(dir, 'logger.wasm'));
    fs.writeFileSync(path.join(dir, 'calculator.agent.yaml'), 'name: calculator\nmodule: calculator.wasm\n');
    fs.writeFileSync(path.join(dir, 'logger.agent.yaml'), 'name: logger\nmodule: logger.wasm\n');
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the flagship example: transcript, summary, exit 0, and a readable trace', () => {
    const trace = path.join(dir, 'calc.trace.jsonl');
    const r = caxton(['run', path.join(examplesDir, 'calculator'), '--trace', trace, '--seed', '7']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /user -> calculator {2}request {2}\{"action":"calculate","x":10,"y":20\}/);
    assert.match(r.stdout, /calculator -> user {2}inform {2}\{"result":30\}/);
    assert.match(r.stdout, /Summary: calculator — passed/);
    assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colours when stdout is not a TTY');
    const t = readTraceFile(trace);
    assert.equal(t.truncated, false);
    assert.equal(t.events[0].type, 'run_started');
    assert.equal(t.events[t.events.length - 1].type, 'run_ended');
    assert.ok(t.events.some((e) => e.type === 'message_sent' && JSON.stringify(e.message.content) === '{"result":30}'));
  });

  it("runs a scenario's built-in pattern and pipeline, judged by their outcome", () => {
    const cn = caxton(['run', path.join(examplesDir, 'contract-net')]);
    assert.equal(cn.code, 0, cn.stdout + cn.stderr);
    assert.match(cn.stdout, /contract net \[paint-fence\]: awarded to painter-b/);
    assert.match(cn.stdout, /✓ pattern winner: "painter-b"/);
    const saga = caxton(['run', path.join(examplesDir, 'saga')]);
    assert.equal(saga.code, 0, saga.stdout + saga.stderr);
    assert.match(saga.stdout, /✓ compensated: book_hotel, book_flight/);
  });

  it('exits 1 with the failed checks and the timeout when a scenario fails', () => {
    fs.writeFileSync(
      path.join(dir, 'failing.scenario.yaml'),
      [
        'scenario:',
        '  name: failing',
        '  messages:',
        '    - message: { performative: request, sender: user, receiver: calculator, reply_with: a, content: { x: 1, y: 1 } }',
        '    - message: { performative: request, sender: user, receiver: logger, reply_with: b, content: nobody answers }',
        '  expect:',
        '    messages:',
        '      - { performative: inform, sender: calculator, content: { result: 3 } }',
      ].join('\n'),
    );
    const r = caxton(['run', path.join(dir, 'failing.scenario.yaml'), '--timeout', '2s']);
    fs.rmSync(path.join(dir, 'failing.scenario.yaml'));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /2\.000s {2}timeout: user got no reply to 'b'/);
    assert.match(r.stdout, /FAILED/);
    assert.match(r.stdout, /✗ never saw inform from calculator \{"result":3\}/);
  });

  it('sends a message file and prints the replies', () => {
    const file = path.join(dir, 'add.fipa.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ performative: 'request', sender: 'user', receiver: 'calculator', reply_with: 'r1', content: { x: 2, y: 40 } }),
    );
    const r = caxton(['send', file]);
    fs.rmSync(file);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /replies:\n {2}calculator: inform \{"result":42\}/);
  });

  it('bad input: one clear line, exit 2, no stack trace', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-empty-'));
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-broken-'));
    fs.writeFileSync(path.join(broken, 'x.agent.yaml'), 'name: x\nmodule: x.wasm\nlimits: { mailbox: 0 }\n');
    try {
      const cases: Array<[string[], RegExp]> = [
        [['run', 'no/such/folder'], /no\/such\/folder does not exist/],
        [['run', empty], /no agents found; add a \*\.agent\.yaml manifest/],
        [['run', broken], /x\.agent\.yaml:\d+:\d+: /],
        [['run', dir, '--timeout', 'soon'], /invalid duration "soon"/],
        [['run'], /give one folder or \*\.scenario\.yaml/],
        [['run', dir, '--colour'], /unknown option --colour/],
        [['frobnicate'], /unknown command 'frobnicate'/],
      ];
      for (const [args, expected] of cases) {
        const r = caxton(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, expected, args.join(' '));
        assert.doesNotMatch(r.stderr, NO_STACK, args.join(' '));
      }
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });

  it('prints help for every command', () => {
    for (const c of ['run', 'send', 'build', 'validate']) {
      const r = caxton([c, '--help']);
      assert.equal(r.code, 0, c);
      assert.match(r.stdout, new RegExp(`^Usage: caxton ${c}`), c);
    }
    assert.match(caxton(['--help']).stdout, /Commands:\n {2}run/);
  });

  it('validate reports file:line:col and exits 1 on errors, 0 when clean', () => {
    const bad = path.join(dir, 'bad.fipa.json');
    fs.writeFileSync(bad, '{\n  "performative": "infrom",\n  "sender": "a",\n  "receiver": "b"\n}\n');
    const r = caxton(['validate', bad]);
    fs.rmSync(bad);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /bad\.fipa\.json:2:\d+: error/);
    const ok = caxton(['validate', path.join(examplesDir, 'calculator', 'calculator.scenario.yaml')]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  it('build compiles AssemblyScript agents and reports compile errors with their place', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-build-'));
    try {
      fs.copyFileSync(path.join(examplesDir, 'calculator', 'agents', 'echo.ts'), path.join(ws, 'echo.ts'));
      fs.writeFileSync(path.join(ws, 'echo.agent.yaml'), 'name: echo\nmodule: echo.ts\n');
      const r = caxton(['build', ws]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /built echo -> .*echo\.wasm/);
      assert.ok(fs.existsSync(path.join(ws, 'build', 'echo.wasm')));
      assert.ok(fs.existsSync(path.join(ws, 'build', 'echo.wasm.json')), 'the cache key is stored beside the output');
      const again = caxton(['build', ws]);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.match(again.stdout, /up to date echo -> .*echo\.wasm \(\d+ ms\)/);
      assert.match(caxton(['build', ws, '--force']).stdout, /^built echo -> .*echo\.wasm \(/m);
      fs.writeFileSync(path.join(ws, 'echo.ts'), 'export function broken(): i32 { return "no"; }\n');
      const bad = caxton(['build', ws]);
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
      assert.match(bad.stderr, /echo\.ts:1:\d+: /);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
