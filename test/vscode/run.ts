/**
 * The extension in a real VS Code: code-server 4.100.3 (installed by setup-code-server.sh) driven by headless Debian
 * chromium. Opens a copy of examples/calculator, runs test/vscode/suite in the real extension host (diagnostics on a
 * broken message, the Send CodeLens, the inspector), checks the inspector webview's DOM, keeps screenshots.
 * Usage: `npm run test:vscode` (opt-in; not part of `npm test`). Exit code 0 when every test passed.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as util from 'node:util';
import type { Frame, Page } from 'playwright-core';
import { launchChromium } from '../browser/chromium';
import { artifactsDir, repoRoot } from '../support/paths';
import { prepareExtension, prepareWorkspace, vscodeTestDir } from './prepare';

const codeServer = path.join(vscodeTestDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const shots = path.join(artifactsDir, 'vscode');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const a = s.address() as net.AddressInfo; s.close(() => resolve(a.port)); });
    s.on('error', reject);
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => http.get(url, (r) => { r.resume(); resolve((r.statusCode ?? 500) < 500); }).on('error', () => resolve(false)));
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms`);
}

/** The inspector's document inside VS Code's webview iframes, once it shows lifelines. */
async function inspectorFrame(page: Page, timeoutMs: number): Promise<Frame | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (await f.$('.lane-name').catch(() => null)) return f;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

/** One VS Code session on a fresh profile: `trusted` runs the main suite, `untrusted` the Workspace Trust suite. */
async function runSuite(kind: 'trusted' | 'untrusted', ext: string, testsPath: string): Promise<boolean> {
  const started = Date.now();
  const ws = prepareWorkspace();
  const home = path.join(vscodeTestDir, 'home');
  const userData = path.join(vscodeTestDir, `user-data-${kind}`);
  fs.rmSync(userData, { recursive: true, force: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoUpdate': false, 'git.openRepositoryInParentFolders': 'never',
    // Untrusted run: open the folder in Restricted Mode without asking.
    'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.enabled': kind === 'untrusted',
  }));
  const port = await freePort();
  const log = fs.openSync(path.join(shots, `code-server-${kind}.log`), 'w');
  // Its own process group (detached): code-server's children survive a plain kill, so we kill the group.
  const server = cp.spawn(process.execPath, [codeServer, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', ...(kind === 'trusted' ? ['--disable-workspace-trust'] : []), '--user-data-dir', userData,
    '--extensions-dir', path.join(vscodeTestDir, 'extensions')], {
    detached: true, stdio: ['ignore', log, log],
    env: {
      ...process.env, CAXTON_VSCODE_SUITE: kind, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local/share'), XDG_CACHE_HOME: path.join(home, '.cache'),
    },
  });
  const stopServer = () => { try { process.kill(-server.pid!, 'SIGKILL'); } catch { /* already gone */ } };
  process.on('exit', stopServer);
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
    console.log(`[${kind}] code-server up on ${port} after ${Date.now() - started} ms`);
    browser = await launchChromium({ width: 1600, height: 1000 });
    const page = await browser.context.newPage();
    let resolveExit!: (code: number) => void;
    const exit = new Promise<number>((r) => { resolveExit = r; });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = util.format(...(Array.isArray(args) ? args : [args]));
      if (!/open-vsx|^\s+at /.test(text)) console.log(`[${kind} ${type}] ${text}`);
    });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(ext)], ['extensionTestsPath', remote(testsPath)]]);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
    // While the trusted suite runs, find the inspector webview and check its DOM from the browser's side.
    const frameCheck = kind === 'untrusted' ? Promise.resolve(undefined) : inspectorFrame(page, 150_000).then(async (f) => {
      if (!f) return 'the inspector webview never showed lifelines';
      const lanes = await f.$$eval('.lane-name', (els) => els.map((e) => e.textContent));
      await page.screenshot({ path: path.join(shots, 'inspector.png') });
      return lanes.includes('calculator') ? undefined : `inspector lifelines: ${lanes.join(', ')}`;
    });
    const code = await Promise.race([exit, new Promise<number>((r) => setTimeout(() => r(124), 180_000))]);
    await page.screenshot({ path: path.join(shots, `final-${kind}.png`) }).catch(() => undefined);
    const frameProblem = await Promise.race([frameCheck, new Promise<string>((r) => setTimeout(() => r('no inspector frame seen'), 5_000))]);
    console.log(code === 124 ? `[${kind}] VS Code tests timed out` : `[${kind}] VS Code tests exited with ${code}`);
    if (frameProblem) process.stderr.write(`[${kind}] inspector webview: ${frameProblem}\n`);
    else if (kind === 'trusted') console.log('[trusted] inspector webview: lifelines drawn in VS Code (test-artifacts/vscode/inspector.png)');
    console.log(`[${kind}] run took ${Math.round((Date.now() - started) / 1000)} s`);
    return code === 0 && !frameProblem;
  } finally {
    await browser?.close().catch(() => undefined);
    stopServer();
  }
}

async function main(): Promise<number> {
  if (!fs.existsSync(codeServer)) {
    process.stderr.write(`code-server is not installed at ${codeServer}: run \`bash test/vscode/setup-code-server.sh\` first\n`);
    return 1;
  }
  fs.mkdirSync(shots, { recursive: true });
  const ext = prepareExtension();
  const testsPath = process.env.CAXTON_VSCODE_TESTS ?? path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
  if (!fs.existsSync(testsPath)) { process.stderr.write(`${testsPath} is missing: run \`tsc -b\` first\n`); return 1; }
  const trusted = await runSuite('trusted', ext, testsPath);
  const untrusted = await runSuite('untrusted', ext, testsPath);
  return trusted && untrusted ? 0 : 1;
}

main().then((code) => process.exit(code), (e: Error) => { process.stderr.write(`${e.stack ?? e.message}\n`); process.exit(1); });
