/**
 * The executable meaning of protocols.json, shared by the language server (static order checks on conversation
 * files) and the runtime (live checks). Pure: state in, state and violations out.
 */
import { PROTOCOLS, PROTOCOL_ALIASES, type Performative, type ProtocolDefinition } from './index';

/** What the checker needs of a message. */
export interface ProtocolStep { performative: Performative; sender: string; receivers: readonly string[] }

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

/** Start tracking a conversation: the first message's sender is the initiator. */
export function startProtocol(protocol: string, initiator: string): ProtocolState {
  return { protocol, initiator, pairs: new Map() };
}

/** Apply one message; returns the next state and any out-of-sequence moves (the state still advances where it can). */
export function stepProtocol(state: ProtocolState, step: ProtocolStep): { state: ProtocolState; violations: ProtocolViolation[] } {
  const found = findProtocol(state.protocol);
  if (!found) return { state, violations: [] };
  const { def } = found;
  const pairs = new Map(state.pairs);
  const violations: ProtocolViolation[] = [];
  const fromInitiator = step.sender === state.initiator;
  const participants = fromInitiator ? step.receivers.filter((r) => r !== state.initiator) : [step.sender];
  for (const p of participants) {
    const current = pairs.get(p) ?? def.initial;
    const by = fromInitiator ? 'initiator' : 'participant';
    const t = def.transitions.find((x) => x.from === current && x.by === by && x.performative === step.performative);
    if (t) {
      pairs.set(p, t.to);
      continue;
    }
    const expected = expectedMoves(def, current, state.initiator, p);
    const who = def.states[current] ?? `is in state '${current}'`;
    const act = fromInitiator ? `${step.performative} to ${p}` : `${step.performative} from ${p}`;
    const tail = expected.length ? `; expected ${orList(expected)}` : `; the conversation with ${p} is over`;
    violations.push({ participant: p, state: current, expected, message: `${act}, who ${who}${tail}` });
  }
  return { state: { ...state, pairs }, violations };
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

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
