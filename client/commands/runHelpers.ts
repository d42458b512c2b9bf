/** Shared steps of the run commands: the trust gate, picking the file, progress, and reporting failures. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { RuntimeHostClient } from '../runtimeHostClient';

/** The file a command acts on: its argument, else the active editor's file if it matches, else a pick. */
export async function pickFile(uri: unknown, pattern: RegExp, glob: string, what: string): Promise<vscode.Uri | undefined> {
  if (uri instanceof vscode.Uri) return uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && pattern.test(active.path)) return active;
  const files = await vscode.workspace.findFiles(glob, '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(`Caxton: no ${what} in this workspace (${glob}).`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
    { placeHolder: `Which ${what}?` },
  );
  return pick?.uri;
}

/**
 * Run `work` against the runtime host with a progress notification; refuses (saying why) in an untrusted workspace.
 * Returns undefined when it did not run or failed (the failure is shown and logged).
 */
export async function withRuntime<T>(ctx: Ctx, action: string, work: (host: RuntimeHostClient) => Promise<T>): Promise<T | undefined> {
  if (!ctx.requireTrust(action)) return undefined;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Caxton: ${action}…`, cancellable: false },
    async () => {
      try {
        return await work(await ctx.runtime());
      } catch (e) {
        const message = (e as Error).message;
        ctx.output.error(`${action}: ${message}`);
        void vscode.window.showErrorMessage(`Caxton: could not ${action}: ${message}`, 'Show log').then((c) => {
          if (c) ctx.output.show(true);
        });
        return undefined;
      }
    },
  );
}
