// Runs inside a real VS Code extension host (code-server here): the Caxton debugger started with F5 on the calculator
// scenario (no launch.json: the default configuration), a message breakpoint hit, the stack and the inspector
// following it, then continue to the end. Every wait is for a state (an event seen, a session gone), never a sleep.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Ctx } from '../../../client/ctx';
import { waitFor } from './waitFor';

describe('the Caxton debugger in a real VS Code', () => {
  let ctx: Ctx;
  let recorded: string | undefined;
  const seen: DebugProtocol.ProtocolMessage[] = [];
  const disposables: vscode.Disposable[] = [];
  const ws = () => vscode.workspace.workspaceFolders![0].uri;
  const events = (name: string) =>
    seen.filter((m): m is DebugProtocol.Event => m.type === 'event' && (m as DebugProtocol.Event).event === name);

  before(async () => {
    ctx = (await vscode.extensions.getExtension<{ ctx: Ctx }>('caxton.caxton-agent-lab')!.activate()).ctx;
    disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('caxton', {
        createDebugAdapterTracker: () => ({
          onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => {
            seen.push(m);
          },
        }),
      }),
    );
  });
  after(() => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    for (const d of disposables) d.dispose();
  });

  it('F5 on a scenario stops at a message breakpoint, shows the message, and continues to the end', async () => {
    vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('performative == "request" && content.x > 5')]);
    const scenario = vscode.Uri.joinPath(ws(), 'calculator.scenario.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(scenario));
    await vscode.commands.executeCommand('workbench.action.debug.start');
    const stopped = await waitFor('the breakpoint to be hit', () => events('stopped')[0], 120_000);
    assert.equal(stopped.body.reason, 'breakpoint');
    const session = vscode.debug.activeDebugSession;
    assert.equal(session?.type, 'caxton');
    assert.equal(session?.configuration.scenario, scenario.fsPath, 'the default configuration debugs the open scenario');
    const stack = (await session!.customRequest('stackTrace', {
      threadId: stopped.body.threadId,
    })) as DebugProtocol.StackTraceResponse['body'];
    assert.equal(stack.stackFrames[0].name, 'request from user · add-10-20');
    // The inspector follows the paused position: it opened and got the run's trace up to the pending message.
    await waitFor('the inspector to draw the paused run', () =>
      ctx.inspector.visible && ctx.liveEvents.some((e) => e.type === 'message_sent' && e.message.conversation_id === 'add-10-20')
        ? true
        : undefined,
    );
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    await waitFor(
      'the debug session to end',
      () => (events('terminated').length && !vscode.debug.activeDebugSession ? true : undefined),
      120_000,
    );
    const ended = events('caxton/runEnded')[0];
    assert.equal(ended?.body.ok, true, JSON.stringify(ended?.body));
    assert.ok(fs.existsSync(ended.body.trace), ended.body.trace);
    assert.equal(path.basename(ended.body.trace), 'calculator.debug.trace.jsonl');
    assert.ok(
      ctx.liveEvents.some(
        (e) => e.type === 'message_sent' && e.message.sender === 'calculator' && JSON.stringify(e.message.content) === '{"result":30}',
      ),
    );
    recorded = ended.body.trace;
  });

  it("Restart from here (the inspector's action) re-runs the trace to an event, stops there, and keeps both branches", async () => {
    assert.ok(recorded, 'the previous test recorded a run');
    const lines = fs
      .readFileSync(recorded, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; type: string; message?: { conversation_id?: string } });
    const mul = lines.find((e) => e.type === 'message_sent' && e.message?.conversation_id === 'mul-6-7')!;
    ctx.inspector.onFork!(mul.seq, recorded);
    const stopped = await waitFor(
      'the re-run to stop at the event',
      () => events('stopped').find((e) => e.body.reason === 'goto'),
      120_000,
    );
    // The stopped event can come before VS Code makes the new session the active one: wait for that state.
    const forkSession = await waitFor(
      'the re-run to be the active debug session',
      () => (vscode.debug.activeDebugSession?.configuration.replay === recorded ? vscode.debug.activeDebugSession : undefined),
      60_000,
    );
    assert.equal(forkSession.configuration.replay, recorded);
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    const ended = await waitFor('the fork to end', () => events('caxton/runEnded').find((e) => e.body.original === recorded), 120_000);
    assert.ok(stopped && fs.existsSync(ended.body.trace) && /\.fork-\d+\.trace\.jsonl$/.test(ended.body.trace), ended.body.trace);
    await waitFor('the session to end', () => (vscode.debug.activeDebugSession ? undefined : true), 120_000);
  });
});
