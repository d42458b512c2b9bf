/**
 * Hot reload in the editor: while a session runs in a trusted workspace, saving an agent source (.ts under a folder
 * with a manifest), a .wasm or a *.agent.yaml asks the runtime host to rebuild and reload the changed agents
 * (debounced). The outcome shows in the status bar, or as an error with file:line:col plus a diagnostic.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { AgentReloadResult } from '../schemas/protocol/runtimeHost';
import { Debouncer, describeReload, isReloadTrigger } from './hotReloadTriggers';
import type { RuntimeHostClient } from './runtimeHostClient';

/** What hot reload needs of the extension (the Ctx provides it; declared here so the two files do not import each other). */
export interface HotReloadHost {
  readonly output: vscode.LogOutputChannel;
  /** The runtime host while a session runs, else undefined. */
  liveHost(): RuntimeHostClient | undefined;
  /** The workspace folder on disk. */
  folder(): string | undefined;
  /** An agent now runs its new code (its failures from the old code no longer apply). */
  agentReloaded?(agent: string): void;
}

const DEBOUNCE_MS = 300;

export class HotReload implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('caxton-hot-reload');
  private readonly debouncer = new Debouncer(DEBOUNCE_MS, (files) => {
    this.chain = this.chain.then(() => this.reload(files));
  });
  private chain: Promise<void> = Promise.resolve();
  private statusMessage?: vscode.Disposable;
  private readonly problems = new Map<string, NonNullable<AgentReloadResult['problems']>>();

  constructor(private readonly ctx: HotReloadHost) {
    this.disposables.push(this.diagnostics, this.debouncer);
    this.disposables.push(vscode.workspace.onDidSaveTextDocument((d) => this.changed(d.uri)));
    // .wasm files are written by tools, not saved in the editor.
    const wasm = vscode.workspace.createFileSystemWatcher('**/*.wasm', false, false, true);
    this.disposables.push(
      wasm,
      wasm.onDidChange((u) => this.changed(u)),
      wasm.onDidCreate((u) => this.changed(u)),
    );
  }

  private changed(uri: vscode.Uri): void {
    // Untrusted: agents never run, so there is nothing to reload (and no need to nag on every save).
    if (uri.scheme !== 'file' || !vscode.workspace.isTrusted || !this.ctx.liveHost()) return;
    const root = this.ctx.folder();
    if (!root || !isReloadTrigger(uri.fsPath, root, (d) => fs.readdirSync(d))) return;
    this.debouncer.add(uri.fsPath);
  }

  private async reload(files: string[]): Promise<void> {
    const host = this.ctx.liveHost();
    if (!host) return;
    let results;
    try {
      const r = await host.request('reloadAgents', { files });
      // No session any more: earlier refusals are moot.
      if (!r.running) {
        this.problems.clear();
        this.showProblems();
        return;
      }
      results = r.results;
    } catch (e) {
      this.ctx.output.error(`hot reload: ${(e as Error).message}`);
      return;
    }
    for (const r of results)
      if (r.status !== 'unchanged')
        this.ctx.output[r.status === 'failed' ? 'error' : 'info'](
          `hot reload ${r.agent}: ${r.status}${r.build ? ` (${r.build})` : ''}${r.error ? `\n${r.error}` : ''}`,
        );
    for (const r of results) {
      if (r.status === 'failed') this.problems.set(r.agent, r.problems ?? []);
      else this.problems.delete(r.agent);
      if (r.status === 'reloaded') this.ctx.agentReloaded?.(r.agent);
    }
    this.showProblems();
    const outcome = describeReload(results);
    if (outcome.kind === 'reloaded') {
      this.statusMessage?.dispose();
      this.statusMessage = vscode.window.setStatusBarMessage(`$(zap) Caxton: ${outcome.text}`, 5000);
    } else if (outcome.kind === 'error') {
      const problem = outcome.problem;
      void vscode.window.showErrorMessage(`Caxton: ${outcome.text}`, ...(problem ? ['Go to Error'] : []), 'Show Log').then((choice) => {
        if (choice === 'Show Log') this.ctx.output.show(true);
        else if (choice === 'Go to Error' && problem)
          void vscode.window.showTextDocument(vscode.Uri.file(problem.file), { selection: rangeOf(problem) });
      });
    }
  }

  /** Each agent's problems from its latest reload, as diagnostics (an agent that reloads fine clears its own). */
  private showProblems(): void {
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of [...this.problems.values()].flat()) {
      const d = new vscode.Diagnostic(
        rangeOf(p),
        `${p.message} (hot reload refused; the previous version keeps running)`,
        vscode.DiagnosticSeverity.Error,
      );
      d.source = 'caxton build';
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.statusMessage?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function rangeOf(p: { line: number; column: number }): vscode.Range {
  const pos = new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
  return new vscode.Range(pos, pos);
}
