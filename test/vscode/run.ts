/**
 * The extension in a real VS Code: code-server 4.100.3 (installed by setup-code-server.sh) driven by headless Debian
 * chromium. Three sessions, each on a fresh profile: `trusted` (the built extension as extensionDevelopmentPath:
 * commands, diagnostics, the Send CodeLens, the inspector, whose webview DOM is also checked from the browser: lifelines
 * and the request/reply arrows),
 * `untrusted` (Restricted Mode: diagnostics only) and `vsix` (the packaged .vsix installed with
 * `code-server --install-extension` into a profile and workspace outside the repository: diagnostics on
 * examples/broken, Run Scenario building agents from source). Screenshots and logs go to test-artifacts/vscode/.
 * Usage: `npm run test:vscode` (also the last step of `npm test`). Ends with a line `N passed, N failed`; exit code 0
 * only when every test passed. Never skips: a missing code-server or chromium is a failure.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import type { Frame, Page } from 'playwright-core';
import { launchChromium } from '../browser/chromium';
import { artifactsDir, repoRoot } from '../support/paths';
import { prepareExtension, prepareWorkspace, vscodeTestDir } from './prepare';
import type { SuiteResults } from './suite/index';

const codeServer = path.join(vscodeTestDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const shots = path.join(artifactsDir, 'vscode');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const a = s.address() as net.AddressInfo;
      s.close(() => resolve(a.port));
    });
    s.on('error', reject);
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) =>
      http
        .get(url, (r) => {
          r.resume();
          resolve((r.statusCode ?? 500) < 500);
        })
        .on('error', () => resolve(false)),
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms`);
}

/**
 * The inspector's document inside VS Code's webview iframes, once it draws the Send's reply (an inform arrow), not
 * merely its lifelines; gives up at the deadline or when `over()`.
 */
async function inspectorFrame(page: Page, timeoutMs: number, over: () => boolean): Promise<Frame | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && !over()) {
    for (const f of page.frames()) {
      if (await f.$('g.row.message[data-performative="inform"]').catch(() => null)) return f;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

/** One session: which suite, the extension folder VS Code loads in development mode, the workspace, the profile's extensions. */
interface Session {
  kind: 'trusted' | 'untrusted' | 'vsix';
  devExtension?: string;
  workspace: string;
  extensionsDir: string;
  testsPath: string;
}
/** A session's outcome: mocha's counts from inside VS Code plus the driver's own checks, and what went wrong. */
interface Outcome {
  passes: number;
  failures: number;
  problems: string[];
}

/** Environment for code-server and its CLI: its own HOME/XDG dirs, so nothing from the machine's profile leaks in. */
function codeServerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const home = path.join(vscodeTestDir, 'home');
  fs.mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    ...extra,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
}

/** Run one suite in a fresh VS Code profile and collect its results (never throws: problems are failures). */
async function runSession(s: Session): Promise<Outcome> {
  const { kind } = s;
  const started = Date.now();
  const userData = path.join(vscodeTestDir, `user-data-${kind}`);
  const resultsFile = path.join(shots, `results-${kind}.json`);
  fs.rmSync(userData, { recursive: true, force: true });
  fs.rmSync(resultsFile, { force: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoUpdate': false,
      'git.openRepositoryInParentFolders': 'never',
      // VS Code for the web (code-server) auto-saves after 1 s by default, unlike the desktop: the suites save explicitly.
      'files.autoSave': 'off',
      // Untrusted run: open the folder in Restricted Mode without asking.
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.enabled': kind === 'untrusted',
    }),
  );
  const port = await freePort();
  const log = fs.openSync(path.join(shots, `code-server-${kind}.log`), 'w');
  // Its own process group (detached): code-server's children survive a plain kill, so we kill the group.
  const server = cp.spawn(
    process.execPath,
    [
      codeServer,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(kind === 'untrusted' ? [] : ['--disable-workspace-trust']),
      '--user-data-dir',
      userData,
      '--extensions-dir',
      s.extensionsDir,
    ],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: codeServerEnv({ CAXTON_VSCODE_SUITE: kind, CAXTON_VSCODE_RESULTS: resultsFile, CAXTON_VSCODE_EXTENSIONS_DIR: s.extensionsDir }),
    },
  );
  const stopServer = () => {
    try {
      process.kill(-server.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.on('exit', stopServer);
  const serverExited = new Promise<string>((r) =>
    server.once('exit', (code, sig) => r(`code-server exited early (${sig ?? code}); see test-artifacts/vscode/code-server-${kind}.log`)),
  );
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let over = false;
  const outcome: Outcome = { passes: 0, failures: 0, problems: [] };
  try {
    const up = await Promise.race([waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000).then(() => undefined), serverExited]);
    if (up) throw new Error(up);
    console.log(`[${kind}] code-server up on ${port} after ${Date.now() - started} ms`);
    browser = await launchChromium({ width: 1600, height: 1000 });
    const page = await browser.context.newPage();
    let resolveExit!: (code: number) => void;
    const exit = new Promise<number>((r) => {
      resolveExit = r;
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = util.format(...(Array.isArray(args) ? args : [args]));
      if (!/open-vsx|^\s+at |Creating a socket|connection token/.test(text)) console.log(`[${kind} ${type}] ${text}`);
    });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ...(s.devExtension ? [['extensionDevelopmentPath', remote(s.devExtension)]] : []),
      ['extensionTestsPath', remote(s.testsPath)],
    ]);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(s.workspace)}&payload=${encodeURIComponent(payload)}`);
    // While the trusted suite runs, find the inspector webview and check its DOM from the browser's side.
    const frameCheck =
      kind !== 'trusted'
        ? undefined
        : inspectorFrame(page, 150_000, () => over).then(async (f) => {
            if (!f) return 'the inspector webview never drew the reply';
            const lanes = await f.$$eval('.lane-name', (els) => els.map((e) => e.getAttribute('data-agent')));
            const arrows = await f.$$eval('g.row.message', (els) => els.map((e) => e.getAttribute('data-performative')));
            await page.screenshot({ path: path.join(shots, 'inspector.png') });
            const ok = lanes.includes('calculator') && lanes.includes('user') && arrows.includes('request') && arrows.includes('inform');
            return ok ? undefined : `inspector lifelines: ${lanes.join(', ')}; arrows: ${arrows.join(', ')}`;
          });
    const code = await Promise.race([exit, serverExited.then(() => 125), new Promise<number>((r) => setTimeout(() => r(124), 240_000))]);
    await page.screenshot({ path: path.join(shots, `final-${kind}.png`) }).catch(() => undefined);
    console.log(code === 124 ? `[${kind}] VS Code tests timed out` : `[${kind}] VS Code tests exited with ${code}`);
    if (fs.existsSync(resultsFile)) {
      const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
      outcome.passes += r.passes;
      outcome.failures += r.failures;
      outcome.problems.push(...r.failed.map((t) => `failed in VS Code: ${t}`));
      if (code !== 0 && r.failures === 0) {
        outcome.failures += 1;
        outcome.problems.push(`VS Code exited with ${code} although no test failed`);
      }
    } else {
      outcome.failures += 1;
      outcome.problems.push(
        `the suite reported no results (exit ${code}); see test-artifacts/vscode/code-server-${kind}.log and final-${kind}.png`,
      );
    }
    if (frameCheck) {
      // The suite has finished drawing; the browser-side check resolves on its next poll (bounded, never a fixed sleep).
      const problem = await Promise.race([frameCheck, new Promise<string>((r) => setTimeout(() => r('no inspector frame seen'), 30_000))]);
      if (problem) {
        outcome.failures += 1;
        outcome.problems.push(`inspector webview: ${problem}`);
      } else {
        outcome.passes += 1;
        console.log(
          '[trusted] inspector webview: lifelines and the request/reply arrows drawn in VS Code (test-artifacts/vscode/inspector.png)',
        );
      }
    }
  } catch (e) {
    outcome.failures += 1;
    outcome.problems.push((e as Error).message);
  } finally {
    over = true;
    await browser?.close().catch(() => undefined);
    stopServer();
  }
  for (const p of outcome.problems) process.stderr.write(`[${kind}] ${p}\n`);
  console.log(`[${kind}] ${outcome.passes} passed, ${outcome.failures} failed in ${Math.round((Date.now() - started) / 1000)} s`);
  return outcome;
}

/** Package the extension (scripts/packageVsix.mjs), install the .vsix into a fresh extensions folder; returns its folder. */
function installVsix(extensionsDir: string): string {
  const vsix = path.join(vscodeTestDir, 'caxton-agent-lab.vsix');
  const pack = cp.spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'packageVsix.mjs'), `--out=${vsix}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (pack.status !== 0) throw new Error(`packaging the .vsix failed:\n${pack.stdout}${pack.stderr}`);
  const install = cp.spawnSync(
    process.execPath,
    [
      codeServer,
      '--install-extension',
      vsix,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      path.join(vscodeTestDir, 'user-data-install'),
    ],
    { encoding: 'utf8', env: codeServerEnv({}) },
  );
  const installed = fs.existsSync(extensionsDir)
    ? fs.readdirSync(extensionsDir).find((d) => d.startsWith('caxton.caxton-agent-lab-'))
    : undefined;
  if (install.status !== 0 || !installed)
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
  console.log(`[vsix] installed ${path.relative(repoRoot, vsix)} (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB) into ${extensionsDir}`);
  return path.join(extensionsDir, installed);
}

async function main(): Promise<number> {
  fs.mkdirSync(shots, { recursive: true });
  const total: Outcome = { passes: 0, failures: 0, problems: [] };
  const add = (o: Outcome) => {
    total.passes += o.passes;
    total.failures += o.failures;
  };
  if (!fs.existsSync(codeServer)) {
    process.stderr.write(`code-server is not installed at ${codeServer}: run \`bash test/vscode/setup-code-server.sh\` first\n`);
    add({ passes: 0, failures: 1, problems: [] });
  } else {
    const ext = prepareExtension();
    const testsPath = process.env.CAXTON_VSCODE_TESTS ?? path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
    if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} is missing: run \`tsc -b\` first`);
    const devExtensions = path.join(vscodeTestDir, 'extensions');
    add(await runSession({ kind: 'trusted', devExtension: ext, workspace: prepareWorkspace(), extensionsDir: devExtensions, testsPath }));
    add(await runSession({ kind: 'untrusted', devExtension: ext, workspace: prepareWorkspace(), extensionsDir: devExtensions, testsPath }));
    // Outside the repository, so neither the extension nor the workspace can resolve the repo's node_modules or SDK.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-vsix-'));
    try {
      const extensionsDir = path.join(outside, 'extensions');
      // VS Code runs extensionTestsPath only in a development window, so point extensionDevelopmentPath at the
      // folder code-server unpacked the .vsix into: the code under test is exactly the installed extension.
      const installed = installVsix(extensionsDir);
      add(
        await runSession({
          kind: 'vsix',
          devExtension: installed,
          workspace: prepareWorkspace({ dir: path.join(outside, 'workspace'), pristine: true }),
          extensionsDir,
          testsPath,
        }),
      );
    } catch (e) {
      process.stderr.write(`[vsix] ${(e as Error).message}\n`);
      add({ passes: 0, failures: 1, problems: [] });
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  }
  console.log(`\nVS Code end-to-end (code-server): screenshots and logs in ${path.relative(repoRoot, shots)}/`);
  console.log(`${total.passes} passed, ${total.failures} failed`);
  return total.failures === 0 && total.passes > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);
