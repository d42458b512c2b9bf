/**
 * The same extension-host suite (test/vscode/suite, the `trusted` tests) under @vscode/test-electron, which downloads
 * VS Code (desktop, Electron) from update.code.visualstudio.com: runnable wherever that download works (a developer
 * machine, GitHub Actions with xvfb), not on the CI machine (network = npm + apt only), so not part of `npm test`;
 * there the same suite runs in code-server instead (test/vscode/run.ts). See docs/testing.md.
 * Usage: `npm run test:electron` (CAXTON_VSCODE_VERSION=1.90.0 to pin a version; default stable).
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { prepareExtension, prepareWorkspace } from '../prepare';

async function main(): Promise<void> {
  const extensionDevelopmentPath = prepareExtension();
  const workspace = prepareWorkspace();
  await runTests({
    version: process.env.CAXTON_VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath,
    extensionTestsPath: path.join(__dirname, '..', 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
}

main().catch((e) => {
  process.stderr.write(`VS Code (electron) tests failed: ${(e as Error).message}\n`);
  process.exit(1);
});
