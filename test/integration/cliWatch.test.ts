/** `caxton run --watch`: the bundled CLI runs a scenario, then again after an agent source is edited. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { triggersRun } from '../../runtime/cli/watch';
import { distDir } from '../support/paths';
import { copyCalculatorWorkspace, editCalculator } from './hotReloadWorkspace';

const SCENARIO = `scenario:
  name: watched
  messages:
    - message: { performative: request, sender: user, receiver: calculator, conversation_id: c1, reply_with: q1, content: { x: 10, y: 20 } }
  expect:
    messages:
      - { performative: inform, sender: calculator, in_reply_to: q1, content: { result: 30 } }
`;

describe('caxton run --watch', function () {
  this.timeout(60_000);

  const cases: Array<[string, boolean]> = [
    ['agents/calculator.ts', true],
    ['agents/calculator.agent.yaml', true],
    ['x.scenario.yaml', true],
    ['m.fipa.json', true],
    ['prebuilt/agent.wasm', true],
    ['agents/build/calculator.wasm', false],
    ['agents/build/calculator.wasm.json', false],
    ['node_modules/caxton/index.ts', false],
    ['.git/index', false],
    ['README.md', false],
    ['types.d.ts', false],
  ];
  for (const [rel, expected] of cases)
    it(`${rel} ${expected ? 'triggers' : 'does not trigger'} a run`, () => assert.equal(triggersRun(rel), expected));

  it("runs, then runs again after an edit to an agent source, and exits with the last run's code on Ctrl-C", async () => {
    const ws = copyCalculatorWorkspace();
    fs.writeFileSync(path.join(ws, 'watched.scenario.yaml'), SCENARIO);
    const child = spawn(process.execPath, [path.join(distDir, 'cli.js'), 'run', '.', '--watch'], {
      cwd: ws,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = async (re: RegExp): Promise<void> => {
      const deadline = Date.now() + 40_000;
      while (!re.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`waited for ${re} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor(/passed[\s\S]*watching \. for changes/);
      assert.match(out, /calculator -> user {2}inform {2}\{"result":30\}/);
      editCalculator(ws, (src) => src.replace('Json.number(result)', 'Json.number(result * 2)'));
      await waitFor(/changed: agents[\\/]calculator\.ts; running again[\s\S]*FAILED[\s\S]*watching/);
      assert.match(out, /calculator -> user {2}inform {2}\{"result":60\}/);
      child.kill('SIGINT');
      assert.equal(await exited, 1, out);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
