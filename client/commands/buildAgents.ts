/** Caxton: Build Agents — compile every agent of the workspace from source to wasm (in the runtime host). */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { withRuntime } from './runHelpers';

export const buildAgents = (ctx: Ctx) => async (): Promise<void> => {
  const folder = ctx.folder();
  if (!folder) {
    void vscode.window.showInformationMessage('Caxton: open a folder with agents to build.');
    return;
  }
  const result = await withRuntime(ctx, 'build agents', (host) => host.request('build', { folder }));
  if (!result) return;
  for (const a of result.agents) {
    const took = a.durationMs !== undefined ? ` (${a.durationMs} ms)` : '';
    ctx.output[a.ok ? 'info' : 'error'](`build ${a.name}: ${a.ok ? `${a.status ?? 'built'} ${a.module ?? ''}${took}` : a.error}`);
  }
  const failed = result.agents.filter((a) => !a.ok);
  const fresh = result.agents.filter((a) => a.ok && a.status === 'up to date').length;
  if (failed.length === 0)
    void vscode.window.showInformationMessage(
      `Caxton: built ${result.agents.length} agent(s)${fresh ? ` (${fresh} already up to date)` : ''}.`,
    );
  else
    void vscode.window
      .showErrorMessage(
        `Caxton: ${failed.length} of ${result.agents.length} agent(s) failed to build: ${failed.map((a) => a.name).join(', ')}`,
        'Show log',
      )
      .then((c) => {
        if (c) ctx.output.show(true);
      });
};
