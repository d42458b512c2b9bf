/**
 * The extension's context: owns every disposable (output channel, language client, runtime host, status bar, tree,
 * inspector panel) and the small shared decisions (trust, settings, the current run's trace). Commands get it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { TraceEvent } from '../schemas/trace';
import {
  DEFAULT_RUNTIME_HOST_SETTINGS,
  RUNTIME_SETTING_IDS,
  type AgentStatus,
  type RuntimeHostSettings,
} from '../schemas/protocol/runtimeHost';
import { RuntimeHostClient } from './runtimeHostClient';
import { AgentsTree } from './agentsTree';
import { StatusBar } from './statusBar';
import { InspectorPanel } from './inspectorPanel';
import { startLanguageClient } from './languageClient';
import { HotReload } from './hotReload';
import { AgentErrorDiagnostics } from './agentErrors';

/** Kept in memory for the inspector; older events fall off (the trace file on disk keeps everything). */
const MAX_LIVE_EVENTS = 100_000;

export class Ctx implements vscode.Disposable {
  readonly subscriptions: vscode.Disposable[] = [];
  readonly output = vscode.window.createOutputChannel('Caxton Runtime', { log: true });
  readonly agents = new AgentsTree();
  readonly status = new StatusBar();
  /** Agent failures on the line of the agent's source that failed (this run's). */
  readonly agentErrors = new AgentErrorDiagnostics();
  readonly inspector: InspectorPanel;
  readonly replies = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground') },
  });
  /** Events of the current run, for an inspector opened mid-run. */
  liveEvents: TraceEvent[] = [];
  languageClient?: LanguageClient;
  private host?: RuntimeHostClient;
  private session?: Promise<void>;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.inspector = new InspectorPanel(
      extension.extensionUri,
      () => ({ events: this.liveEvents, live: this.host?.running ?? false }),
      (t) => this.output.warn(t),
    );
    this.subscriptions.push(this.output, this.agents, this.status, this.inspector, this.replies, this.agentErrors);
    this.status.setTrusted(vscode.workspace.isTrusted);
    this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.status.setTrusted(true)));
    this.subscriptions.push(new HotReload(this));
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('caxton.runtime') && this.host?.running) void this.restartSession();
      }),
    );
  }

  /** Start the language client (diagnostics work in untrusted workspaces too: validation runs no agent code). */
  async startLanguageClient(): Promise<void> {
    try {
      this.languageClient = await startLanguageClient(this.extension, this.output);
      this.subscriptions.push(this.languageClient);
    } catch (e) {
      this.output.error(`language server did not start: ${(e as Error).message}`);
    }
  }

  /** The runtime host when it runs with an open session (hot reload never spawns it). */
  liveHost(): RuntimeHostClient | undefined {
    return this.host?.running && this.session ? this.host : undefined;
  }

  /** Whether the runtime host was ever spawned (never in an untrusted workspace). */
  get hostStarted(): boolean {
    return this.host !== undefined;
  }

  /** An agent now runs new code (hot reload): its failures from the old code are gone. */
  agentReloaded(agent: string): void {
    this.agentErrors.clearAgent(agent);
  }

  /** The folder runs happen in: the first workspace folder. */
  folder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  /** `caxton.runtime.*` settings, normalised. */
  settings(): RuntimeHostSettings {
    const c = vscode.workspace.getConfiguration();
    const d = DEFAULT_RUNTIME_HOST_SETTINGS;
    const num = (id: string, def: number) => {
      const v = c.get<number>(id);
      return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : def;
    };
    return {
      requestTimeoutMs: num(RUNTIME_SETTING_IDS.requestTimeoutMs, d.requestTimeoutMs),
      seed: num(RUNTIME_SETTING_IDS.seed, d.seed),
      traceDir: c.get<string>(RUNTIME_SETTING_IDS.traceDir) ?? d.traceDir,
      traceBatchSize: Math.max(1, num(RUNTIME_SETTING_IDS.traceBatchSize, d.traceBatchSize)),
      workers: Math.floor(num(RUNTIME_SETTING_IDS.workers, d.workers)),
      nats: (c.get<string>(RUNTIME_SETTING_IDS.nats) ?? '').trim(),
    };
  }

  /** False (after telling the user why, naming Workspace Trust) when agents may not run here. */
  requireTrust(action: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage(
        `Caxton: cannot ${action} in an untrusted workspace (Workspace Trust). Agents are code; trust this folder to run them. Diagnostics keep working.`,
        'Manage Workspace Trust',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return false;
  }

  /** The runtime host with an open session on the workspace folder (spawned on first use). */
  async runtime(): Promise<RuntimeHostClient> {
    const folder = this.folder();
    if (!folder) throw new Error('open a folder first: runs happen in the workspace folder');
    const host = this.host ?? this.createHost();
    this.session ??= host.start({ folder, settings: this.settings() }).then(
      (r) => {
        this.output.info(`runtime host ${r.version} ready (pid ${host.pid}) on ${folder}`);
        this.agentErrors.clear();
        this.setAgents(r.agents);
      },
      (e: Error) => {
        this.session = undefined;
        throw e;
      },
    );
    await this.session;
    return host;
  }

  private async restartSession(): Promise<void> {
    this.session = undefined;
    await this.runtime().catch((e: Error) => this.output.error(e.message));
  }

  private createHost(): RuntimeHostClient {
    const host = new RuntimeHostClient({ hostScript: path.join(this.extension.extensionPath, 'dist', 'runtimeHost.js') });
    host.onLog(({ level, text }) => this.output[level](text));
    host.onAgents(({ agents }) => this.setAgents(agents));
    host.onAgentError((e) => this.agentErrors.add(e));
    host.onTrace(({ events }) => this.addEvents(events));
    host.onExit(({ code, signal, willRestart, stderrTail }) => {
      const why = signal ? `was killed (${signal})` : `exited with code ${code}`;
      this.output.error(`runtime host ${why}${stderrTail ? `:\n${stderrTail}` : ''}`);
      this.status.setHostDown(willRestart);
      this.setAgents([]);
      this.inspector.post({ kind: 'status', running: false, text: `runtime host ${why}${willRestart ? '; restarting' : ''}` });
      void vscode.window.showErrorMessage(
        `Caxton: the runtime host ${why}. ${willRestart ? 'Restarting it.' : 'It crashed too often; reload the window to try again.'}`,
      );
    });
    host.onRestart((pid) => {
      this.output.info(`runtime host restarted (pid ${pid})`);
      this.status.setHostDown(false);
      this.status.setAgents([]);
    });
    this.host = host;
    this.subscriptions.push({ dispose: () => void host.dispose() });
    return host;
  }

  /** Begin a new run in the inspector (a fresh trace). */
  newRun(title: string): void {
    this.liveEvents = [];
    this.agentErrors.clear();
    this.inspector.post({ kind: 'reset', events: [], live: true, title });
  }

  /** Add events of the current run (the runtime host's, or a debugged run's) to the inspector. */
  addEvents(events: TraceEvent[]): void {
    this.liveEvents.push(...events);
    if (this.liveEvents.length > MAX_LIVE_EVENTS) this.liveEvents = this.liveEvents.slice(-MAX_LIVE_EVENTS);
    this.inspector.post({ kind: 'append', events });
  }

  setAgents(agents: AgentStatus[]): void {
    this.agents.set(agents);
    this.status.setAgents(agents);
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        /* keep disposing the rest */
      }
    }
  }
}
