/** Caxton: Debug Scenario — start the debugger (launch type `caxton`) on a *.scenario.yaml, as F5 does on an open one. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { defaultConfiguration } from '../debugger';
import { pickFile } from './runHelpers';

export const debugScenario =
  (ctx: Ctx) =>
  async (uri?: unknown): Promise<boolean> => {
    if (!ctx.requireTrust('debug a scenario')) return false;
    const file = await pickFile(uri, /\.scenario\.ya?ml$/, '**/*.scenario.{yaml,yml}', 'scenario');
    if (!file) return false;
    return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(file), defaultConfiguration(file.fsPath));
  };
