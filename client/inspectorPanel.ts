/** The inspector webview panel: loads dist/webview.js under a nonce CSP and talks to it through the typed protocol. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { TraceEvent } from '../schemas/trace';
import {
  createHandler,
  postTyped,
  traceMessages,
  VIEW_TO_HOST_KINDS,
  type HostToView,
  type ViewToHost,
} from '../schemas/protocol/inspector';
import { inspectorHtml } from './inspectorHtml';
import { INSPECTOR_VIEW_TYPE } from './commandIds';
import { revealMessageSource } from './revealSource';
import { parseTraceText } from './traceFile';

export class InspectorPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private queue: HostToView[] = [];
  /** What the view last reported on screen (for the status and for tests). */
  lastRendered?: Extract<ViewToHost, { kind: 'rendered' }>;
  /** The trace file shown, when it came from one (Restart from here re-runs it). */
  traceFile?: string;
  /** What "Restart from here" does (the debugger sets it: client/debugger.ts). */
  onFork?: (seq: number, traceFile: string | undefined) => void;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly current: () => { events: TraceEvent[]; live: boolean },
    private readonly warn: (text: string) => void,
  ) {}

  /** Show the panel (creating it); it then asks for the current trace. */
  show(title = 'Caxton inspector'): void {
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(undefined, true);
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(
      INSPECTOR_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [dist],
      },
    );
    const nonce = randomBytes(18).toString('base64');
    panel.webview.html = inspectorHtml({
      script: { src: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString() },
      nonce,
      cspSource: panel.webview.cspSource,
    });
    const handle = createHandler<ViewToHost>(VIEW_TO_HOST_KINDS, {
      ready: () => {
        this.ready = true;
        const { events, live } = this.current();
        for (const m of traceMessages(events, live, title)) postTyped(panel.webview, m);
        // The reset above carries every event so far; only replies and status changes still need sending.
        for (const m of this.queue.splice(0)) if (m.kind === 'status' || m.kind === 'reply') postTyped(panel.webview, m);
      },
      selectMessage: () => {
        /* the view shows it; reveal is an explicit button (revealSource) */
      },
      rendered: (m) => {
        this.lastRendered = m;
      },
      error: (m) => this.warn(`inspector: ${m.text}`),
      revealSource: (m) => {
        void revealMessageSource(m.message).then(
          (r) => this.post({ kind: 'revealed', ...r }),
          (e: Error) => this.post({ kind: 'revealed', ok: false, text: e.message }),
        );
      },
      copy: (m) => {
        void vscode.env.clipboard.writeText(m.text).then(() => this.post({ kind: 'revealed', ok: true, text: `copied ${m.what}` }));
      },
      export: (m) => {
        void this.save(m.text, m.name);
      },
      pickCompare: () => {
        void this.pickCompare();
      },
      fork: (m) => {
        if (this.onFork) this.onFork(m.seq, this.traceFile);
        else this.post({ kind: 'revealed', ok: false, text: 'Restart from here needs the Caxton debugger' });
      },
    });
    panel.webview.onDidReceiveMessage(handle);
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.queue = [];
      this.lastRendered = undefined;
    });
    this.panel = panel;
  }

  /** Open a saved trace (replay); `file` lets Restart from here re-run it. */
  showTrace(events: TraceEvent[], title: string, file?: string): void {
    this.show(title);
    this.traceFile = file;
    for (const m of traceMessages(events, false, title)) this.post(m);
  }

  private async save(text: string, name: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      saveLabel: 'Export',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    this.post({ kind: 'revealed', ok: true, text: `exported ${vscode.workspace.asRelativePath(target)}` });
  }

  private async pickCompare(): Promise<void> {
    const [file] =
      (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Caxton traces': ['jsonl'] }, openLabel: 'Compare' })) ?? [];
    if (!file) return;
    const { events, problems } = parseTraceText(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
    for (const p of problems.slice(0, 5)) this.warn(`${vscode.workspace.asRelativePath(file)}: ${p}`);
    this.post({ kind: 'compare', title: vscode.workspace.asRelativePath(file), events });
  }

  /** Post to the view if it is open (messages wait until it is ready; appends are covered by the ready reset). */
  post(message: HostToView): void {
    if (!this.panel) return;
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    postTyped(this.panel.webview, message);
  }

  get visible(): boolean {
    return !!this.panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
