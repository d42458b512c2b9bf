// Runs inside a real VS Code where the extension was installed from the packaged .vsix (`code-server
// --install-extension`), in a workspace outside the repository: what users get, with no repo node_modules to lean on.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../../../client/ctx';
import { COMMANDS } from '../../../client/commandIds';
import { waitFor as waitForDefault } from './waitFor';

/** The vsix session builds agents with the packaged compiler from cold: allow longer. */
const waitFor = <T>(what: string, probe: () => T | undefined, timeoutMs = 90_000): Promise<T> => waitForDefault(what, probe, timeoutMs);

describe('Caxton Agent Lab installed from the .vsix', () => {
  let ctx: Ctx;
  let ext: vscode.Extension<{ ctx: Ctx }>;
  const ws = () => vscode.workspace.workspaceFolders![0].uri;

  before(async () => {
    const found = vscode.extensions.getExtension<{ ctx: Ctx }>('caxton.caxton-agent-lab');
    assert.ok(found, 'the extension is installed');
    ext = found;
    ctx = (await ext.activate()).ctx;
  });

  it('is the copy installed from the .vsix, not the repository', () => {
    const extensionsDir = process.env.CAXTON_VSCODE_EXTENSIONS_DIR;
    assert.ok(extensionsDir, 'CAXTON_VSCODE_EXTENSIONS_DIR is set by the driver');
    assert.ok(
      fs.realpathSync(ext.extensionPath).startsWith(fs.realpathSync(extensionsDir)),
      `${ext.extensionPath} is not under ${extensionsDir}`,
    );
    for (const f of [
      'dist/server.js',
      'dist/runtimeHost.js',
      'runtime/sdk/assembly/index.ts',
      'dist/node_modules/assemblyscript/package.json',
    ]) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, f)), `the .vsix holds ${f}`);
    }
  });

  it('shows diagnostics on the files of examples/broken', async () => {
    const uri = vscode.Uri.joinPath(ws(), 'broken', 'typos.fipa.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await waitFor('diagnostics on broken/typos.fipa.json', () => {
      const x = vscode.languages.getDiagnostics(uri);
      return x.length ? x : undefined;
    });
    const text = d.map((x) => `${x.range.start.line}: ${x.message}`).join('\n');
    // Each mistake squiggled on its own line: the performative (line 1), the protocol (6), the unknown key (7).
    for (const line of [1, 6, 7])
      assert.ok(
        d.some((x) => x.range.start.line === line),
        `a diagnostic on line ${line + 1}:\n${text}`,
      );
  });

  it('runs the calculator scenario, building its agents with the packaged AssemblyScript', async () => {
    const buildDir = path.join(ws().fsPath, 'agents', 'build');
    assert.equal(fs.existsSync(buildDir), false, 'the workspace starts with no built agents');
    await vscode.commands.executeCommand(COMMANDS.runScenario, vscode.Uri.joinPath(ws(), 'calculator.scenario.yaml'));
    const sum = await waitFor('the calculator reply to q1', () =>
      ctx.liveEvents.find((e) => e.type === 'message_sent' && e.message.in_reply_to === 'q1'),
    );
    assert.deepEqual(sum.type === 'message_sent' && sum.message.content, { result: 30 });
    const failure = await waitFor('the division-by-zero failure', () =>
      ctx.liveEvents.find((e) => e.type === 'message_sent' && e.message.in_reply_to === 'q3'),
    );
    assert.equal(failure.type === 'message_sent' && failure.message.performative, 'failure');
    assert.ok(fs.existsSync(path.join(buildDir, 'calculator.wasm')), 'the calculator agent was built from source');
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.stopAll);
  });
});
