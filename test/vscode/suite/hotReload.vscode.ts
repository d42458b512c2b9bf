// Runs inside a real VS Code (trusted suite, after extension.vscode.ts): hot reload as a user meets it. A session
// started with the Send CodeLens, an edit of agents/calculator.ts saved in the editor (the extension's on-save trigger,
// not a direct host call), the new module answering; then a broken save: a diagnostic at the compiler's line while the
// previous module keeps answering. The workspace is a temp copy (test/vscode/prepare.ts), so nothing is restored.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Ctx } from '../../../client/ctx';
import { COMMANDS } from '../../../client/commandIds';
import { waitFor } from './waitFor';

describe('Caxton Agent Lab hot reload in a real VS Code', () => {
  let ctx: Ctx;
  const ws = () => vscode.workspace.workspaceFolders![0].uri;
  const calculator = () => vscode.Uri.joinPath(ws(), 'agents', 'calculator.ts');

  before(async () => {
    const ext = vscode.extensions.getExtension<{ ctx: Ctx }>('caxton.caxton-agent-lab');
    assert.ok(ext, 'the extension is installed');
    ctx = (await ext.activate()).ctx;
  });

  /**
   * Send 10 + 20 to the calculator through the Send CodeLens of a message file of its own (a fresh conversation each
   * time, so replies cannot be confused) and return the reply's content.
   */
  async function sendAdd(id: string): Promise<unknown> {
    const reply = await sendAddReply(id);
    assert.equal(reply.performative, 'inform', JSON.stringify(reply));
    return reply.content;
  }

  /** As sendAdd, but returns whatever reply came (an `inform`, or the runtime's `failure` when the agent failed). */
  async function sendAddReply(id: string): Promise<{ performative: string; content?: unknown }> {
    const uri = vscode.Uri.joinPath(ws(), 'messages', `hot-${id}.fipa.json`);
    const message = {
      performative: 'request',
      sender: 'user',
      receiver: 'calculator',
      protocol: 'fipa-request',
      conversation_id: `hot-${id}`,
      reply_with: `hot-${id}`,
      content: { action: 'calculate', x: 10, y: 20 },
    };
    await vscode.workspace.fs.writeFile(uri, Buffer.from(`${JSON.stringify(message, null, 2)}\n`));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lens = await waitFor(`the Send CodeLens on hot-${id}.fipa.json`, async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return lenses?.find((l) => l.command?.command === COMMANDS.sendMessage);
    });
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    const reply = await waitFor(
      `the reply to hot-${id}`,
      () => ctx.liveEvents.find((e) => e.type === 'message_sent' && e.message.in_reply_to === `hot-${id}`),
      30_000,
    );
    assert.ok(reply.type === 'message_sent');
    return reply.message;
  }

  /**
   * Replace `from` (which must occur once) in calculator.ts through the editor and save it; returns the edit's 0-based
   * line. Waits for editor state, never for time: the edit shown in the document before saving, then the document
   * clean with the edit on disk. `TextDocument.save()` resolves false when VS Code did not complete that save (another
   * save of the document was running, a save participant cancelled it); then the document is still dirty and saving
   * again is what a user would do. The profile turns auto save off (test/vscode/run.ts): VS Code for the web, which
   * code-server is, defaults to auto save after 1 s, a second saver racing this one on a loaded machine.
   */
  async function editAndSave(from: string, to: string): Promise<number> {
    const doc = await vscode.workspace.openTextDocument(calculator());
    await vscode.window.showTextDocument(doc);
    await waitFor('calculator.ts clean before the edit', () => (doc.isDirty ? undefined : true), 30_000);
    const text = doc.getText();
    const at = text.indexOf(from);
    assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `calculator.ts holds \`${from}\` exactly once`);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to);
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applied');
    await waitFor('the edit in the calculator.ts document', () => (doc.isDirty && doc.getText().includes(to) ? true : undefined), 30_000);
    const attempts: string[] = [];
    try {
      await waitFor(
        'calculator.ts saved with the edit',
        async () => {
          if (doc.isDirty) attempts.push(String(await doc.save()));
          const disk = Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString('utf8');
          return !doc.isDirty && disk.includes(to) ? true : undefined;
        },
        30_000,
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}: save() returned ${attempts.join(', ') || 'nothing'}; the document is ${doc.isDirty ? 'dirty' : 'clean'}`,
      );
    }
    if (attempts.length > 1 || attempts[0] !== 'true')
      console.log(`calculator.ts needed ${attempts.length} save attempts: ${attempts.join(', ')}`);
    return doc.positionAt(at).line;
  }

  /** The runtime traces the swap: calculator back to `running` with reason "hot reload" once the new module runs. */
  async function hotReloaded(seen: number): Promise<void> {
    await waitFor(
      'calculator hot reloaded (agent_state running, reason "hot reload") after the save',
      () =>
        ctx.liveEvents
          .slice(seen)
          .find((e) => e.type === 'agent_state' && e.agent === 'calculator' && e.to === 'running' && e.reason === 'hot reload'),
      90_000,
    );
  }

  it('starts a session with Send: the calculator answers 30', async () => {
    assert.deepEqual(await sendAdd('before'), { result: 30 });
  });

  it('saving an edited calculator.ts hot reloads it: the next Send answers 1030', async () => {
    const seen = ctx.liveEvents.length;
    await editAndSave('if (op == "add") result = x + y;', 'if (op == "add") result = x + y + 1000;');
    await hotReloaded(seen);
    assert.deepEqual(await sendAdd('after'), { result: 1030 });
  });

  it("a broken save shows a diagnostic at the compiler's line; the previous module keeps answering 1030", async () => {
    const line = await editAndSave('const y = content.getNumber("y");', 'const y = content.getNumber("y") +;');
    const diagnostics = await waitFor(
      'a hot-reload diagnostic on calculator.ts',
      () => {
        const d = vscode.languages.getDiagnostics(calculator()).filter((x) => x.source === 'caxton build');
        return d.length ? d : undefined;
      },
      90_000,
    );
    const text = diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`).join('\n');
    assert.ok(
      diagnostics.some((d) => d.range.start.line === line && d.severity === vscode.DiagnosticSeverity.Error),
      `an error on line ${line + 1}:\n${text}`,
    );
    assert.match(text, /previous version keeps running/);
    assert.deepEqual(await sendAdd('still'), { result: 1030 });
  });

  it('an agent that throws while handling a message gets a diagnostic on that line, gone once the fix is reloaded', async () => {
    const seen = ctx.liveEvents.length;
    const line = await editAndSave(
      'const y = content.getNumber("y") +;',
      'const y = content.getNumber("y"); if (x == 10) throw new Error("boom from the editor test");',
    );
    await hotReloaded(seen);
    const reply = await sendAddReply('throws');
    assert.equal(reply.performative, 'failure', JSON.stringify(reply));
    const runErrors = () => vscode.languages.getDiagnostics(calculator()).filter((x) => x.source === 'caxton run');
    const diagnostics = await waitFor(
      'a run-time diagnostic on calculator.ts',
      () => (runErrors().length ? runErrors() : undefined),
      30_000,
    );
    const text = diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`).join('\n');
    assert.ok(
      diagnostics.some((d) => d.range.start.line === line && d.severity === vscode.DiagnosticSeverity.Error),
      `an error on line ${line + 1}:\n${text}`,
    );
    assert.match(text, /calculator failed while handling a message: .*boom from the editor test/);
    await editAndSave(' if (x == 10) throw new Error("boom from the editor test");', '');
    await waitFor('the run-time diagnostic gone after the fixed module reloaded', () => (runErrors().length ? undefined : true), 90_000);
    assert.deepEqual(await sendAdd('fixed'), { result: 1030 });
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.stopAll);
  });
});
