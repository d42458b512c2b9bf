/** The "Agents" tree view: every agent of the running session with its state. */
import * as vscode from 'vscode';
import type { AgentStatus } from '../schemas/protocol/runtimeHost';

const ICONS: Record<string, string> = {
  running: 'pass',
  loaded: 'circle-outline',
  draining: 'sync',
  stopped: 'circle-slash',
  failed: 'error',
  unloaded: 'circle-outline',
};

export class AgentsTree implements vscode.TreeDataProvider<AgentStatus>, vscode.Disposable {
  private agents: AgentStatus[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  /** Replace the list (from the host's `agents` notification or a request's result). */
  set(agents: AgentStatus[]): void {
    this.agents = [...agents].sort((a, b) => a.name.localeCompare(b.name));
    this.changed.fire();
  }

  getTreeItem(a: AgentStatus): vscode.TreeItem {
    const item = new vscode.TreeItem(a.name, vscode.TreeItemCollapsibleState.None);
    item.description = a.state;
    item.iconPath = new vscode.ThemeIcon(ICONS[a.state] ?? 'circle-outline');
    item.tooltip = `${a.name}: ${a.state}`;
    item.accessibilityInformation = { label: `agent ${a.name}, ${a.state}` };
    return item;
  }

  getChildren(parent?: AgentStatus): AgentStatus[] {
    return parent ? [] : this.agents;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
