/**
 * Entry VS Code calls in the extension host (extensionTestsPath): runs the *.vscode.js tests of this folder;
 * CAXTON_VSCODE_SUITE=untrusted runs only untrusted.vscode.js (a workspace in Restricted Mode), otherwise the rest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000 });
  const untrusted = process.env.CAXTON_VSCODE_SUITE === 'untrusted';
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.vscode.js') && n.startsWith('untrusted') === untrusted)) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} VS Code test(s) failed`)) : resolve()));
  });
}
