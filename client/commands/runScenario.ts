/** Caxton: Run Scenario — run a *.scenario.yaml (agents, messages, expectations) and report. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { pickFile, withRuntime } from './runHelpers';

export const runScenario =
  (ctx: Ctx) =>
  async (uri?: unknown): Promise<void> => {
    if (!ctx.requireTrust('run a scenario')) return;
    const file = await pickFile(uri, /\.scenario\.ya?ml$/, '**/*.scenario.{yaml,yml}', 'scenario');
    if (!file) return;
    const name = vscode.workspace.asRelativePath(file);
    ctx.newRun(`scenario ${name}`);
    const result = await withRuntime(ctx, `run scenario ${name}`, (host) => host.request('runScenario', { file: file.fsPath }));
    if (!result) return;
    ctx.output.info(`scenario ${name}:\n${result.report}`);
    const show = result.ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(`Caxton: scenario ${name} ${result.ok ? 'passed' : 'failed'}.`, 'Open Inspector').then((c) => {
      if (c) ctx.inspector.show();
    });
  };
