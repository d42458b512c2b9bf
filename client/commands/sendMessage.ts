/** Caxton: Send Message — send a message of a *.fipa.json (the "Send" CodeLens); the reply shows inline and in the inspector. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { findMessages } from '../../schemas/load/messageLocations';
import { withRuntime } from './runHelpers';

export const sendMessage =
  (ctx: Ctx) =>
  async (uri?: unknown, index?: unknown): Promise<void> => {
    if (!ctx.requireTrust('send a message')) return;
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || !doc.uri.path.endsWith('.fipa.json')) {
      void vscode.window.showInformationMessage('Caxton: open a *.fipa.json message file to send a message.');
      return;
    }
    const messages = findMessages(doc.getText());
    const caret = vscode.window.activeTextEditor?.document === doc ? doc.offsetAt(vscode.window.activeTextEditor.selection.active) : 0;
    const target =
      typeof index === 'number'
        ? messages[index]
        : (messages.find((m) => caret >= m.offset && caret <= m.offset + m.length) ?? messages[0]);
    if (!target?.message) {
      void vscode.window.showWarningMessage(
        `Caxton: ${vscode.workspace.asRelativePath(doc.uri)} has no message with a performative to send here.`,
      );
      return;
    }
    const message = target.message;
    ctx.inspector.show();
    const result = await withRuntime(ctx, `send ${message.performative} to ${[message.receiver].flat().join(', ')}`, (host) =>
      host.request('send', { message }),
    );
    if (!result) return;
    ctx.setAgents(result.agents);
    ctx.inspector.post({ kind: 'reply', request: message, reply: result.reply, error: result.error });
    // Who answered is part of the answer: only an agent that was asked (or the runtime) can reply (SECURITY.md).
    const text = result.reply
      ? `→ ${result.reply.sender}: ${result.reply.performative} ${JSON.stringify(result.reply.content ?? '')}`.slice(0, 200)
      : `→ ${result.error ?? 'sent (no reply expected)'}`;
    ctx.output.info(`send ${message.performative} to ${[message.receiver].flat().join(', ')}: ${text}`);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    if (editor) {
      const line = doc.positionAt(target.offset).line;
      editor.setDecorations(ctx.replies, [{ range: doc.lineAt(line).range, renderOptions: { after: { contentText: text } } }]);
    }
  };
