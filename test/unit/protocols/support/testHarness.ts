/**
 * TEST HARNESS for the protocol drivers, on a SimulatedClock, with two back-ends:
 * - `real` (default): the real Runtime (runtime/runtime.ts: router, conversations, live protocol checks);
 * - `loop`: a minimal CoordinationContext over a tiny in-process message loop (no protocol checks, no dedupe), so
 *   the coordinators' own violation handling is exercised end to end. Like the real router, it answers a failed
 *   endpoint ({ ok: false }) with a `failure` signed by `caxton` naming the receiver.
 */
import type { FipaMessage, TraceEvent, TraceEventInput } from '../../../../schemas';
import { SimulatedClock } from '../../../../runtime/core/clock';
import { seededRandom } from '../../../../runtime/core/random';
import {
  RequestTimeoutError,
  silentLogger,
  type AgentEndpoint,
  type AgentResult,
  type BlackboardService,
  type CoordinationContext,
} from '../../../../runtime/core/types';
import { Runtime } from '../../../../runtime/runtime';

export type HarnessKind = 'real' | 'loop';

export interface Delivery {
  to: string;
  message: FipaMessage;
  t: number;
}

/** The harness context plus what tests look at: the clock, the trace and every delivery. */
export interface HarnessContext extends CoordinationContext {
  clock: SimulatedClock;
  events: TraceEvent[];
  deliveries: Delivery[];
  /** Let the message loop drain without moving time. */
  flush(): Promise<void>;
}

const USAGE = { fuel: 0, memoryBytes: 0, durationMs: 0 };

/** Build a harness context of the given kind; `blackboard` receives agents' blackboard effects when given. */
export function createHarness(kind: HarnessKind = 'real', options: { blackboard?: BlackboardService } = {}): HarnessContext {
  return kind === 'real' ? realRuntime(options) : messageLoop(options);
}

/** The real Runtime on a simulated clock, recording its trace. */
function realRuntime(options: { blackboard?: BlackboardService }): HarnessContext {
  const clock = new SimulatedClock();
  const events: TraceEvent[] = [];
  const deliveries: Delivery[] = [];
  const rt = new Runtime({ clock, seed: 7, blackboard: options.blackboard, trace: [(e) => events.push(e)] });
  rt.start();
  const byId = new Map<string, FipaMessage>();
  rt.onTrace((e) => {
    if (e.type === 'message_sent') byId.set(e.id, e.message);
    if (e.type === 'message_delivered' && byId.has(e.id)) deliveries.push({ to: e.to, message: byId.get(e.id)!, t: e.t });
  });
  return {
    clock,
    events,
    deliveries,
    trace: rt.trace,
    random: rt.random,
    logger: rt.logger,
    bus: rt,
    addAgent: (ep) => rt.addAgent(ep, { grants: ['blackboard_read', 'blackboard_write', 'subscribe'] }),
    removeAgent: (n) => rt.removeAgent(n),
    agentNames: () => rt.agentNames(),
    flush: () => clock.advance(0),
  };
}

/** The tiny message loop (see the file comment). */
function messageLoop(options: { blackboard?: BlackboardService }): HarnessContext {
  const clock = new SimulatedClock();
  const agents = new Map<string, AgentEndpoint>();
  const events: TraceEvent[] = [];
  const deliveries: Delivery[] = [];
  const queue: Delivery[] = [];
  const waiters = new Map<string, (m: FipaMessage) => void>();
  let pumping = false;
  let nextId = 1;

  const trace = {
    emit(e: TraceEventInput): void {
      events.push({ ...e, seq: events.length, t: clock.now() } as TraceEvent);
    },
  };

  const send = (m: FipaMessage): void => {
    const message = { ...m, message_id: m.message_id ?? `h-${nextId++}` };
    const to = Array.isArray(message.receiver)
      ? message.receiver
      : message.receiver === 'broadcast'
        ? [...agents.keys()].filter((n) => n !== message.sender)
        : [message.receiver];
    trace.emit({ type: 'message_sent', id: message.message_id, message, to });
    for (const r of to) queue.push({ to: r, message, t: clock.now() });
    void pump();
  };

  const perform = (from: string, result: AgentResult, m: FipaMessage): void => {
    if (!result.ok) {
      trace.emit({ type: 'agent_log', agent: from, level: 'error', text: `${result.error.kind}: ${result.error.message}` });
      if (m.sender !== 'caxton') {
        send({
          performative: 'failure',
          sender: 'caxton',
          receiver: m.sender,
          conversation_id: m.conversation_id,
          in_reply_to: m.reply_with,
          content: { error: 'agent_failed', reason: result.error.message, receiver: from },
        });
      }
      return;
    }
    for (const e of result.effects) {
      if (e.kind === 'send') send(e.message);
      else if (e.kind === 'blackboard_write' && options.blackboard) {
        const r = options.blackboard.write(e.key, e.value, from, e.expected_version);
        if (!r.ok) send({ performative: 'failure', sender: 'caxton', receiver: from, content: r });
      } else if (e.kind === 'blackboard_read' && options.blackboard) {
        const entry = options.blackboard.read(e.key, from);
        send({
          performative: 'inform',
          sender: 'caxton',
          receiver: from,
          content: entry
            ? { key: e.key, found: true, value: entry.value, version: entry.version, author: entry.author }
            : { key: e.key, found: false },
        });
      }
    }
  };

  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const w = d.message.in_reply_to ? waiters.get(d.message.in_reply_to) : undefined;
        if (w) {
          waiters.delete(d.message.in_reply_to!);
          w(d.message);
        }
        const ep = agents.get(d.to);
        if (!ep) {
          if (!w) trace.emit({ type: 'message_dropped', id: d.message.message_id, to: d.to, reason: 'no such agent', message: d.message });
          continue;
        }
        deliveries.push({ ...d, t: clock.now() });
        trace.emit({ type: 'message_delivered', id: d.message.message_id!, to: d.to });
        perform(d.to, await ep.handle(d.message), d.message);
      }
    } finally {
      pumping = false;
    }
  };

  return {
    clock,
    events,
    deliveries,
    trace,
    random: seededRandom(7),
    logger: silentLogger,
    bus: {
      send,
      request(m: FipaMessage, o?: { timeoutMs?: number }): Promise<FipaMessage> {
        const rw = m.reply_with ?? `req-${nextId++}`;
        const timeoutMs = o?.timeoutMs ?? 30_000;
        return new Promise((resolve, reject) => {
          const h = clock.setTimer(timeoutMs, () => {
            waiters.delete(rw);
            reject(new RequestTimeoutError(String(m.receiver), timeoutMs, m.conversation_id));
          });
          waiters.set(rw, (reply) => {
            clock.clearTimer(h);
            resolve(reply);
          });
          send({ ...m, reply_with: rw });
        });
      },
    },
    addAgent(ep: AgentEndpoint): void {
      agents.set(ep.name, ep);
    },
    removeAgent(name: string): void {
      const ep = agents.get(name);
      agents.delete(name);
      void ep?.dispose();
    },
    agentNames: () => [...agents.keys()],
    flush: () => clock.advance(0),
  };
}

/** What a scripted participant may do in reply to a message. */
export interface ScriptApi {
  /** Reply now (a message correlated to `m`). */
  reply(performative: FipaMessage['performative'], content?: unknown, extra?: Partial<FipaMessage>): void;
  /** Reply after `ms` of simulated time (for late answers). */
  replyAfter(ms: number, performative: FipaMessage['performative'], content?: unknown): void;
  send(message: FipaMessage): void;
}

/** An in-process participant whose behaviour is a function; returning 'trap' makes it fail like a trapped wasm agent. */
export function scripted(ctx: HarnessContext, name: string, behaviour: (m: FipaMessage, api: ScriptApi) => void | 'trap'): FipaMessage[] {
  const inbox: FipaMessage[] = [];
  ctx.addAgent({
    name,
    async handle(m: FipaMessage): Promise<AgentResult> {
      inbox.push(m);
      const make = (performative: FipaMessage['performative'], content?: unknown, extra: Partial<FipaMessage> = {}): FipaMessage => ({
        performative,
        sender: name,
        receiver: m.sender,
        protocol: m.protocol,
        conversation_id: m.conversation_id,
        in_reply_to: m.reply_with,
        reply_with: `${name}-${inbox.length}`,
        content,
        ...extra,
      });
      const api: ScriptApi = {
        reply: (p, c, extra) => ctx.bus.send(make(p, c, extra)),
        replyAfter: (ms, p, c) => {
          const msg = make(p, c);
          ctx.clock.setTimer(ms, () => ctx.bus.send(msg));
        },
        send: (msg) => ctx.bus.send(msg),
      };
      if (behaviour(m, api) === 'trap') {
        return { ok: false, error: { kind: 'trap', message: 'unreachable executed' }, usage: USAGE };
      }
      return { ok: true, effects: [], usage: USAGE };
    },
    async dispose(): Promise<void> {},
  });
  return inbox;
}

/** Trace events of one type, typed. */
export function eventsOf<T extends TraceEvent['type']>(ctx: HarnessContext, type: T): Array<Extract<TraceEvent, { type: T }>> {
  return ctx.events.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
}
