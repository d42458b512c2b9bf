// Runs inside a real VS Code extension host (code-server here, or @vscode/test-electron elsewhere): not part of `npm test`.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Ctx } from '../../../client/ctx';
import { COMMANDS } from '../../../client/commandIds';
import { waitFor } from './waitFor';

describe('Caxton Agent Lab in a real VS Code', () => {
  let ctx: Ctx;
  const ws = () => vscode.workspace.workspaceFolders![0].uri;

  before(async () => {
    const ext = vscode.extensions.getExtension<{ ctx: Ctx }>('caxton.caxton-agent-lab');
    assert.ok(ext, 'the extension is installed');
    ctx = (await ext.activate()).ctx;
  });

  it('registers every command', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of Object.values(COMMANDS)) assert.ok(all.includes(id), id);
  });

  it('shows diagnostics on a broken message file', async () => {
    const uri = vscode.Uri.joinPath(ws(), 'messages', 'broken.fipa.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await waitFor('diagnostics on broken.fipa.json', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length ? d : undefined;
    });
    assert.ok(
      diagnostics.some((d) => /acept_proposal|performative|colour/.test(d.message)),
      diagnostics.map((d) => d.message).join('\n'),
    );
  });

  it('offers a Send CodeLens above the message and sends it', async () => {
    const uri = vscode.Uri.joinPath(ws(), 'messages', 'add.fipa.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lens = await waitFor('the Send CodeLens', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return lenses?.find((l) => l.command?.command === COMMANDS.sendMessage);
    });
    assert.match(lens.command!.title, /Send request to calculator/);
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    const reply = await waitFor('the reply in the trace', () =>
      ctx.liveEvents.find((e) => e.type === 'message_sent' && e.message.in_reply_to === 'vq1'),
    );
    assert.equal(reply.type === 'message_sent' && reply.message.performative, 'inform');
    assert.deepEqual(reply.type === 'message_sent' && reply.message.content, { result: 30 });
  });

  it('opens the inspector, which draws the run', async () => {
    await vscode.commands.executeCommand(COMMANDS.openInspector);
    // The view reports what it drew; wait until it has caught up with the run (request and reply arrows).
    const rendered = await waitFor('the inspector to draw the request and its reply', () => {
      const r = ctx.inspector.lastRendered;
      return r && r.events >= ctx.liveEvents.length && r.rows >= 2 ? r : undefined;
    });
    assert.ok(rendered.lanes.includes('calculator') && rendered.lanes.includes('user'), rendered.lanes.join(', '));
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.stopAll);
  });
});
