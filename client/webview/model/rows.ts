/**
 * The sequence diagram's rows at a cursor: a row of the store made into a plain object for drawing (only the rows on
 * screen are ever made), its wording, and which rows are problems. Pure: unit-tested in Node.
 */
import type { TraceEvent } from '../../../schemas/trace';
import type { FipaMessage } from '../../../schemas/index';
import type { MarkerKind, TraceStore } from './traceStore';

/** Optional fields a runtime may add to any event (the view tolerates them; older traces lack them). */
export interface EventExtras {
  step?: number;
  node?: string;
}

/** An arrow in the sequence diagram. */
export interface MessageRow {
  kind: 'message';
  /** Row number in the store, event number and the event's seq / run-clock time / optional step. */
  row: number;
  event: number;
  seq: number;
  t: number;
  step?: number;
  id: string;
  from: string;
  to: string[];
  performative: string;
  conversationId?: string;
  protocol?: string;
  status: 'sent' | 'delivered' | 'dropped';
  dropReason?: string;
  /** A failure the diagram marks as a problem; refuse and not_understood are ordinary answers and only get `answer`. */
  alarm?: 'failure';
  answer?: 'refuse' | 'not_understood';
  /** The `id` of the earlier message this one answers (its in_reply_to matched that message's reply_with). */
  inReplyTo?: string;
  message: FipaMessage;
}

/** A mark on a lifeline (a timeout, a drop, a crash, a pattern step...) or across the diagram (a conversation's end). */
export interface MarkerRow {
  kind: 'marker';
  row: number;
  event: number;
  seq: number;
  t: number;
  step?: number;
  marker: MarkerKind;
  agent?: string;
  conversationId?: string;
  text: string;
  /** A problem mark (drawn in the error colour): violations, crashes, drops, failed saga steps, missing branches. */
  bad: boolean;
  data: TraceEvent;
}

export type DiagramRow = MessageRow | MarkerRow;

/** Problems the summary strip counts and the diagram can filter to (refuse / not_understood are not problems). */
export type ProblemKind = 'dropped' | 'timeout' | 'violation' | 'failure';
export const PROBLEM_KINDS: readonly ProblemKind[] = ['dropped', 'timeout', 'violation', 'failure'];

const step = (e: TraceEvent) => {
  const s = (e as EventExtras).step;
  return typeof s === 'number' ? s : undefined;
};

/** The sentence on a mark. */
export function markerText(e: TraceEvent): string {
  switch (e.type) {
    case 'agent_state':
      if (e.to === 'failed') return `${e.agent} failed${e.reason ? `: ${e.reason}` : ''}`;
      if (e.from === 'failed') return `${e.agent} restarted${e.reason ? ` (${e.reason})` : ''}`;
      return /refused/.test(e.reason ?? '') ? `${e.agent}: ${e.reason}` : `${e.agent} hot reloaded`;
    case 'message_dropped':
      return `dropped${e.to ? ` for ${e.to}` : ''}: ${e.reason}`;
    case 'timeout':
      return `${e.waiting} timed out${e.reply_with ? ` waiting for ${e.reply_with}` : ''}`;
    case 'protocol_violation':
      return `${e.protocol}: ${e.message.performative} from ${e.message.sender}, expected ${e.expected}`;
    case 'conversation_ended':
      return `conversation ${e.conversation_id} ended: ${e.outcome}`;
    case 'effect_refused':
      return `${e.agent}: ${e.effect} refused (${e.reason})`;
    case 'subscription':
      return `${e.agent} ${e.action === 'subscribe' ? 'subscribed to' : 'unsubscribed from'} ${e.topic}`;
    case 'blackboard_write':
      return `${e.author} wrote ${e.key} v${e.version}${e.accepted ? '' : ' (refused: stale version)'}`;
    case 'saga_step':
      return `saga ${e.saga}: ${e.action === 'compensate' ? 'compensate ' : ''}${e.step} ${e.ok ? '✓' : `✕ ${e.error ?? 'failed'}`}`;
    case 'scatter_gather_result':
      return `${e.stage}: ${e.policy}, ${e.answered.length} answered${e.missing.length ? `, missing ${e.missing.join(', ')}` : ''}`;
    case 'debug_change':
      return `debugger ${e.change === 'drop' ? 'dropped' : `set ${(e.fields ?? []).map((f) => `${f.path} = ${JSON.stringify(f.value)}`).join(', ')} of`} ${e.id} for ${e.to}`;
    default:
      return e.type;
  }
}

function isBad(e: TraceEvent): boolean {
  switch (e.type) {
    case 'agent_state':
      return e.to === 'failed';
    case 'message_dropped':
    case 'protocol_violation':
      return true;
    case 'saga_step':
      return !e.ok;
    case 'scatter_gather_result':
      return e.missing.length > 0;
    case 'blackboard_write':
      return !e.accepted;
    default:
      return false;
  }
}

/** Row `r` of the store as it stands after the first `cursor` events (its delivery status depends on the cursor). */
export function rowAt(store: TraceStore, r: number, cursor: number): DiagramRow {
  const n = store.rowEvent.get(r);
  const e = store.events[n];
  const c = store.rowConversation.get(r);
  const conversationId = c >= 0 ? store.conversations[c].id : undefined;
  if (e.type === 'message_sent') {
    const msg = e.message;
    const drop = store.rowDropped.get(r),
      delivered = store.rowDelivered.get(r);
    const dropped = drop >= 0 && drop < cursor;
    const reply = store.rowReplyTo.get(r);
    const request = reply >= 0 ? store.events[store.rowEvent.get(reply)] : undefined;
    return {
      kind: 'message',
      row: r,
      event: n,
      seq: e.seq,
      t: e.t,
      step: step(e),
      id: e.id,
      from: msg.sender,
      to: e.to.length > 0 ? e.to : Array.isArray(msg.receiver) ? msg.receiver : [msg.receiver],
      performative: msg.performative,
      conversationId,
      protocol: msg.protocol,
      status: dropped ? 'dropped' : delivered >= 0 && delivered < cursor ? 'delivered' : 'sent',
      dropReason: dropped ? (store.events[drop] as Extract<TraceEvent, { type: 'message_dropped' }>).reason : undefined,
      alarm: msg.performative === 'failure' ? 'failure' : undefined,
      answer: msg.performative === 'refuse' || msg.performative === 'not_understood' ? msg.performative : undefined,
      inReplyTo: request?.type === 'message_sent' ? request.id : undefined,
      message: msg,
    };
  }
  const a = store.rowAgent.get(r);
  return {
    kind: 'marker',
    row: r,
    event: n,
    seq: e.seq,
    t: e.t,
    step: step(e),
    marker: store.kindOf(r) as MarkerKind,
    agent: a >= 0 ? store.agents[a].name : undefined,
    conversationId,
    text: markerText(e),
    bad: isBad(e),
    data: e,
  };
}

/** True when row `r` belongs to a problem kind over the whole trace: a drop (the arrow or its mark), a timeout, a violation, a failure. */
export function isProblem(store: TraceStore, r: number, kind: ProblemKind): boolean {
  const k = store.kindOf(r);
  if (k === 'message') {
    if (kind === 'dropped') return store.rowDropped.get(r) >= 0;
    return (
      kind === 'failure' &&
      (store.events[store.rowEvent.get(r)] as Extract<TraceEvent, { type: 'message_sent' }>).message.performative === 'failure'
    );
  }
  if (kind === 'failure') return k === 'agent_failed' || k === 'effect_refused';
  return k === kind;
}

/** The text a search matches a row against: performative, parties, conversation, content (messages) or the mark's sentence. */
export function searchText(store: TraceStore, r: number): string {
  const e = store.events[store.rowEvent.get(r)];
  if (e.type !== 'message_sent') return markerText(e).toLowerCase();
  const m = e.message;
  let content = '';
  try {
    content = m.content === undefined ? '' : typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
  } catch {
    content = '';
  }
  return `${m.performative} ${m.sender} ${e.to.join(' ')} ${m.conversation_id ?? ''} ${m.protocol ?? ''} ${e.id} ${content}`.toLowerCase();
}
