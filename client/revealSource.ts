/**
 * "Reveal source" for a message selected in the inspector: open the *.fipa.json or scenario entry that holds it, or,
 * for a message an agent sent, that agent's manifest and module source. Searches the workspace (node_modules and
 * .caxton excluded); the matching is pure (schemas/load/messageSource.ts, shared with the debugger's line breakpoints).
 */
import * as vscode from 'vscode';
import type { FipaMessage } from '../schemas';
import { findInFipaJson, findInScenario, manifestInfo, type SourceSpan } from '../schemas/load/messageSource';

const EXCLUDE = '{**/node_modules/**,**/.caxton/**,**/out/**,**/dist/**}';
const MAX_FILES = 2000;

async function read(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

async function open(uri: vscode.Uri, span?: SourceSpan, beside = false): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const selection = span ? new vscode.Range(doc.positionAt(span.offset), doc.positionAt(span.offset + span.length)) : undefined;
  await vscode.window.showTextDocument(doc, {
    selection,
    viewColumn: beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.One,
    preview: false,
  });
}

/** Open the message's source; returns a sentence for the inspector's status line. */
export async function revealMessageSource(message: FipaMessage): Promise<{ ok: boolean; text: string }> {
  for (const uri of await vscode.workspace.findFiles('**/*.fipa.json', EXCLUDE, MAX_FILES)) {
    const span = findInFipaJson(await read(uri), message);
    if (span) {
      await open(uri, span);
      return { ok: true, text: `opened ${vscode.workspace.asRelativePath(uri)}` };
    }
  }
  for (const uri of await vscode.workspace.findFiles('**/*.scenario.{yaml,yml}', EXCLUDE, MAX_FILES)) {
    const span = findInScenario(await read(uri), message);
    if (span) {
      await open(uri, span);
      return { ok: true, text: `opened ${vscode.workspace.asRelativePath(uri)}` };
    }
  }
  for (const uri of await vscode.workspace.findFiles('**/*.agent.yaml', EXCLUDE, MAX_FILES)) {
    const info = manifestInfo(await read(uri));
    if (info.name !== message.sender) continue;
    await open(uri);
    if (info.module) {
      const source = vscode.Uri.joinPath(uri, '..', info.module);
      try {
        await vscode.workspace.fs.stat(source);
        await open(source, undefined, true);
      } catch {
        /* a manifest naming a missing module: the manifest is enough */
      }
    }
    return { ok: true, text: `${message.sender} sent it: opened its manifest ${vscode.workspace.asRelativePath(uri)}` };
  }
  return { ok: false, text: `no *.fipa.json or scenario holds this message and no agent manifest is named ${message.sender}` };
}
