/**
 * The same extension-host suite (test/vscode/suite) under @vscode/test-electron, which downloads VS Code: runnable
 * wherever that download works (not on the build machine, which has no internet beyond npm), not part of `npm test`.
 * Usage: node esbuild.mjs && tsc -b && node out/test/vscode/electron/runTest.js
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

main().catch((e) => { process.stderr.write(`VS Code (electron) tests failed: ${(e as Error).message}\n`); process.exit(1); });
