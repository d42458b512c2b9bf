// Runs inside a real VS Code whose workspace is in Restricted Mode (Workspace Trust): validation works, nothing runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Ctx } from '../../../client/ctx';
import { COMMANDS } from '../../../client/commandIds';
import { waitFor } from './waitFor';

describe('Caxton Agent Lab in an untrusted workspace', () => {
  let ctx: Ctx;

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this suite needs Restricted Mode');
    const ext = vscode.extensions.getExtension<{ ctx: Ctx }>('caxton.caxton-agent-lab');
    assert.ok(ext, 'the extension is installed');
    ctx = (await ext.activate()).ctx;
  });

  it('still shows diagnostics', async () => {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'messages', 'broken.fipa.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await waitFor('diagnostics', () => {
      const x = vscode.languages.getDiagnostics(uri);
      return x.length ? x : undefined;
    });
    assert.ok(d.length > 0);
  });

  it('runs nothing: Send, Run Agent and Build refuse, and no runtime host starts', async () => {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'messages', 'add.fipa.json');
    await vscode.commands.executeCommand(COMMANDS.sendMessage, uri, 0);
    await vscode.commands.executeCommand(
      COMMANDS.runAgent,
      vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'agents', 'calculator.agent.yaml'),
    );
    await vscode.commands.executeCommand(COMMANDS.buildAgents);
    assert.equal(ctx.hostStarted, false);
    assert.equal(ctx.liveEvents.length, 0);
  });

  it('says why in the status bar', () => {
    assert.match(ctx.status.text, /restricted/);
    assert.match(ctx.status.tooltip, /Workspace Trust/);
  });
});
