/**
 * The Caxton debug adapter through the Debug Adapter Protocol, as any DAP client drives it: the bundle
 * (dist/debugAdapter.js) spawned and spoken to by @vscode/debugadapter-testsupport's DebugClient, on the real
 * calculator and resilience examples (real wasm agents). Message, line and event breakpoints; stepping; variables;
 * editing and dropping a pending message; fork ("restart from here") with both branches kept; replay of the result.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { TraceEvent } from '../../schemas';
import { diffTraces } from '../../schemas/traceDiff';
import { readRecordedRun, replayRun, verifyReplay } from '../../runtime/node/scenario/replay';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { readTraceFile } from '../../runtime/node/files/traceFile';
import { distDir, examplesDir } from '../support/paths';

const calculator = path.join(examplesDir, 'calculator', 'calculator.scenario.yaml');
const resilience = fs
  .readdirSync(path.join(examplesDir, 'resilience'))
  .filter((f) => f.endsWith('.scenario.yaml'))
  .map((f) => path.join(examplesDir, 'resilience', f))[0];

/** Every event the adapter sends, kept in order, so a test waits for "the next stopped" without racing it. */
class Events {
  private seen: DebugProtocol.Event[] = [];
  private taken = new Map<string, number>();
  private waiters: Array<() => void> = [];
  constructor(dc: DebugClient) {
    for (const name of ['stopped', 'terminated', 'exited', 'output', 'caxton/paused', 'caxton/forked', 'caxton/runEnded', 'caxton/trace']) {
      dc.on(name, (e: DebugProtocol.Event) => {
        this.seen.push(e);
        for (const w of this.waiters.splice(0)) w();
      });
    }
  }
  /** The next event of `type` not yet taken (waits for it: a state, with a generous deadline only against hangs). */
  async next(type: string, deadlineMs = 90_000): Promise<DebugProtocol.Event> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const from = this.taken.get(type) ?? 0;
      const i = this.seen.findIndex((e, n) => n >= from && e.event === type);
      if (i >= 0) {
        this.taken.set(type, i + 1);
        return this.seen[i];
      }
      if (Date.now() > end) throw new Error(`no '${type}' event; saw: ${this.seen.map((e) => e.event).join(', ')}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 1000);
      });
    }
  }
  all(type: string): DebugProtocol.Event[] {
    return this.seen.filter((e) => e.event === type);
  }
  text(): string {
    return this.all('output')
      .map((e) => e.body.output)
      .join('');
  }
}

describe('debug adapter over DAP', function () {
  this.timeout(240_000);
  let dc: DebugClient;
  let events: Events;
  let dir: string;

  before(() => {
    assert.ok(fs.existsSync(path.join(distDir, 'debugAdapter.js')), `build the adapter first (node esbuild.mjs); looked in ${distDir}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-dap-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    dc = new DebugClient(process.execPath, path.join(distDir, 'debugAdapter.js'), 'caxton');
    dc.defaultTimeout = 60_000;
    events = new Events(dc);
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  /** initialize, breakpoints, configurationDone, launch. */
  async function launch(args: Record<string, unknown>, setup: () => Promise<unknown> = async () => undefined): Promise<void> {
    const init = await dc.initializeRequest({ adapterID: 'caxton', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    assert.deepEqual(
      init.body?.exceptionBreakpointFilters?.map((f) => f.filter),
      ['breaker_open', 'timeout', 'protocol_violation', 'agent_trap', 'dead_letter'],
    );
    await setup();
    await dc.configurationDoneRequest();
    await dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  }

  async function topFrame(threadId: number) {
    const st = await dc.stackTraceRequest({ threadId });
    return st.body.stackFrames[0];
  }

  async function scope(frameId: number, name: string) {
    const scopes = await dc.scopesRequest({ frameId });
    const s = scopes.body.scopes.find((x) => x.name === name);
    assert.ok(s, `no scope ${name}: ${scopes.body.scopes.map((x) => x.name).join(', ')}`);
    return (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
  }

  /** DebugClient has no setExpressionRequest: send the request by name. */
  function setExpression(args: DebugProtocol.SetExpressionArguments): Promise<DebugProtocol.SetExpressionResponse> {
    return dc.send('setExpression', args) as Promise<DebugProtocol.SetExpressionResponse>;
  }

  async function threadName(id: number): Promise<string | undefined> {
    return (await dc.threadsRequest()).body.threads.find((t) => t.id === id)?.name;
  }

  it('stops at a message breakpoint, shows the message, its source, mailboxes, conversations and agents; continue ends the run', async () => {
    const trace = path.join(dir, 'bp.trace.jsonl');
    await launch({ scenario: calculator, trace }, async () => {
      const r = await dc.setFunctionBreakpointsRequest({
        breakpoints: [{ name: 'performative == "request" && content.x > 5' }, { name: 'content.x >' }],
      });
      assert.deepEqual(
        r.body.breakpoints.map((b) => b.verified),
        [true, false],
      );
      assert.match(r.body.breakpoints[1].message ?? '', /column/);
    });
    const stopped = await events.next('stopped');
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.equal(await threadName(stopped.body.threadId), 'calculator');
    const threads = (await dc.threadsRequest()).body.threads.map((t) => t.name);
    assert.deepEqual(threads.slice(0, 1), ['scheduler']);
    for (const a of ['calculator', 'echo', 'logger']) assert.ok(threads.includes(a), `thread ${a} in ${threads}`);
    const frame = await topFrame(stopped.body.threadId);
    assert.equal(frame.name, 'request from user · add-10-20');
    assert.equal(frame.source?.path, calculator);
    const scenarioLines = fs.readFileSync(calculator, 'utf8').split('\n');
    assert.match(
      scenarioLines[frame.line - 1],
      /performative: request/,
      `the frame points at the message in the scenario: ${JSON.stringify(frame)}`,
    );
    const message = await scope(frame.id, 'Message');
    const content = message.find((v) => v.name === 'content')!;
    const fields = (await dc.variablesRequest({ variablesReference: content.variablesReference })).body.variables;
    assert.equal(fields.find((v) => v.name === 'x')?.value, '10');
    assert.equal(message.find((v) => v.name === 'deliver')?.value, 'true');
    const mailboxes = await scope(frame.id, 'Mailboxes');
    assert.ok(
      mailboxes.some((v) => v.name === 'calculator' && /1 pending/.test(v.value)),
      JSON.stringify(mailboxes),
    );
    const agents = await scope(frame.id, 'Agents');
    assert.deepEqual(
      agents.map((v) => v.name),
      ['calculator', 'echo', 'logger'],
    );
    const timers = await scope(frame.id, 'Timers');
    assert.ok(timers.some((v) => v.name === 'next timer at (ms)'));
    const ev = await dc.evaluateRequest({ expression: 'content.x * 2', frameId: frame.id, context: 'repl' });
    assert.equal(ev.body.result, '20');
    const paused = await events.next('caxton/paused');
    assert.equal(typeof paused.body.seq, 'number');
    // The breakpoint holds for mul (x = 6) too; then the run ends.
    await dc.continueRequest({ threadId: stopped.body.threadId });
    const second = await events.next('stopped');
    assert.equal((await topFrame(second.body.threadId)).name, 'request from user · mul-6-7');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: second.body.threadId });
    await events.next('terminated');
    const ended = await events.next('caxton/runEnded');
    assert.equal(ended.body.ok, true);
    const recorded = readTraceFile(trace).events;
    assert.equal(recorded[0].type, 'run_started');
    assert.equal(recorded.at(-1)?.type, 'run_ended');
    assert.match(events.text(), /calculator -> user {2}inform {2}\{"result":30\}/, 'the debug console shows the conversation');
  });

  it('line breakpoint on a scenario message, conversations with protocol state, step into the conversation', async () => {
    const text = fs.readFileSync(calculator, 'utf8').split('\n');
    const mulLine = text.findIndex((l) => l.includes('conversation_id: mul-6-7')) + 1;
    await launch({ scenario: calculator, trace: path.join(dir, 'line.trace.jsonl') }, async () => {
      const r = await dc.setBreakpointsRequest({ source: { path: calculator }, breakpoints: [{ line: mulLine }, { line: 1 }] });
      assert.equal(r.body.breakpoints[0].verified, true);
      assert.match(text[r.body.breakpoints[0].line! - 1], /performative: request/, 'settles on the first line of the message');
      assert.equal(r.body.breakpoints[1].verified, false);
    });
    const stopped = await events.next('stopped');
    assert.equal(stopped.body.reason, 'breakpoint');
    const frame = await topFrame(stopped.body.threadId);
    assert.equal(frame.name, 'request from user · mul-6-7');
    const conversations = await scope(frame.id, 'Conversations');
    const add = conversations.find((v) => v.name === 'add-10-20');
    assert.ok(add && /fipa-request/.test(add.value), JSON.stringify(conversations));
    const detail = (await dc.variablesRequest({ variablesReference: add.variablesReference })).body.variables;
    assert.equal(detail.find((v) => v.name === 'protocol')?.value, 'fipa-request');
    const state = detail.find((v) => v.name === 'state')!;
    const pairs = (await dc.variablesRequest({ variablesReference: state.variablesReference })).body.variables;
    assert.ok(
      pairs.some((p) => p.name === 'calculator'),
      JSON.stringify(pairs),
    );
    // Step into: the next delivery in mul-6-7 is the calculator's answer to the user.
    await dc.stepInRequest({ threadId: stopped.body.threadId });
    const stepped = await events.next('stopped');
    assert.equal(stepped.body.reason, 'step');
    const next = await topFrame(stepped.body.threadId);
    assert.match(next.name, /from calculator · mul-6-7$/);
    assert.equal(await threadName(stepped.body.threadId), 'user');
    await dc.setBreakpointsRequest({ source: { path: calculator }, breakpoints: [] });
    await dc.continueRequest({ threadId: stepped.body.threadId });
    await events.next('terminated');
  });

  it('stop on entry, step one superstep, pause-free run to the end', async () => {
    await launch({ scenario: calculator, trace: path.join(dir, 'step.trace.jsonl'), stopOnEntry: true });
    const entry = await events.next('stopped');
    assert.equal(entry.body.reason, 'entry');
    const first = (await events.next('caxton/paused')).body.tick as number;
    await dc.nextRequest({ threadId: entry.body.threadId });
    const step = await events.next('stopped');
    assert.equal(step.body.reason, 'step');
    assert.equal((await events.next('caxton/paused')).body.tick, first + 1);
    const sched = await dc.stackTraceRequest({ threadId: 1 });
    assert.match(sched.body.stackFrames[0].name, new RegExp(`^step ${first + 1} at \\d+ ms`));
    await dc.continueRequest({ threadId: step.body.threadId });
    await events.next('terminated');
  });

  it('stops at an event breakpoint (a breaker opens) with its description', async () => {
    await launch({ scenario: resilience, trace: path.join(dir, 'event.trace.jsonl') }, async () => {
      const r = await dc.setExceptionBreakpointsRequest({ filters: ['breaker_open'] });
      assert.deepEqual(
        r.body?.breakpoints?.map((b) => b.verified),
        [true],
      );
    });
    const stopped = await events.next('stopped');
    assert.equal(stopped.body.reason, 'exception');
    assert.match(stopped.body.description, /^Breaker opens: breaker .* closed -> open/);
    const info = await dc.exceptionInfoRequest({ threadId: stopped.body.threadId });
    assert.equal(info.body.exceptionId, 'breaker_state');
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    await dc.continueRequest({ threadId: stopped.body.threadId });
    await events.next('terminated');
  });

  it('edits a pending message before delivery; the trace records it and replays identically', async () => {
    const trace = path.join(dir, 'edit.trace.jsonl');
    await launch({ scenario: calculator, trace }, () =>
      dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'conversation == "add-10-20" && receiver == "calculator"' }] }),
    );
    const stopped = await events.next('stopped');
    const frame = await topFrame(stopped.body.threadId);
    const refused = await setExpression({ expression: 'message_id', value: '"x"', frameId: frame.id }).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    assert.match(refused, /identifies the message/);
    await setExpression({ expression: 'content.x', value: '100', frameId: frame.id });
    const message = await scope(frame.id, 'Message');
    const content = message.find((v) => v.name === 'content')!;
    const fields = (await dc.variablesRequest({ variablesReference: content.variablesReference })).body.variables;
    assert.equal(fields.find((v) => v.name === 'x')?.value, '100', 'the edit shows at once');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: stopped.body.threadId });
    await events.next('terminated');
    const recorded = readTraceFile(trace).events;
    const change = recorded.find((e) => e.type === 'debug_change');
    assert.deepEqual(change && { change: change.change, to: change.to, fields: change.fields }, {
      change: 'edit',
      to: 'calculator',
      fields: [{ path: 'content.x', value: 100 }],
    });
    assert.ok(replies(recorded).includes('{"result":120}'), replies(recorded).join(' '));
    // Replay makes the change again at the same tick: identical.
    const again: TraceEvent[] = [];
    await replayRun(readRecordedRun(trace), { onTrace: (e) => again.push(e) });
    assert.equal(verifyReplay(recorded, again).diff.identical, true);
  });

  it('drops a pending message (deliver = false)', async () => {
    const trace = path.join(dir, 'drop.trace.jsonl');
    await launch({ scenario: calculator, trace }, () =>
      dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'conversation == "mul-6-7" && receiver == "calculator"' }] }),
    );
    const stopped = await events.next('stopped');
    const frame = await topFrame(stopped.body.threadId);
    const scopes = await dc.scopesRequest({ frameId: frame.id });
    const ref = scopes.body.scopes.find((s) => s.name === 'Message')!.variablesReference;
    await dc.setVariableRequest({ variablesReference: ref, name: 'deliver', value: 'false' });
    assert.equal(
      (await dc.stackTraceRequest({ threadId: stopped.body.threadId })).body.stackFrames.length,
      0,
      'nothing pending for the calculator any more',
    );
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: stopped.body.threadId });
    await events.next('terminated');
    const recorded = readTraceFile(trace).events;
    assert.ok(recorded.some((e) => e.type === 'debug_change' && e.change === 'drop'));
    assert.ok(!replies(recorded).includes('{"result":42}'), 'the dropped request was never answered');
  });

  it('forks: restart from here keeps the original branch, re-runs to the same step, and goes on with an edit', async () => {
    const trace = path.join(dir, 'orig.trace.jsonl');
    await launch({ scenario: calculator, trace }, () =>
      dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'conversation == "add-10-20" && receiver == "calculator"' }] }),
    );
    const stopped = await events.next('stopped');
    const tick = (await events.next('caxton/paused')).body.tick as number;
    const fork = await dc.customRequest('caxton/fork', {});
    assert.equal(fork.body.original, trace);
    assert.equal(fork.body.fork, path.join(dir, 'orig.fork-1.trace.jsonl'));
    assert.equal(fork.body.tick, tick);
    const original = await events.next('caxton/runEnded');
    assert.equal(original.body.trace, trace, 'the original branch ran to its end');
    const again = await events.next('stopped');
    assert.equal(again.body.reason, 'goto');
    assert.equal((await events.next('caxton/paused')).body.tick, tick, 'the fork stops at the same step');
    const frame = await topFrame(again.body.threadId);
    assert.equal(frame.name, 'request from user · add-10-20');
    await setExpression({ expression: 'content.y', value: '1', frameId: frame.id });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: again.body.threadId });
    const forkEnd = await events.next('caxton/runEnded');
    assert.equal(forkEnd.body.original, trace);
    await events.next('terminated');
    const a = readTraceFile(trace).events,
      b = readTraceFile(fork.body.fork).events;
    assert.ok(replies(a).includes('{"result":30}'));
    assert.ok(replies(b).includes('{"result":11}'), replies(b).join(' '));
    const header = b[0];
    assert.ok(
      header.type === 'run_started' && header.fork?.tick === tick && header.fork.from === 'orig.trace.jsonl',
      JSON.stringify(header),
    );
    const d = diffTraces(a, b);
    assert.equal(d.identical, false);
    assert.equal(d.first?.right?.type, 'debug_change', 'the branches agree up to the change');
    assert.ok(stopped.body.threadId > 0);
  });

  it('restarts a recorded trace from one of its events (replay + stopAt), with another seed', async () => {
    const recordedFile = path.join(dir, 'recorded.trace.jsonl');
    const summary = await runScenario(calculator, { traceFile: recordedFile, seed: 3 });
    assert.equal(summary.ok, true);
    const recorded = readTraceFile(recordedFile).events;
    const mul = recorded.find((e) => e.type === 'message_sent' && e.message.conversation_id === 'mul-6-7')!;
    await launch({ replay: recordedFile, stopAt: { seq: mul.seq }, seed: 4 });
    const stopped = await events.next('stopped');
    assert.equal(stopped.body.reason, 'goto');
    const paused = await events.next('caxton/paused');
    assert.ok(paused.body.tick >= mul.tick!, `stopped at step ${paused.body.tick}, the event was at ${mul.tick}`);
    await dc.continueRequest({ threadId: stopped.body.threadId });
    const ended = await events.next('caxton/runEnded');
    assert.equal(ended.body.original, recordedFile);
    assert.equal(ended.body.trace, path.join(dir, 'recorded.fork-1.trace.jsonl'));
    await events.next('terminated');
    const header = readTraceFile(ended.body.trace).events[0];
    assert.ok(header.type === 'run_started' && header.seed === 4 && header.fork?.from === 'recorded.trace.jsonl', JSON.stringify(header));
  });

  it('refuses a bad launch with the file and the fix', async () => {
    await dc.initializeRequest({ adapterID: 'caxton', pathFormat: 'path' });
    await dc.configurationDoneRequest();
    const missing = await dc.launchRequest({ scenario: path.join(dir, 'nope.scenario.yaml') } as DebugProtocol.LaunchRequestArguments).then(
      () => 'launched',
      (e: Error) => e.message,
    );
    assert.match(missing, /nope\.scenario\.yaml does not exist; set "scenario" in launch\.json/);
    const badTrace = await dc.launchRequest({ replay: path.join(dir, 'none.trace.jsonl') } as DebugProtocol.LaunchRequestArguments).then(
      () => 'launched',
      (e: Error) => e.message,
    );
    assert.match(badTrace, /none\.trace\.jsonl: no such trace file/);
  });
});

function replies(events: readonly TraceEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'message_sent' && e.message.sender === 'calculator' ? [JSON.stringify(e.message.content)] : []));
}
