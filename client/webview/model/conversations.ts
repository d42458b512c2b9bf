/**
 * Conversations at a cursor: messages, timeouts, violations, the outcome (a pattern's result when there is one, so a
 * won English auction reads "won by ..." rather than the runtime's "refused"), and the protocol state of each pair
 * computed by the same machine the runtime and the language server use (schemas/protocolMachine.ts).
 */
import { findProtocol, startProtocol, stepProtocol, type ProtocolState } from '../../../schemas/protocolMachine';
import type { Performative } from '../../../schemas/index';
import { lowerBound } from './columns';
import type { TraceStore } from './traceStore';

export interface ConversationView {
  id: string;
  protocol?: string;
  messages: number;
  firstSeq: number;
  outcome?: string;
  timeouts: number;
  violations: number;
}

/** One participant's place in its conversation's protocol. */
export interface PairState {
  participant: string;
  state: string;
  description?: string;
  final: boolean;
}
export interface ProtocolView {
  protocol?: string;
  title?: string;
  initiator?: string;
  pairs: PairState[];
  complete: boolean;
  known: boolean;
}

/** How many conversations had begun before the cursor (they are numbered in order of first sight). */
export function conversationsAt(store: TraceStore, cursor: number): number {
  return lowerBound(store.conversations.length, (i) => store.conversations[i].firstEvent, cursor);
}

/** Conversation `c` after the first `cursor` events; `outcomes` are the patterns' results by conversation id. */
export function conversationAt(store: TraceStore, c: number, cursor: number, outcomes?: ReadonlyMap<string, string>): ConversationView {
  const info = store.conversations[c];
  let messages = 0,
    timeouts = 0,
    violations = 0;
  let outcome: string | undefined;
  for (const r of info.rows) {
    const n = store.rowEvent.get(r);
    if (n >= cursor) break;
    const e = store.events[n];
    if (e.type === 'message_sent') messages++;
    else if (e.type === 'timeout') timeouts++;
    else if (e.type === 'protocol_violation') violations++;
    else if (e.type === 'conversation_ended') outcome = e.outcome;
  }
  return {
    id: info.id,
    protocol: info.protocol,
    messages,
    firstSeq: store.events[info.firstEvent].seq,
    outcome: outcomes?.get(info.id) ?? outcome,
    timeouts,
    violations,
  };
}

/** The protocol state of each (initiator, participant) pair of conversation `c` after the first `cursor` events. */
export function protocolAt(store: TraceStore, c: number, cursor: number): ProtocolView {
  const info = store.conversations[c];
  const found = findProtocol(info.protocol);
  let state: ProtocolState | undefined;
  for (const r of info.rows) {
    const n = store.rowEvent.get(r);
    if (n >= cursor) break;
    const e = store.events[n];
    if (e.type !== 'message_sent' || !found) continue;
    state ??= startProtocol(found.name, e.message.sender);
    state = stepProtocol(state, { performative: e.message.performative as Performative, sender: e.message.sender, receivers: e.to }).state;
  }
  if (!found) return { protocol: info.protocol, pairs: [], complete: false, known: false };
  const pairs = [...(state?.pairs ?? new Map<string, string>())].map(([participant, s]) => ({
    participant,
    state: s,
    description: found.def.states[s],
    final: found.def.final.includes(s),
  }));
  return {
    protocol: found.name,
    title: found.def.title,
    initiator: state?.initiator,
    pairs,
    complete: pairs.length > 0 && pairs.every((p) => p.final),
    known: true,
  };
}

/** Outcomes the patterns decide, by conversation id: auctions won or not, contract nets awarded, bargains agreed. */
export function patternOutcomes(
  auctions: ReadonlyArray<{ id: string; ended: boolean; winner?: string; price?: number; reason?: string }>,
  nets: ReadonlyArray<{ id: string; awarded: boolean; winner?: string }>,
  bargains: Iterable<{ id: string; ended: boolean; agreed?: boolean }>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of auctions)
    if (a.ended)
      out.set(
        a.id,
        a.winner ? `won by ${a.winner}${a.price !== undefined ? ` at ${a.price}` : ''}` : `no winner${a.reason ? ` (${a.reason})` : ''}`,
      );
  for (const n of nets) if (n.awarded) out.set(n.id, n.winner ? `awarded to ${n.winner}` : 'not awarded');
  for (const b of bargains) if (b.ended) out.set(b.id, b.agreed ? 'agreed' : 'no agreement');
  return out;
}
