/** Caxton: Open Trace — replay a saved *.trace.jsonl in the inspector (reading a trace runs nothing). */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { parseTraceText } from '../traceFile';

export const openTrace = (ctx: Ctx) => async (uri?: unknown): Promise<void> => {
  const file = uri instanceof vscode.Uri ? uri
    : (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Caxton trace': ['jsonl'] }, openLabel: 'Open trace' }))?.[0];
  if (!file) return;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  const { events, problems } = parseTraceText(text);
  for (const p of problems.slice(0, 20)) ctx.output.warn(`${file.fsPath}: ${p}`);
  if (events.length === 0) { void vscode.window.showWarningMessage(`Caxton: ${vscode.workspace.asRelativePath(file)} holds no trace events.`); return; }
  ctx.inspector.showTrace(events, vscode.workspace.asRelativePath(file));
};
