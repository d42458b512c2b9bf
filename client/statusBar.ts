/** The status bar item: running agents, or why nothing runs (Workspace Trust, host down). Click: open the inspector. */
import * as vscode from 'vscode';
import type { AgentStatus } from '../schemas/protocol/runtimeHost';
import { COMMANDS } from './commandIds';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('caxton.status', vscode.StatusBarAlignment.Left, 10);
  private trusted = true;
  private hostDown?: { restarting: boolean };
  private running = 0;

  constructor() {
    this.item.name = 'Caxton agents';
    this.item.command = COMMANDS.openInspector;
    this.render();
    this.item.show();
  }

  /** What the item shows (for tests and the accessibility label). */
  get text(): string {
    return this.item.text;
  }
  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? '');
  }

  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    this.render();
  }
  setHostDown(restarting: boolean | false): void {
    this.hostDown = restarting === false ? undefined : { restarting };
    this.render();
  }
  setAgents(agents: AgentStatus[]): void {
    this.running = agents.filter((a) => a.state === 'running').length;
    this.hostDown = undefined;
    this.render();
  }

  private render(): void {
    if (!this.trusted) {
      this.item.text = '$(shield) Caxton: restricted';
      this.item.tooltip = 'Untrusted workspace (Workspace Trust): diagnostics work, but no agent runs until you trust this folder.';
      this.item.command = 'workbench.trust.manage';
    } else if (this.hostDown) {
      this.item.text = this.hostDown.restarting ? '$(sync~spin) Caxton: restarting runtime' : '$(error) Caxton: runtime stopped';
      this.item.tooltip = 'The runtime host process exited; see the "Caxton Runtime" output.';
      this.item.command = COMMANDS.openInspector;
    } else {
      this.item.text = `$(pulse) Caxton: ${this.running} running`;
      this.item.tooltip = `${this.running} agent(s) running. Click to open the inspector.`;
      this.item.command = COMMANDS.openInspector;
    }
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/g, '') };
  }

  dispose(): void {
    this.item.dispose();
  }
}
