// The last step of `npm test`: mocha (every out/test/**/*.test.js, per .mocharc.json), then the extension in a real
// VS Code (test/vscode/setup-code-server.sh, cached in .vscode-test/, then out/test/vscode/run.js), then one closing
// line with the combined totals, "N passed, N failed, N skipped", which CI reads. Runs both even when the first
// fails; exits non-zero when anything failed or could not run (a missing code-server or chromium is a failure).
// Usage: node test/support/runAll.js [mocha args...]
const cp = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const TOTALS = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/;

/** Run a command, echoing its stdout, and return its exit code and the last totals line it printed. */
function step(name, cmd, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = cp.spawn(cmd, args, { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
    let totals;
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const m = TOTALS.exec(line);
        if (m) totals = { passed: +m[1], failed: +m[2], skipped: +(m[3] ?? 0) };
      }
    });
    child.on('error', (e) => {
      process.stderr.write(`${name}: ${e.message}\n`);
    });
    child.on('close', (code, signal) => {
      const m = TOTALS.exec(pending);
      if (m) totals = { passed: +m[1], failed: +m[2], skipped: +(m[3] ?? 0) };
      resolve({ name, code: code ?? (signal ? 128 : 1), totals, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

async function main() {
  const results = [];
  results.push(await step('mocha', process.execPath, [require.resolve('mocha/bin/mocha.js'), ...process.argv.slice(2)]));
  const setup = await step('code-server setup', 'bash', [path.join('test', 'vscode', 'setup-code-server.sh')]);
  if (setup.code !== 0) {
    process.stderr.write(
      `\nERROR: could not install code-server for the VS Code end-to-end tests (exit ${setup.code}); see the output above.\n`,
    );
    results.push({ ...setup, totals: { passed: 0, failed: 1, skipped: 0 } });
  } else {
    results.push(await step('VS Code end-to-end', process.execPath, [path.join('out', 'test', 'vscode', 'run.js')]));
  }
  const sum = { passed: 0, failed: 0, skipped: 0 };
  const parts = [];
  let ok = true;
  for (const r of results) {
    // A step that printed no totals (it crashed) counts as one failure, as does a non-zero exit with none failed.
    const t = r.totals ?? { passed: 0, failed: 1, skipped: 0 };
    const failed = r.code !== 0 && t.failed === 0 ? 1 : t.failed;
    if (r.code !== 0 || failed) ok = false;
    sum.passed += t.passed;
    sum.failed += failed;
    sum.skipped += t.skipped;
    parts.push(`${r.name}: ${t.passed} ok / ${failed} not ok / ${t.skipped} skipped (exit ${r.code}, ${r.seconds} s)`);
  }
  process.stdout.write(`\n${parts.join('\n')}\n${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped\n`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e.stack ?? e.message}\n0 passed, 1 failed, 0 skipped\n`);
    process.exit(1);
  },
);
