/** Caxton: Open Trace — replay a saved *.trace.jsonl in the inspector (reading a trace runs nothing). */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { parseTraceJsonl } from '../../schemas/load/traceJsonl';

export const openTrace =
  (ctx: Ctx) =>
  async (uri?: unknown): Promise<void> => {
    const file =
      uri instanceof vscode.Uri
        ? uri
        : (
            await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Caxton trace': ['jsonl'] }, openLabel: 'Open trace' })
          )?.[0];
    if (!file) return;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    // The one JSONL reader (the CLI's `caxton inspect` and the runtime read traces with it too).
    const { events, errors, truncated } = parseTraceJsonl(text);
    for (const e of errors.slice(0, 20)) ctx.output.warn(`${file.fsPath}:${e.line}: ${e.message} (line skipped)`);
    if (truncated) ctx.output.warn(`${file.fsPath}: the last line was cut short (the run was interrupted); it is left out`);
    if (events.length === 0) {
      void vscode.window.showWarningMessage(`Caxton: ${vscode.workspace.asRelativePath(file)} holds no trace events.`);
      return;
    }
    ctx.inspector.showTrace(events, vscode.workspace.asRelativePath(file), file.fsPath);
  };
