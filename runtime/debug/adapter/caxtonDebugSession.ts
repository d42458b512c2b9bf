/**
 * The Caxton debug adapter (DAP over stdio, @vscode/debugadapter): runs a scenario on the simulated clock in stepped
 * mode with every delivery passing the step boundary, where the DebugController stops it. Threads are agents (plus the
 * scheduler), a stack frame is a message about to be delivered, scopes come from VariableTree, and a pending message
 * can be edited (setVariable / setExpression) or dropped. Custom requests and events: schemas/protocol/debugAdapter.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Breakpoint,
  DebugSession,
  ExitedEvent,
  InitializedEvent,
  InvalidatedEvent,
  OutputEvent,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { TraceEvent } from '../../../schemas';
import type { CaxtonLaunchArguments, CustomEvents, CustomRequests } from '../../../schemas/protocol/debugAdapter';
import { formatEvent, formatSummary } from '../../cli/transcript';
import { readRecordedRun, ReplayError, replayRun, type RecordedRun } from '../../node/scenario/replay';
import { runScenario, type ScenarioSummary } from '../../node/scenario/scenario';
import { formatProblem, WorkspaceError } from '../../node/files/workspace';
import type { Runtime } from '../../runtime';
import { Breakpoints, EVENT_FILTERS } from '../breakpoints';
import { parseCondition, parsePath } from '../condition';
import { DebugController, type Stop } from '../controller';
import { deliveryContext, parseValue } from '../deliveries';
import { SourceIndex } from './sourceIndex';
import { defaultTrace, forkTrace, tickOf } from './traceFiles';
import { FRAME_BASE, formatPath, preview, SCHEDULER_FRAME, VariableTree } from './variables';

const SCHEDULER_THREAD = 1;
/** How often buffered trace events go to the client while the run moves (a stop or the end flushes at once). */
const TRACE_FLUSH_MS = 100;

interface RunState {
  controller: DebugController;
  done: Promise<void>;
  abort: AbortController;
  trace: string;
  original?: string;
}

/** One debug session: one run at a time (a fork replaces the run it forked from once that one has finished). */
export class CaxtonDebugSession extends DebugSession {
  private readonly breakpoints = new Breakpoints();
  private run: RunState | undefined;
  private tree: VariableTree | undefined;
  private readonly threadIds = new Map<string, number>();
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((r) => {
    this.configured = r;
  });
  private traceBuffer: TraceEvent[] = [];
  private traceEvents: TraceEvent[] = [];
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  private sources = new SourceIndex();
  private args: CaxtonLaunchArguments = {};
  private ending = false;
  /** A fork is letting its original finish: that run's end does not end the session. */
  private forking = false;

  constructor() {
    super();
    // Lines and columns are 1-based here (LineIndex + 1), whatever the client counts from.
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsEvaluateForHovers: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      supportsTerminateRequest: true,
      exceptionBreakpointFilters: EVENT_FILTERS.map((f) => ({
        filter: f.filter,
        label: f.label,
        description: f.description,
        default: false,
        supportsCondition: true,
        conditionDescription: 'a condition over the event, e.g. agent == "calculator" or route == "payments"',
      })),
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    const results = this.breakpoints.setMessageBreakpoints(args.breakpoints);
    response.body = { breakpoints: results.map((r) => ({ id: r.id, verified: r.verified, message: r.message })) };
    this.sendResponse(response);
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    const file = args.source.path ?? '';
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      /* reported below as no message */
    }
    const specs = (args.breakpoints ?? []).map((b) => ({ ...b, line: this.convertClientLineToDebugger(b.line) }));
    const results = this.breakpoints.setLineBreakpoints(file, text, specs);
    response.body = {
      breakpoints: results.map((r) => {
        const bp: DebugProtocol.Breakpoint = new Breakpoint(
          r.verified,
          r.line === undefined ? undefined : this.convertDebuggerLineToClient(r.line),
        );
        bp.id = r.id;
        if (r.message) bp.message = r.message;
        return bp;
      }),
    };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    const results = this.breakpoints.setEventBreakpoints(args.filters, args.filterOptions);
    response.body = { breakpoints: results.map((r) => ({ verified: r.verified, message: r.message })) };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const args = raw as CaxtonLaunchArguments;
    this.args = args;
    // The client sends breakpoints between initialized and configurationDone; VS Code always sends configurationDone.
    await Promise.race([this.configurationDone, new Promise((r) => setTimeout(r, 2000))]);
    try {
      const started = args.replay ? await this.startReplay(args) : await this.startScenario(args);
      this.sendResponse(response);
      this.output(`${started}\n`, 'console');
    } catch (e) {
      this.sendErrorResponse(response, { id: 1001, format: launchError(e), showUser: true });
      this.end(1);
    }
  }

  /** Start `args.scenario`; resolves once the agents are up (a bad scenario rejects with its file:line:col). */
  private async startScenario(args: CaxtonLaunchArguments): Promise<string> {
    const cwd = args.cwd ?? process.cwd();
    if (!args.scenario) throw new LaunchError('no scenario: set "scenario" in launch.json (e.g. "${file}" with a *.scenario.yaml open)');
    const scenario = path.resolve(cwd, args.scenario);
    if (!/\.scenario\.ya?ml$/.test(scenario))
      throw new LaunchError(
        `${args.scenario} is not a *.scenario.yaml; open a scenario (or set "scenario" in launch.json) and start debugging again`,
      );
    if (!fs.existsSync(scenario)) throw new LaunchError(`${scenario} does not exist; set "scenario" in launch.json to a *.scenario.yaml`);
    const trace = path.resolve(cwd, args.trace ?? defaultTrace(scenario));
    this.sources.index(scenario);
    const controller = new DebugController({ breakpoints: this.breakpoints, stopOnEntry: args.stopOnEntry });
    return this.begin(
      controller,
      trace,
      undefined,
      (onRuntime, onTrace, signal) =>
        runScenario(scenario, {
          seed: args.seed,
          workers: args.workers,
          traceFile: trace,
          observeAll: true,
          maxWallMs: Number.POSITIVE_INFINITY,
          signal,
          onRuntime,
          onTrace,
        }),
      `debugging ${path.basename(scenario)}; trace: ${trace}`,
    );
  }

  /** Re-run a recorded trace (a fork when `stopAt` is given). */
  private async startReplay(args: CaxtonLaunchArguments): Promise<string> {
    const cwd = args.cwd ?? process.cwd();
    const recorded = readRecordedRun(path.resolve(cwd, args.replay!), args.replay);
    const tick = args.stopAt ? tickOf(recorded.events, args.stopAt) : undefined;
    const trace = path.resolve(cwd, args.trace ?? forkTrace(recorded.file, 1));
    return this.startFork(recorded, tick, args.seed, trace, args.stopOnEntry);
  }

  private startFork(
    recorded: RecordedRun,
    tick: number | undefined,
    seed: number | undefined,
    trace: string,
    stopOnEntry?: boolean,
  ): Promise<string> {
    this.sources.index(recorded.scenario);
    const controller = new DebugController({ breakpoints: this.breakpoints, stopAtTick: tick, stopOnEntry });
    return this.begin(
      controller,
      trace,
      recorded.file,
      (onRuntime, onTrace, signal) =>
        replayRun(recorded, {
          controller,
          changesBefore: tick,
          forkAt: tick ?? 0,
          seed,
          traceFile: trace,
          maxWallMs: Number.POSITIVE_INFINITY,
          signal,
          onRuntime,
          onTrace,
        }),
      `re-running ${path.basename(recorded.file)}${tick === undefined ? '' : ` to step ${tick}`}${seed === undefined ? '' : ` with seed ${seed}`}; trace: ${trace}`,
    );
  }

  /** Start a run with `controller`; resolves once its agents are up, rejects when it cannot start. */
  private begin(
    controller: DebugController,
    trace: string,
    original: string | undefined,
    start: (onRuntime: (r: Runtime) => void, onTrace: (e: TraceEvent) => void, signal: AbortSignal) => Promise<ScenarioSummary>,
    started: string,
  ): Promise<string> {
    const abort = new AbortController();
    this.traceEvents = [];
    this.traceBuffer = [];
    this.sendCustom('caxton/trace', { events: [], reset: true, title: path.basename(trace) });
    controller.onStop((stop) => this.stopped(stop));
    controller.onOutput((text) => this.output(`${text}\n`, 'console'));
    this.flushTimer ??= setInterval(() => this.flushTrace(), TRACE_FLUSH_MS);
    return new Promise<string>((resolve, reject) => {
      let up = false;
      const run = start(
        (runtime) => {
          controller.attach(runtime);
          up = true;
          resolve(started);
        },
        (e) => this.traced(e),
        abort.signal,
      );
      const state: RunState = { controller, abort, trace, original, done: Promise.resolve() };
      state.done = run.then(
        (summary) => this.finished(state, summary),
        (e: unknown) => {
          if (!up) {
            reject(e);
            return;
          }
          this.output(`${launchError(e)}\n`, 'stderr');
          this.finished(state, undefined);
        },
      );
      this.run = state;
    });
  }

  private traced(e: TraceEvent): void {
    this.traceBuffer.push(e);
    this.traceEvents.push(e);
    const line = formatEvent(e, { color: false, verbose: false });
    if (line !== undefined) this.output(`${line}\n`, 'stdout');
  }

  private flushTrace(): void {
    if (!this.traceBuffer.length) return;
    const events = this.traceBuffer;
    this.traceBuffer = [];
    this.sendCustom('caxton/trace', { events });
  }

  private finished(state: RunState, summary: ScenarioSummary | undefined): void {
    this.flushTrace();
    if (summary) for (const line of formatSummary(summary, { color: false })) this.output(`${line}\n`, 'console');
    this.sendCustom('caxton/runEnded', {
      trace: state.trace,
      ok: summary?.ok ?? false,
      reason: summary?.reason ?? 'failed',
      ...(state.original ? { original: state.original } : {}),
    });
    // A fork in the making replaces this run: the session goes on with it.
    if (this.run === state && !this.forking) this.end(summary?.ok ? 0 : 1);
  }

  private end(code: number): void {
    if (this.ending) return;
    this.ending = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.sendEvent(new ExitedEvent(code));
    this.sendEvent(new TerminatedEvent());
  }

  private stopped(stop: Stop): void {
    this.tree = new VariableTree(this.run!.controller);
    this.flushTrace();
    const threadId = stop.agent ? this.threadId(stop.agent) : SCHEDULER_THREAD;
    const event = new StoppedEvent(stop.reason, threadId, stop.description) as DebugProtocol.StoppedEvent;
    event.body.description = stop.description;
    event.body.text = stop.description;
    event.body.allThreadsStopped = true;
    if (stop.hitBreakpointIds?.length) event.body.hitBreakpointIds = stop.hitBreakpointIds;
    this.sendEvent(event);
    const paused = this.run!.controller.paused!;
    const d = paused.deliveries.find((x) => x.receiver === stop.agent) ?? paused.deliveries[0];
    const watch = this.run!.controller.watch;
    const seq = stop.event?.seq ?? (d?.message.message_id ? watch.sentSeq.get(d.message.message_id) : undefined) ?? watch.lastSeq;
    this.sendCustom('caxton/paused', { seq, tick: paused.tick, text: stop.description });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const names = new Set(this.run?.controller.agentNames() ?? []);
    for (const d of this.run?.controller.paused?.deliveries ?? []) names.add(d.receiver);
    response.body = {
      threads: [new Thread(SCHEDULER_THREAD, 'scheduler'), ...[...names].sort().map((n) => new Thread(this.threadId(n), n))],
    };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const paused = this.run?.controller.paused;
    const frames: DebugProtocol.StackFrame[] = [];
    if (paused) {
      if (args.threadId === SCHEDULER_THREAD) {
        frames.push(new StackFrame(SCHEDULER_FRAME, `step ${paused.tick} at ${paused.time} ms (${paused.deliveries.length} pending)`));
      } else {
        const agent = this.threadName(args.threadId);
        paused.deliveries.forEach((d, i) => {
          if (d.receiver !== agent) return;
          const frame: DebugProtocol.StackFrame = new StackFrame(
            FRAME_BASE + i,
            `${d.message.performative} from ${d.message.sender}${d.message.conversation_id ? ` · ${d.message.conversation_id}` : ''}`,
          );
          const at = this.sources.find(d.message);
          if (at) {
            frame.source = new Source(path.basename(at.file), at.file);
            frame.line = this.convertDebuggerLineToClient(at.line);
            frame.column = this.convertDebuggerColumnToClient(1);
          }
          frames.push(frame);
        });
      }
    }
    const start = args.startFrame ?? 0;
    response.body = { stackFrames: frames.slice(start, args.levels ? start + args.levels : undefined), totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    response.body = { scopes: this.tree?.scopes(args.frameId) ?? [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.tree?.variables(args.variablesReference) ?? [] };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const target = this.tree?.editTarget(args.variablesReference, args.name);
    const d = target ? this.tree!.delivery(FRAME_BASE + target.d) : undefined;
    if (!target || !d) {
      this.refuse(response, `${args.name} cannot be changed: only fields of a pending message can (in Message or Mailboxes)`);
      return;
    }
    try {
      if (target.path.length === 1 && target.path[0] === 'deliver') {
        if (parseValue(args.value) !== false) throw new Error('set deliver to false to drop this message');
        this.run!.controller.drop(d);
        response.body = { value: 'false (dropped)' };
      } else {
        const value = parseValue(args.value);
        this.run!.controller.edit(d, [{ path: formatPath(target.path), value }]);
        response.body = { value: preview(value) };
      }
    } catch (e) {
      this.refuse(response, (e as Error).message);
      return;
    }
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['variables', 'stacks']));
  }

  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    const d = args.frameId === undefined ? undefined : this.tree?.delivery(args.frameId);
    if (!d) {
      this.refuse(response, 'select a pending message (a frame of an agent thread) to change its fields');
      return;
    }
    try {
      const keys = parsePath(args.expression.trim());
      const value = parseValue(args.value);
      this.run!.controller.edit(d, [{ path: formatPath(keys), value }]);
      response.body = { value: preview(value) };
    } catch (e) {
      this.refuse(response, (e as Error).message);
      return;
    }
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['variables', 'stacks']));
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const paused = this.run?.controller.paused;
    if (!paused) {
      this.refuse(response, 'the run is not stopped');
      return;
    }
    const d = args.frameId === undefined ? undefined : this.tree?.delivery(args.frameId);
    const context = d ? deliveryContext(d, paused.tick, paused.time) : { tick: paused.tick, time: paused.time };
    try {
      const value = parseCondition(args.expression).evaluate(context);
      response.body = { result: preview(value), variablesReference: 0 };
    } catch (e) {
      this.refuse(response, (e as Error).message);
      return;
    }
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const stop = this.run?.controller.paused?.stop;
    if (!stop || stop.reason !== 'exception' || !stop.event) {
      this.refuse(response, 'not stopped at an event');
      return;
    }
    response.body = {
      exceptionId: stop.event.type,
      description: stop.description,
      breakMode: 'always',
      details: { message: stop.description, typeName: stop.event.type },
    };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.run?.controller.continue();
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.run?.controller.next();
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.sendResponse(response);
    this.run?.controller.stepIn(args.threadId === SCHEDULER_THREAD ? undefined : this.threadName(args.threadId));
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.sendResponse(response);
    this.run?.controller.stepOut(args.threadId === SCHEDULER_THREAD ? undefined : this.threadName(args.threadId));
  }
  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    this.run?.controller.pause();
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.stopRun();
    this.sendResponse(response);
    this.end(0);
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.stopRun();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.sendResponse(response);
  }

  private async stopRun(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.abort.abort();
    run.controller.release();
    await run.done;
  }

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    try {
      if (command === 'caxton/fork') {
        response.body = await this.fork((args ?? {}) as CustomRequests['caxton/fork']['args']);
        this.sendResponse(response);
        return;
      }
      if (command === 'caxton/drop') {
        const { frameId } = (args ?? {}) as CustomRequests['caxton/drop']['args'];
        const d = this.tree?.delivery(frameId);
        if (!d) throw new Error(`frame ${frameId} is not a pending message`);
        this.run!.controller.drop(d);
        response.body = { dropped: `${d.message.message_id} to ${d.receiver}` } satisfies CustomRequests['caxton/drop']['body'];
        this.sendResponse(response);
        this.sendEvent(new InvalidatedEvent(['variables', 'stacks']));
        return;
      }
      super.customRequest(command, response, args);
    } catch (e) {
      this.refuse(response, (e as Error).message);
    }
  }

  /** Restart from here (see CustomRequests['caxton/fork']). */
  private async fork(args: CustomRequests['caxton/fork']['args']): Promise<CustomRequests['caxton/fork']['body']> {
    const run = this.run;
    if (!run) throw new Error('nothing is running to fork from');
    const events = this.traceEvents;
    const tick = args.tick ?? (args.seq !== undefined ? tickOf(events, { seq: args.seq }) : run.controller.paused?.tick);
    if (tick === undefined) throw new Error('say where to fork: stop the run first, or give a tick or an event seq');
    // The original branch runs to its end unchanged (the user's changes so far stay in it), and is kept.
    this.forking = true;
    try {
      run.controller.release();
      await run.done;
    } finally {
      this.forking = false;
    }
    const recorded = readRecordedRun(run.trace);
    const trace = forkTrace(run.trace, 1);
    this.sendCustom('caxton/forked', { original: run.trace, fork: trace, tick });
    await this.startFork(recorded, tick, args.seed, trace);
    return { original: run.trace, fork: trace, tick };
  }

  private threadId(name: string): number {
    let id = this.threadIds.get(name);
    if (id === undefined) {
      id = this.threadIds.size + 2;
      this.threadIds.set(name, id);
    }
    return id;
  }

  private threadName(id: number): string | undefined {
    for (const [name, n] of this.threadIds) if (n === id) return name;
    return undefined;
  }

  private sendCustom<K extends keyof CustomEvents>(name: K, body: CustomEvents[K]): void {
    this.sendEvent({ seq: 0, type: 'event', event: name, body } as DebugProtocol.Event);
  }

  private output(text: string, category: 'console' | 'stdout' | 'stderr'): void {
    this.sendEvent(new OutputEvent(text, category));
  }

  private refuse(response: DebugProtocol.Response, message: string): void {
    this.sendErrorResponse(response, { id: 1002, format: message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser: true });
  }
}

class LaunchError extends Error {}

/** A start failure as one readable message (a workspace problem as file:line:col). */
function launchError(e: unknown): string {
  if (e instanceof WorkspaceError) return e.problems.map(formatProblem).join('\n');
  if (e instanceof ReplayError || e instanceof LaunchError) return e.message;
  return (e as Error)?.message ?? String(e);
}
