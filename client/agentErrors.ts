/**
 * Agent failures as diagnostics: when a running agent throws (TypeScript/JavaScript, source-mapped) or aborts
 * (AssemblyScript), the runtime host names the line of the agent's source, and it shows there as an error, with
 * the failure in the message, until the next run or until that agent is hot reloaded.
 */
import * as vscode from 'vscode';
import type { RuntimeHostNotifications } from '../schemas/protocol/runtimeHost';

type AgentError = RuntimeHostNotifications['agentError'];

/** At most this many failures kept per agent (the first ones: later ones usually follow from them). */
const MAX_PER_AGENT = 20;

export class AgentErrorDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('caxton-agent-errors');
  private readonly byAgent = new Map<string, AgentError[]>();

  add(error: AgentError): void {
    const list = this.byAgent.get(error.agent) ?? [];
    if (list.length >= MAX_PER_AGENT) return;
    list.push(error);
    this.byAgent.set(error.agent, list);
    this.show();
  }

  /** Forget one agent's failures (it was reloaded with new code). */
  clearAgent(agent: string): void {
    if (this.byAgent.delete(agent)) this.show();
  }

  /** Forget every failure (a new run starts). */
  clear(): void {
    this.byAgent.clear();
    this.collection.clear();
  }

  private show(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const e of [...this.byAgent.values()].flat()) {
      const at = new vscode.Position(Math.max(0, e.line - 1), Math.max(0, e.column - 1));
      const d = new vscode.Diagnostic(new vscode.Range(at, at), e.message, vscode.DiagnosticSeverity.Error);
      d.source = 'caxton run';
      byFile.set(e.file, [...(byFile.get(e.file) ?? []), d]);
    }
    this.collection.clear();
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
