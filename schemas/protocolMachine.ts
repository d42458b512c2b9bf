/**
 * The executable meaning of protocols.json, shared by the language server (static order checks on conversation
 * files) and the runtime (live checks). Pure: state in, state and violations out.
 */
import { PROTOCOLS, PROTOCOL_ALIASES, type Performative, type ProtocolDefinition } from './index';

/** What the checker needs of a message. */
export interface ProtocolStep {
  performative: Performative;
  sender: string;
  receivers: readonly string[];
}

export interface ProtocolState {
  readonly protocol: string;
  readonly initiator: string;
  /** participant -> state name */
  readonly pairs: ReadonlyMap<string, string>;
}

export interface ProtocolViolation {
  /** The receiver (initiator's message) or sender (participant's message) whose pair was out of sequence. */
  participant: string;
  state: string;
  /** A sentence a person can act on, e.g. "accept_proposal to worker-2, who was sent a cfp and never proposed; expected propose or refuse from worker-2". */
  message: string;
  /** The moves the protocol allowed instead. */
  expected: string[];
}

/** The protocol definition for a name or alias, or undefined. */
export function findProtocol(name: string | undefined): { name: string; def: ProtocolDefinition } | undefined {
  if (!name) return undefined;
  const canonical = PROTOCOL_ALIASES[name] ?? name;
  const def = PROTOCOLS[canonical];
  return def ? { name: canonical, def } : undefined;
}

/** Start tracking a protocol instance whose initiating message `initiator` sent. */
export function startProtocol(protocol: string, initiator: string): ProtocolState {
  return { protocol, initiator, pairs: new Map() };
}

/** Apply one message; returns the next state and any out-of-sequence moves (the state still advances where it can). */
export function stepProtocol(state: ProtocolState, step: ProtocolStep): { state: ProtocolState; violations: ProtocolViolation[] } {
  const found = findProtocol(state.protocol);
  if (!found) return { state, violations: [] };
  const { moves, violations } = movesOf(found.def, state, step);
  const pairs = new Map(state.pairs);
  for (const [p, to] of moves) pairs.set(p, to);
  return { state: { ...state, pairs }, violations };
}

/** The pair moves a message makes, and the out-of-sequence ones (pure; the caller decides what to apply). */
function movesOf(
  def: ProtocolDefinition,
  state: ProtocolState,
  step: ProtocolStep,
): { moves: Array<[string, string]>; violations: ProtocolViolation[] } {
  const moves: Array<[string, string]> = [];
  const violations: ProtocolViolation[] = [];
  const fromInitiator = step.sender === state.initiator;
  const participants = fromInitiator ? step.receivers.filter((r) => r !== state.initiator) : [step.sender];
  for (const p of participants) {
    const current = state.pairs.get(p) ?? def.initial;
    const by = fromInitiator ? 'initiator' : 'participant';
    const t = def.transitions.find((x) => x.from === current && x.by === by && x.performative === step.performative);
    if (t) {
      moves.push([p, t.to]);
      continue;
    }
    const expected = expectedMoves(def, current, state.initiator, p);
    const who = def.states[current] ?? `is in state '${current}'`;
    const act = fromInitiator ? `${step.performative} to ${p}` : `${step.performative} from ${p}`;
    const tail = expected.length ? `; expected ${orList(expected)}` : `; the conversation with ${p} is over`;
    violations.push({ participant: p, state: current, expected, message: `${act}, who ${who}${tail}` });
  }
  return { moves, violations };
}

/** The moves allowed from a pair's state, phrased for people ("propose from worker-2", "cfp to worker-2"). */
export function expectedMoves(def: ProtocolDefinition, state: string, _initiator: string, participant: string): string[] {
  const moves = new Set<string>();
  for (const t of def.transitions) {
    if (t.from !== state) continue;
    moves.add(t.by === 'initiator' ? `${t.performative} to ${participant}` : `${t.performative} from ${participant}`);
  }
  return [...moves];
}

/** Whether every pair has reached a final state. */
export function isProtocolComplete(state: ProtocolState): boolean {
  const found = findProtocol(state.protocol);
  if (!found) return true;
  return [...state.pairs.values()].every((s) => found.def.final.includes(s));
}

/** Whether `performative` opens an instance of the protocol (a move by the initiator from the initial state). */
export function isInitiating(def: ProtocolDefinition, performative: string): boolean {
  return def.transitions.some((t) => t.from === def.initial && t.by === 'initiator' && t.performative === performative);
}

/** The performatives that open an instance of a protocol, in definition order. */
export function initiatingPerformatives(def: ProtocolDefinition): Performative[] {
  return [...new Set(def.transitions.filter((t) => t.from === def.initial && t.by === 'initiator').map((t) => t.performative))];
}

/**
 * Performatives whose sender expects an answer, derived from protocols.json: those that open a protocol instance
 * and leave the next move to the other party (request, query_*, cfp, subscribe, propose, request_when, proxy, ...).
 */
export const EXPECTS_REPLY: ReadonlySet<Performative> = new Set(
  Object.values(PROTOCOLS).flatMap((def) =>
    def.transitions
      .filter(
        (t) => t.from === def.initial && t.by === 'initiator' && def.transitions.some((n) => n.from === t.to && n.by === 'participant'),
      )
      .map((t) => t.performative),
  ),
);

/** A message as the tracker sees it. */
export interface TrackedMessage {
  performative: Performative;
  sender: string;
  receivers: readonly string[];
  protocol?: string;
  conversation_id?: string;
  reply_with?: string;
  in_reply_to?: string;
}

/** What the tracker made of one message. */
export interface TrackResult {
  /** The protocol it was checked against (undefined: not checked, no known protocol). */
  protocol?: string;
  violations: ProtocolViolation[];
  /** Set when no instance of the protocol was open and this message does not open one. */
  stray?: string;
  /** The message's instance has every pair in a final state. */
  completed?: boolean;
}

interface Instance {
  state: ProtocolState;
  replyWiths: Set<string>;
}
interface ConversationTrack {
  protocol: string;
  instances: Instance[];
}

/**
 * Protocol order per instance, shared by the editor (conversation files) and the runtime (live traffic). A
 * conversation's protocol is the first known one a message names; an instance starts at an initiating message
 * (its sender is the initiator) and later messages join the instance their in_reply_to, sender or receivers point
 * at. A message before any instance is open is reported once as stray and changes nothing, so it cannot make the
 * valid exchange after it look out of sequence. Pure apart from its map (bounded, least recently active forgotten).
 */
export class ProtocolTracker {
  private readonly conversations = new Map<string, ConversationTrack>();

  constructor(private readonly capacity = 10_000) {}

  /** Check one message and advance its instance when it is in sequence (`commit` false: check only). */
  step(m: TrackedMessage, commit = true): TrackResult {
    const key = m.conversation_id ?? '';
    let track = this.conversations.get(key);
    const named = findProtocol(m.protocol);
    if (!track) {
      if (!named) return { violations: [] };
      track = { protocol: named.name, instances: [] };
    }
    const def = PROTOCOLS[track.protocol];
    let instance = this.instanceOf(track, m);
    if (!instance) {
      if (!isInitiating(def, m.performative)) {
        const opening = initiatingPerformatives(def);
        const stray = `${m.performative} from ${m.sender} comes before any ${orList(opening)} opened this ${track.protocol} conversation; start it with ${orList(opening)}, or move this message after it`;
        if (commit) this.remember(key, track);
        return { protocol: track.protocol, violations: [], stray };
      }
      instance = { state: { protocol: track.protocol, initiator: m.sender, pairs: new Map() }, replyWiths: new Set() };
      if (commit) track.instances.push(instance);
    }
    const { moves, violations } = movesOf(def, instance.state, { performative: m.performative, sender: m.sender, receivers: m.receivers });
    // The tracker owns its instances: an in-sequence message moves its pairs in place (no copy per message).
    const pairs = commit ? (instance.state.pairs as Map<string, string>) : new Map(instance.state.pairs);
    if (!violations.length) for (const [p, to] of moves) pairs.set(p, to);
    if (commit) {
      if (m.reply_with) instance.replyWiths.add(m.reply_with);
      this.remember(key, track);
    }
    // Completion is looked at only when this message took a pair to a final state (cheap for long conversations).
    const reachedFinal = !violations.length && moves.some(([, to]) => def.final.includes(to));
    return { protocol: track.protocol, violations, completed: reachedFinal && [...pairs.values()].every((st) => def.final.includes(st)) };
  }

  /** A tracker holding a deep copy of one conversation only (to try moves on without touching this one). */
  copyOf(conversationId: string): ProtocolTracker {
    const copy = new ProtocolTracker(this.capacity);
    const track = this.conversations.get(conversationId);
    if (track) {
      copy.conversations.set(conversationId, {
        protocol: track.protocol,
        instances: track.instances.map((i) => ({
          state: { ...i.state, pairs: new Map(i.state.pairs) },
          replyWiths: new Set(i.replyWiths),
        })),
      });
    }
    return copy;
  }

  /** The instance a message belongs to: by in_reply_to, then by its sender's role, then by its receivers. */
  private instanceOf(track: ConversationTrack, m: TrackedMessage): Instance | undefined {
    const latest = (f: (i: Instance) => boolean): Instance | undefined => {
      for (let k = track.instances.length - 1; k >= 0; k--) if (f(track.instances[k])) return track.instances[k];
      return undefined;
    };
    return (
      (m.in_reply_to ? latest((i) => i.replyWiths.has(m.in_reply_to!)) : undefined) ??
      latest((i) => i.state.initiator === m.sender) ??
      latest((i) => i.state.pairs.has(m.sender) && m.receivers.includes(i.state.initiator)) ??
      (isInitiating(PROTOCOLS[track.protocol], m.performative) ? undefined : latest((i) => m.receivers.includes(i.state.initiator)))
    );
  }

  private remember(key: string, track: ConversationTrack): void {
    // Re-inserting keeps the map in order of last activity, so the oldest entry is the one to forget.
    this.conversations.delete(key);
    this.conversations.set(key, track);
    if (this.conversations.size > this.capacity) this.conversations.delete(this.conversations.keys().next().value as string);
  }
}

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
