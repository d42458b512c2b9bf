/**
 * The debugger's engine, independent of DAP: it hooks a stepped Runtime (`onBoundary`, with `observeAll` so every
 * delivery passes the boundary) and its trace, decides at each step boundary whether to stop (pause, step, step into
 * a conversation, breakpoints, events, a replay's target tick), and while stopped the step waits. Changes to pending
 * deliveries (edit, drop) are applied to the boundary and recorded in the trace as `debug_change`, so a replay makes
 * them again at the same tick. runtime/debug/adapter speaks DAP over it.
 */
import type { TraceEvent } from '../../schemas';
import type { Runtime } from '../runtime';
import { Phase } from '../shard/activity';
import type { BoundaryView } from '../shard/transport';
import { Breakpoints, EVENT_FILTERS } from './breakpoints';
import { applyChange, deliveriesOf, deliveryContext, type DebugChange, type Delivery } from './deliveries';
import { RunWatch } from './runWatch';

/** The trace group of a debugger's changes: they sort first in their step (phase timers, '~debug' < '~host'). */
export const DEBUG_GROUP = '~debug';

export type StopReason = 'entry' | 'pause' | 'step' | 'breakpoint' | 'exception' | 'goto';

/** Why the run stopped: DAP's reason, the agent whose delivery it is about (a thread), and a sentence. */
export interface Stop {
  reason: StopReason;
  agent?: string;
  hitBreakpointIds?: number[];
  description: string;
  event?: TraceEvent;
}

/** A stopped boundary: the step about to run and its deliveries (edits show here at once). */
export interface Paused {
  tick: number;
  time: number;
  stop: Stop;
  deliveries: Delivery[];
}

type Mode =
  { kind: 'run' } | { kind: 'step' } | { kind: 'into'; conversation: string } | { kind: 'out'; conversation: string; ended: boolean };

export interface ControllerOptions {
  breakpoints?: Breakpoints;
  /** Stop at the first boundary (stopOnEntry). */
  stopOnEntry?: boolean;
  /** Changes recorded in a trace being replayed: made again at their tick. */
  replay?: readonly (DebugChange & { tick?: number })[];
  /** Stop at the first boundary at or after this tick (a fork's point). */
  stopAtTick?: number;
}

/** Drives one debugged run; see the file comment. */
export class DebugController {
  readonly breakpoints: Breakpoints;
  readonly watch = new RunWatch();
  private mode: Mode = { kind: 'run' };
  private pauseAsked: boolean;
  private stopAtTick: number | undefined;
  private exception: Stop | undefined;
  private state: { view: BoundaryView; paused: Paused; resume: () => void } | undefined;
  private readonly replayAt = new Map<number, DebugChange[]>();
  private readonly stopListeners = new Set<(stop: Stop) => void>();
  private readonly outputListeners = new Set<(text: string) => void>();
  private released = false;
  private runtime: Runtime | undefined;
  /** Changes of the replayed trace that found no delivery (the replay diverged before them). */
  readonly missedChanges: DebugChange[] = [];

  constructor(options: ControllerOptions = {}) {
    this.breakpoints = options.breakpoints ?? new Breakpoints();
    this.pauseAsked = options.stopOnEntry === true;
    this.stopAtTick = options.stopAtTick;
    this.replayChanges(options.replay ?? []);
  }

  /** Changes recorded in a trace being replayed: each is made again at its tick (before any stop there). */
  replayChanges(changes: readonly (DebugChange & { tick?: number })[]): void {
    this.replayAt.clear();
    for (const c of changes) {
      const { tick, ...change } = c;
      const list = this.replayAt.get(tick ?? 0);
      if (list) list.push(change);
      else this.replayAt.set(tick ?? 0, [change]);
    }
  }

  /** Hook a stepped runtime (created with observeAll); returns the function that unhooks it. */
  attach(runtime: Runtime): () => void {
    if (!runtime.stepped) throw new RangeError('the debugger needs a stepped run on the simulated clock');
    this.runtime = runtime;
    const offBoundary = runtime.onBoundary((view) => this.boundary(view));
    const offTrace = runtime.onTrace((e) => this.event(e));
    return () => {
      offBoundary();
      offTrace();
    };
  }

  /** Listen to stops (the adapter sends DAP `stopped`). */
  onStop(listener: (stop: Stop) => void): () => void {
    this.stopListeners.add(listener);
    return () => {
      this.stopListeners.delete(listener);
    };
  }
  /** Listen to logpoint output and notes. */
  onOutput(listener: (text: string) => void): () => void {
    this.outputListeners.add(listener);
    return () => {
      this.outputListeners.delete(listener);
    };
  }

  /** Every agent of the run (all shards), sorted. */
  agentNames(): string[] {
    return this.runtime?.agentNames() ?? [];
  }

  /** The next timer of any shard (clock ms) and the replies outside parties still await. */
  timers(): { next?: number; replies: number } {
    return { next: this.runtime?.nextDeadline(), replies: this.runtime?.pendingReplies() ?? 0 };
  }

  /** The stopped boundary, or undefined while running. */
  get paused(): Paused | undefined {
    return this.state?.paused;
  }

  /** Run on until a breakpoint, an event or the end. */
  continue(): void {
    this.resume({ kind: 'run' });
  }
  /** Run one superstep: stop at the next boundary. */
  next(): void {
    this.resume({ kind: 'step' });
  }
  /** Stop at the next delivery in the conversation of `agent`'s next delivery (else like next). */
  stepIn(agent?: string): void {
    const conversation = this.conversationOf(agent);
    this.resume(conversation ? { kind: 'into', conversation } : { kind: 'step' });
  }
  /** Run until the conversation of `agent`'s next delivery ends (else like next). */
  stepOut(agent?: string): void {
    const conversation = this.conversationOf(agent);
    this.resume(conversation ? { kind: 'out', conversation, ended: false } : { kind: 'step' });
  }
  /** Stop at the next boundary. */
  pause(): void {
    if (!this.state) this.pauseAsked = true;
  }
  /** Stop at the first boundary at or after `tick` (run on from where it is). */
  runToTick(tick: number): void {
    this.stopAtTick = tick;
    this.continue();
  }

  /** Stop stopping: no breakpoint or step applies any more and a stopped run goes on (the client went away). */
  release(): void {
    this.released = true;
    this.resume({ kind: 'run' });
  }

  /** Change fields of a pending delivery (paths such as content.x); recorded in the trace. Throws on a bad path. */
  edit(delivery: Delivery, fields: Array<{ path: string; value: unknown }>): void {
    this.change({ type: 'debug_change', change: 'edit', id: this.idOf(delivery), to: delivery.receiver, fields });
  }

  /** Drop a pending delivery; recorded in the trace. */
  drop(delivery: Delivery): void {
    this.change({ type: 'debug_change', change: 'drop', id: this.idOf(delivery), to: delivery.receiver });
  }

  private idOf(d: Delivery): string {
    if (!d.message.message_id) throw new Error('this delivery has no message_id and cannot be changed');
    return d.message.message_id;
  }

  private change(change: DebugChange): void {
    const s = this.state;
    if (!s) throw new Error('the run is not stopped; pause it first');
    // Check the change on a copy first, so a bad path changes nothing.
    const trial: BoundaryView = { ...s.view, pending: s.view.pending.slice() };
    if (!applyChange(trial, change)) throw new Error(`no pending delivery of ${change.id} to ${change.to}`);
    s.view.pending.splice(0, s.view.pending.length, ...trial.pending);
    this.record(change);
    s.paused.deliveries = deliveriesOf(s.view);
  }

  private record(change: DebugChange): void {
    const runtime = this.runtime!;
    runtime.activity.run(Phase.timers, DEBUG_GROUP, () => runtime.trace.emit(change));
  }

  private conversationOf(agent: string | undefined): string | undefined {
    const d = this.state?.paused.deliveries.find((x) => agent === undefined || x.receiver === agent);
    return d?.message.conversation_id;
  }

  private resume(mode: Mode): void {
    this.mode = this.released ? { kind: 'run' } : mode;
    if (this.released) {
      this.pauseAsked = false;
      this.stopAtTick = undefined;
      this.exception = undefined;
    }
    const s = this.state;
    this.state = undefined;
    s?.resume();
  }

  private event(e: TraceEvent): void {
    this.watch.add(e);
    if (this.released) return;
    if (this.mode.kind === 'out' && e.type === 'conversation_ended' && e.conversation_id === this.mode.conversation) this.mode.ended = true;
    const found = this.breakpoints.matchEvent(e);
    if (!found) return;
    for (const line of found.hit.logs) this.output(line);
    if (found.hit.ids.length && !this.exception) {
      const label = EVENT_FILTERS.find((f) => f.filter === found.filter)?.label ?? found.filter;
      this.exception = {
        reason: 'exception',
        agent: agentOf(e),
        hitBreakpointIds: found.hit.ids,
        description: `${label}: ${describeEvent(e)} (event ${e.seq})`,
        event: e,
      };
    }
  }

  private async boundary(view: BoundaryView): Promise<void> {
    for (const change of this.replayAt.get(view.tick) ?? []) {
      if (applyChange(view, change)) this.record(change);
      else {
        this.missedChanges.push(change);
        this.output(
          `replay: the recorded ${change.change} of ${change.id} for ${change.to} at tick ${view.tick} found no such delivery (the run diverged before it)`,
        );
      }
    }
    if (this.released) return;
    const deliveries = deliveriesOf(view);
    const stop = this.decide(view, deliveries);
    if (!stop) return;
    await new Promise<void>((resume) => {
      this.state = { view, resume, paused: { tick: view.tick, time: view.time, stop, deliveries } };
      for (const l of this.stopListeners) l(stop);
    });
  }

  private decide(view: BoundaryView, deliveries: Delivery[]): Stop | undefined {
    const first = deliveries[0]?.receiver;
    const where = `step ${view.tick} at ${view.time} ms, ${deliveries.length} pending ${deliveries.length === 1 ? 'delivery' : 'deliveries'}`;
    if (this.stopAtTick !== undefined && view.tick >= this.stopAtTick) {
      this.stopAtTick = undefined;
      this.pauseAsked = false;
      return { reason: 'goto', agent: first, description: `reached ${where}` };
    }
    if (this.pauseAsked) {
      this.pauseAsked = false;
      return { reason: view.tick <= 1 ? 'entry' : 'pause', agent: first, description: `paused at ${where}` };
    }
    if (this.exception) {
      const s = this.exception;
      this.exception = undefined;
      return s;
    }
    const mode = this.mode;
    if (mode.kind === 'step') return { reason: 'step', agent: first, description: where };
    if (mode.kind === 'out' && mode.ended)
      return { reason: 'step', agent: first, description: `conversation ${mode.conversation} ended; ${where}` };
    if (mode.kind === 'into') {
      const d = deliveries.find((x) => x.message.conversation_id === mode.conversation);
      if (d)
        return {
          reason: 'step',
          agent: d.receiver,
          description: `next in conversation ${mode.conversation}: ${d.message.performative} from ${d.message.sender} to ${d.receiver}`,
        };
    }
    if (this.breakpoints.empty) return undefined;
    for (const d of deliveries) {
      const hit = this.breakpoints.matchDelivery(d.message, deliveryContext(d, view.tick, view.time));
      for (const line of hit.logs) this.output(line);
      if (hit.ids.length) {
        return {
          reason: 'breakpoint',
          agent: d.receiver,
          hitBreakpointIds: hit.ids,
          description: `${d.message.performative} from ${d.message.sender} to ${d.receiver} (step ${view.tick})`,
        };
      }
    }
    return undefined;
  }

  private output(text: string): void {
    for (const l of this.outputListeners) l(text);
  }
}

/** The agent an event is about, when it names one. */
function agentOf(e: TraceEvent): string | undefined {
  switch (e.type) {
    case 'agent_state':
      return e.agent;
    case 'timeout':
      return e.waiting;
    case 'protocol_violation':
      return e.message.sender;
    case 'message_dropped':
      return e.to;
    default:
      return undefined;
  }
}

/** One line about an event, for a stop's description. */
export function describeEvent(e: TraceEvent): string {
  switch (e.type) {
    case 'breaker_state':
      return `breaker ${e.route} ${e.from} -> ${e.to} after ${e.failures} failures`;
    case 'timeout':
      return `${e.waiting} waited${e.conversation_id ? ` in ${e.conversation_id}` : ''} past ${e.deadline} ms${e.reason ? `: ${e.reason}` : ''}`;
    case 'protocol_violation':
      return `${e.message.performative} from ${e.message.sender} in ${e.protocol}: ${e.reason ?? `expected ${e.expected}`}`;
    case 'agent_state':
      return `${e.agent} ${e.from} -> ${e.to}${e.reason ? ` (${e.reason})` : ''}`;
    case 'message_dropped':
      return `${e.id ?? 'a message'}${e.to ? ` to ${e.to}` : ''} dropped: ${e.reason}`;
    default:
      return e.type;
  }
}
