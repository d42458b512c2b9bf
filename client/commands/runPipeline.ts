/** Caxton: Run Pipeline — run a *.pipeline.yaml and show its report (also the "Run pipeline" CodeLens). */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { pickFile, withRuntime } from './runHelpers';

export const runPipeline =
  (ctx: Ctx) =>
  async (uri?: unknown): Promise<void> => {
    if (!ctx.requireTrust('run a pipeline')) return;
    const file = await pickFile(uri, /\.pipeline\.ya?ml$/, '**/*.pipeline.{yaml,yml}', 'pipeline');
    if (!file) return;
    const name = vscode.workspace.asRelativePath(file);
    ctx.newRun(`pipeline ${name}`);
    const result = await withRuntime(ctx, `run pipeline ${name}`, (host) => host.request('runPipeline', { file: file.fsPath }));
    if (!result) return;
    ctx.output.info(`pipeline ${name}:\n${result.report}`);
    if (result.ok)
      void vscode.window.showInformationMessage(`Caxton: pipeline ${name} succeeded.`, 'Open Inspector').then((c) => {
        if (c) ctx.inspector.show();
      });
    else
      void vscode.window
        .showWarningMessage(`Caxton: pipeline ${name} failed: ${result.error ?? 'see the log'}`, 'Show log', 'Open Inspector')
        .then((c) => {
          if (c === 'Show log') ctx.output.show(true);
          else if (c) ctx.inspector.show();
        });
  };
