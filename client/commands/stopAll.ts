/** Caxton: Stop All — stop every agent of the session (the trace is closed). */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { withRuntime } from './runHelpers';

export const stopAll = (ctx: Ctx) => async (): Promise<void> => {
  const result = await withRuntime(ctx, 'stop all agents', (host) => host.request('stop', {}));
  if (!result) return;
  ctx.setAgents([]);
  ctx.inspector.post({ kind: 'status', running: false, text: `stopped ${result.stopped.length} agent(s)` });
  void vscode.window.showInformationMessage(
    `Caxton: stopped ${result.stopped.length} agent(s).${result.traceFile ? ` Trace: ${vscode.workspace.asRelativePath(result.traceFile)}` : ''}`,
  );
};
