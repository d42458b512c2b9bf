/** Caxton: Run Agent — load and start an agent from its manifest (*.agent.yaml) or a built .wasm. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { pickFile, withRuntime } from './runHelpers';

export const runAgent =
  (ctx: Ctx) =>
  async (uri?: unknown): Promise<void> => {
    if (!ctx.requireTrust('run an agent')) return;
    const file = await pickFile(uri, /\.(agent\.yaml|wasm)$/, '**/*.{agent.yaml,wasm}', 'agent manifest or .wasm');
    if (!file) return;
    const result = await withRuntime(ctx, `run agent ${vscode.workspace.asRelativePath(file)}`, (host) =>
      host.request('runAgent', { file: file.fsPath }),
    );
    if (!result) return;
    ctx.setAgents(result.agents);
    void vscode.window.showInformationMessage(`Caxton: agent ${result.agent} is running.`);
  };
