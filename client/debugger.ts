/**
 * VS Code's side of the Caxton debugger (launch type `caxton`, docs/debugging.md): the adapter runs as its own process
 * (dist/debugAdapter.js, which embeds the runtime: the extension itself never does), default configurations so F5 on
 * a *.scenario.yaml works without a launch.json, and the inspector following the debugged run (its trace live, the
 * paused message highlighted, "Restart from here", a fork compared with its original). Typed DAP extras:
 * schemas/protocol/debugAdapter.ts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CUSTOM_EVENTS, DEBUG_TYPE, type CaxtonLaunchArguments, type CustomEvents } from '../schemas/protocol/debugAdapter';
import type { Ctx } from './ctx';
import { parseTraceText } from './traceFile';

const SCENARIO = /\.scenario\.ya?ml$/;

/** The configuration F5 uses on an open *.scenario.yaml when there is no launch.json. */
export function defaultConfiguration(scenario = '${file}'): vscode.DebugConfiguration & CaxtonLaunchArguments {
  return { type: DEBUG_TYPE, request: 'launch', name: 'Debug scenario', scenario };
}

/** Fill a configuration in: the open scenario when none is named, the trace in caxton.runtime.traceDir, the seed. */
export function resolveConfiguration(
  ctx: Ctx,
  config: vscode.DebugConfiguration,
  activeFile: string | undefined,
): vscode.DebugConfiguration | undefined {
  const c = { ...config } as vscode.DebugConfiguration & CaxtonLaunchArguments;
  if (!c.type && !c.request && !c.name)
    Object.assign(c, defaultConfiguration(activeFile && SCENARIO.test(activeFile) ? activeFile : undefined));
  if (!c.scenario && !c.replay) {
    void vscode.window.showErrorMessage('Caxton: open a *.scenario.yaml to debug it, or set "scenario" in launch.json.');
    return undefined;
  }
  const folder = ctx.folder();
  c.cwd ??= folder;
  const settings = ctx.settings();
  c.seed ??= c.replay ? undefined : settings.seed;
  if (!c.trace && c.scenario && folder && settings.traceDir && !c.scenario.includes('${')) {
    c.trace = path.join(folder, settings.traceDir, `${path.basename(c.scenario).replace(SCENARIO, '')}.debug.trace.jsonl`);
  }
  return c;
}

/** Register the debugger: configurations, the adapter process, and the inspector following its runs. */
export function registerDebugger(ctx: Ctx): void {
  const adapter = path.join(ctx.extension.extensionPath, 'dist', 'debugAdapter.js');
  ctx.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      provideDebugConfigurations: () => [defaultConfiguration()],
      resolveDebugConfiguration: (_folder, config) => {
        if (!ctx.requireTrust('debug a scenario')) return undefined;
        return resolveConfiguration(ctx, config, vscode.window.activeTextEditor?.document.uri.fsPath);
      },
    }),
    // The extension host's own Node (Electron as Node in desktop VS Code) runs the adapter over stdio.
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () =>
        new vscode.DebugAdapterExecutable(process.execPath, [adapter], { env: { ELECTRON_RUN_AS_NODE: '1' } }),
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE || !(CUSTOM_EVENTS as readonly string[]).includes(e.event)) return;
      void onCustomEvent(ctx, e.event as keyof CustomEvents, e.body);
    }),
  );
  ctx.inspector.onFork = (seq, traceFile) => {
    void forkAt(ctx, seq, traceFile);
  };
}

async function onCustomEvent(ctx: Ctx, name: keyof CustomEvents, body: CustomEvents[keyof CustomEvents]): Promise<void> {
  switch (name) {
    case 'caxton/trace': {
      const b = body as CustomEvents['caxton/trace'];
      if (b.reset) {
        ctx.newRun(`debug ${b.title ?? ''}`.trim());
        ctx.inspector.traceFile = undefined;
      }
      if (b.events.length) ctx.addEvents(b.events);
      return;
    }
    case 'caxton/paused': {
      const b = body as CustomEvents['caxton/paused'];
      ctx.inspector.show();
      ctx.inspector.post({ kind: 'follow', seq: b.seq, text: b.text });
      return;
    }
    case 'caxton/forked': {
      const b = body as CustomEvents['caxton/forked'];
      ctx.output.info(`fork at step ${b.tick}: ${b.fork} (original: ${b.original})`);
      return;
    }
    case 'caxton/runEnded': {
      const b = body as CustomEvents['caxton/runEnded'];
      ctx.inspector.traceFile = b.trace;
      ctx.inspector.post({
        kind: 'status',
        running: false,
        text: `${b.ok ? 'passed' : 'failed'} (${b.reason}); trace ${vscode.workspace.asRelativePath(b.trace)}`,
      });
      if (b.original) await compareWithOriginal(ctx, b.original);
      return;
    }
  }
}

/** A fork finished: its original on the Compare view's other side (`caxton diff` prints the same divergence). */
async function compareWithOriginal(ctx: Ctx, original: string): Promise<void> {
  try {
    const { events } = parseTraceText(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(original))));
    ctx.inspector.show();
    ctx.inspector.post({ kind: 'compare', title: vscode.workspace.asRelativePath(original), events });
  } catch (e) {
    ctx.output.warn(`cannot open the fork's original ${original}: ${(e as Error).message}`);
  }
}

/** "Restart from here" in the inspector: fork the debugged run, or re-run the shown trace file to that event. */
async function forkAt(ctx: Ctx, seq: number, traceFile: string | undefined): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  if (session?.type === DEBUG_TYPE) {
    await session
      .customRequest('caxton/fork', { seq })
      .then(undefined, (e: Error) => vscode.window.showErrorMessage(`Caxton: ${e.message}`));
    return;
  }
  if (!traceFile) {
    ctx.inspector.post({
      kind: 'revealed',
      ok: false,
      text: 'Restart from here needs a trace file (Open Trace…) or a running debug session',
    });
    return;
  }
  if (!ctx.requireTrust('re-run a trace')) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  const config: vscode.DebugConfiguration & CaxtonLaunchArguments = {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Restart from event ${seq}`,
    replay: traceFile,
    stopAt: { seq },
  };
  await vscode.debug.startDebugging(folder, config);
}
