/**
 * The shape every coordination protocol shares: a pure machine (state + event -> new state + effects as data)
 * that a thin driver (driver.ts) runs against a CoordinationContext. Nothing here does I/O or reads a clock.
 */
import type { FipaMessage, TraceEventInput } from '../../schemas';

/** The time an event happened, on the runtime clock (ms since start) and as wall time (for reply_by). */
export interface Instant {
  now: number;
  wall: number;
}

/** What drives a protocol machine. */
export type ProtocolEvent =
  { type: 'start'; at: Instant } | { type: 'message'; message: FipaMessage; at: Instant } | { type: 'timer'; timer: string; at: Instant };

/** How a pattern ended: `ok` false when it ended without an agreement/winner/result. */
export interface PatternOutcome {
  kind: string;
  ok: boolean;
  reason: string;
  conversation_id: string;
  winner?: string;
  price?: number;
  terms?: unknown;
  result?: unknown;
  rounds?: number;
  [extra: string]: unknown;
}

/** Something the machine wants done; the driver performs effects in order. */
export type ProtocolEffect =
  | { kind: 'send'; message: FipaMessage }
  | { kind: 'set_timer'; timer: string; delayMs: number }
  | { kind: 'cancel_timer'; timer: string }
  | { kind: 'trace'; event: TraceEventInput }
  | { kind: 'done'; outcome: PatternOutcome };

/** One step's result. */
export interface Step<S> {
  state: S;
  effects: ProtocolEffect[];
}

/** A pure protocol machine. `step` must not mutate `state`. */
export interface ProtocolMachine<S> {
  /** The coordinator's agent name (messages to it are fed to the machine). */
  readonly name: string;
  readonly conversationId: string;
  initial(): S;
  step(state: S, event: ProtocolEvent): Step<S>;
}

/** Feed a sequence of events to a machine, collecting every effect (handy for tests and replays). */
export function runEvents<S>(machine: ProtocolMachine<S>, events: ProtocolEvent[], from = machine.initial()): Step<S> {
  let state = from;
  const effects: ProtocolEffect[] = [];
  for (const e of events) {
    const r = machine.step(state, e);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

/** An ISO timestamp `delayMs` after `at` (for reply_by). */
export function replyBy(at: Instant, delayMs: number): string {
  return new Date(at.wall + delayMs).toISOString();
}

/** A reply to `m` from `sender`, correlated by conversation_id and in_reply_to. */
export function replyTo(
  m: FipaMessage,
  sender: string,
  performative: FipaMessage['performative'],
  content: unknown,
  protocol = m.protocol,
): FipaMessage {
  const out: FipaMessage = { performative, sender, receiver: m.sender, content };
  if (protocol) out.protocol = protocol;
  if (m.conversation_id) out.conversation_id = m.conversation_id;
  if (m.reply_with) out.in_reply_to = m.reply_with;
  return out;
}

/**
 * Effects for a message that breaks the protocol: a protocol_violation trace event and a reply saying why
 * (`not_understood` by default, `failure` or `reject_proposal` where the protocol has a better word). Never silent.
 */
export function violation(
  coordinator: string,
  protocol: string,
  m: FipaMessage,
  expected: string,
  reason: string,
  reply: 'not_understood' | 'failure' | 'reject_proposal' = 'not_understood',
): ProtocolEffect[] {
  const effects: ProtocolEffect[] = [
    { kind: 'trace', event: { type: 'protocol_violation', conversation_id: m.conversation_id, protocol, message: m, expected } },
  ];
  // Never answer a not_understood/failure with another one: two coordinators could ping-pong forever.
  if (m.performative !== 'not_understood' && m.performative !== 'failure' && m.sender !== coordinator) {
    effects.push({ kind: 'send', message: replyTo(m, coordinator, reply, { reason, expected }, protocol) });
  }
  return effects;
}

/** A number from a message content: the content itself, or one of `fields` of an object content. */
export function numberIn(content: unknown, fields: readonly string[]): number | undefined {
  if (typeof content === 'number' && Number.isFinite(content)) return content;
  if (content && typeof content === 'object') {
    for (const f of fields) {
      const v = (content as Record<string, unknown>)[f];
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    }
  }
  return undefined;
}

/**
 * A runtime notice about a participant: a failure / not_understood signed by someone outside the pattern (the
 * runtime) that answers one of our messages to `agent` (our reply_with ids end with `/<agent>`, or the notice names
 * the receiver). `error` is the notice's error code, e.g. `agent_failed` (the participant trapped) or `timeout`.
 */
export function systemNotice(m: FipaMessage, participants: readonly string[]): { agent: string; error: string } | undefined {
  if (participants.includes(m.sender) || (m.performative !== 'failure' && m.performative !== 'not_understood')) return undefined;
  const c = (m.content && typeof m.content === 'object' ? m.content : {}) as Record<string, unknown>;
  const named = typeof c.receiver === 'string' && participants.includes(c.receiver) ? c.receiver : undefined;
  const fromToken = m.in_reply_to?.split('/').at(-1);
  const agent = named ?? (fromToken && participants.includes(fromToken) ? fromToken : undefined);
  if (!agent) return undefined;
  return { agent, error: typeof c.error === 'string' ? c.error : m.performative };
}
