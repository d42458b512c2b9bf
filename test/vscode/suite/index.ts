/**
 * Entry VS Code calls in the extension host (extensionTestsPath): runs one suite of this folder, chosen by
 * CAXTON_VSCODE_SUITE: `trusted` (default) runs extension.vscode.js, debugger.vscode.js, then hotReload.vscode.js, `untrusted`
 * untrusted.vscode.js (a workspace in Restricted Mode), `vsix` vsix.vscode.js (the extension installed from the packaged .vsix). When
 * CAXTON_VSCODE_RESULTS names a file, the totals are written there as JSON for the driver (test/vscode/run.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

const SUITE_FILES: Record<string, string[]> = {
  trusted: ['extension.vscode.js', 'debugger.vscode.js', 'hotReload.vscode.js'],
  untrusted: ['untrusted.vscode.js'],
  vsix: ['vsix.vscode.js'],
};

/** What the driver reads back: mocha's counts and the titles of failed tests. */
export interface SuiteResults {
  suite: string;
  passes: number;
  failures: number;
  pending: number;
  failed: string[];
}

export function run(): Promise<void> {
  const suite = process.env.CAXTON_VSCODE_SUITE ?? 'trusted';
  const files = SUITE_FILES[suite];
  if (!files) return Promise.reject(new Error(`CAXTON_VSCODE_SUITE=${suite}: expected one of ${Object.keys(SUITE_FILES).join(', ')}`));
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000 });
  // In order: mocha runs the files' suites one after another in the same VS Code window.
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    const failed: string[] = [];
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      const results: SuiteResults = { suite, passes: stats?.passes ?? 0, failures, pending: stats?.pending ?? 0, failed };
      if (process.env.CAXTON_VSCODE_RESULTS) fs.writeFileSync(process.env.CAXTON_VSCODE_RESULTS, JSON.stringify(results));
      if (failures) reject(new Error(`${failures} VS Code test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test) => failed.push(test.fullTitle()));
  });
}
