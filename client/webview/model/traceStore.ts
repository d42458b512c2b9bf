/**
 * Every event of a trace and the indexes the views read, built once as events arrive (append-only, in batches):
 * the diagram's rows as typed columns, per agent and per conversation lists, and per kind lists of event numbers.
 * The time cursor is just a number: a view asks "what holds before event n" and gets it by binary search, so seeking
 * never re-reads the trace. No DOM: unit-tested in Node.
 */
import type { TraceEvent } from '../../../schemas/trace';
import type { FipaMessage } from '../../../schemas/index';
import { FloatColumn, IntColumn } from './columns';
import { wellFormed } from './wellFormed';

/** Marks on lifelines, in row-kind order (row kind 0 is a message). */
export const MARKERS = [
  'timeout',
  'violation',
  'dropped',
  'agent_failed',
  'agent_restarted',
  'agent_reloaded',
  'conversation_ended',
  'effect_refused',
  'subscription',
  'blackboard_write',
  'saga_step',
  'scatter_gather',
  'debug_change',
] as const;
export type MarkerKind = (typeof MARKERS)[number];
const MARKER_CODE = new Map<MarkerKind, number>(MARKERS.map((m, i) => [m, i + 1]));

/** What the store knows of one agent (or outside party), over the whole trace so far. */
export interface AgentIndex {
  name: string;
  /** Event number of its first sighting: its lifeline exists from there on. */
  firstEvent: number;
  /** Event number from which the trace proves it is an agent of the run (run_started, state, usage, log); -1: an outside party. */
  ownSince: number;
  /** The node or shard it runs on, when agent events carry the optional `node` field. */
  node?: string;
  /** Event numbers: messages sent, deliveries to it, lifecycle changes, usage reports, logs. */
  out: IntColumn;
  in: IntColumn;
  states: IntColumn;
  usage: IntColumn;
  logs: IntColumn;
  /** Running totals at each usage report: fuel summed, memory peak. */
  fuelTotal: FloatColumn;
  memoryPeak: FloatColumn;
}

/** One conversation: its rows in order and its protocol (from its first message that names one). */
export interface ConversationIndex {
  id: string;
  protocol?: string;
  firstEvent: number;
  rows: number[];
}

/** The views that reduce their own kinds of events: each keeps a list of the event numbers it reads. */
export type ViewFeed = 'auctions' | 'routes' | 'patterns';
const FEED: Partial<Record<TraceEvent['type'], ViewFeed>> = {
  auction_round: 'auctions',
  auction_result: 'auctions',
  contract_net_proposals: 'auctions',
  contract_net_award: 'auctions',
  breaker_state: 'routes',
  retry: 'routes',
  bulkhead_rejected: 'routes',
  pipeline_stage: 'routes',
  pipeline_result: 'routes',
  saga_step: 'patterns',
  scatter_gather_result: 'patterns',
  subscription: 'patterns',
  blackboard_write: 'patterns',
  bargaining_round: 'patterns',
  bargaining_result: 'patterns',
};

/** Kinds counted for the summary strip, each a list of event numbers. */
export type CountKind = 'messages' | 'delivered' | 'dropped' | 'timeouts' | 'violations' | 'failures' | 'unknown' | 'malformed';

export class TraceStore {
  readonly events: TraceEvent[] = [];
  /** Rows of the sequence diagram: the event each row draws, its kind (0 message, else 1 + MARKERS index), ... */
  readonly rowEvent = new IntColumn(1024);
  readonly rowKind = new IntColumn(1024);
  /** ... its conversation (index into `conversations`, -1 none), the agent it sits on (sender / marked agent, -1 none) ... */
  readonly rowConversation = new IntColumn(1024);
  readonly rowAgent = new IntColumn(1024);
  /** ... for messages: first delivery's and the drop's event numbers (-1: none) and the row of the request it answers (-1). */
  readonly rowDelivered = new IntColumn(1024);
  readonly rowDropped = new IntColumn(1024);
  readonly rowReplyTo = new IntColumn(1024);
  /** The largest run-clock time among the first n+1 events (the run's duration at any cursor). */
  readonly tMax = new FloatColumn(1024);
  readonly agents: AgentIndex[] = [];
  readonly agentByName = new Map<string, number>();
  readonly conversations: ConversationIndex[] = [];
  readonly conversationById = new Map<string, number>();
  /** Performatives seen, in order of first sight (the filter's choices). */
  readonly performatives: string[] = [];
  readonly feeds: Record<ViewFeed, IntColumn> = { auctions: new IntColumn(), routes: new IntColumn(), patterns: new IntColumn() };
  readonly counts: Record<CountKind, IntColumn> = {
    messages: new IntColumn(),
    delivered: new IntColumn(),
    dropped: new IntColumn(),
    timeouts: new IntColumn(),
    violations: new IntColumn(),
    failures: new IntColumn(),
    unknown: new IntColumn(),
    malformed: new IntColumn(),
  };
  /** Event numbers of run_started / run_ended (the last of each). */
  runStarted = -1;
  runEnded = -1;
  private readonly rowOfMessage = new Map<string, number>();
  private readonly rowOfReplyWith = new Map<string, number>();

  get length(): number {
    return this.events.length;
  }
  get rows(): number {
    return this.rowEvent.length;
  }

  /** Add a batch of events (a trace read from disk is untrusted: malformed events are counted and skipped, never thrown on). */
  append(batch: readonly TraceEvent[]): void {
    for (const e of batch) {
      const n = this.events.length;
      this.events.push(e);
      const t = typeof e?.t === 'number' && Number.isFinite(e.t) ? e.t : -Infinity;
      this.tMax.push(n === 0 ? (t === -Infinity ? 0 : t) : Math.max(this.tMax.last(), t));
      if (!wellFormed(e)) {
        this.counts.malformed.push(n);
        continue;
      }
      try {
        this.apply(e, n);
      } catch {
        this.counts.malformed.push(n);
      }
    }
  }

  /** The agent called `name`, created on first sight at event `n`; `own` marks it an agent of the run from `n`. */
  agent(name: string, n: number, own = false): AgentIndex {
    let i = this.agentByName.get(name);
    if (i === undefined) {
      i = this.agents.length;
      this.agentByName.set(name, i);
      this.agents.push({
        name,
        firstEvent: n,
        ownSince: -1,
        out: new IntColumn(16),
        in: new IntColumn(16),
        states: new IntColumn(8),
        usage: new IntColumn(16),
        logs: new IntColumn(8),
        fuelTotal: new FloatColumn(16),
        memoryPeak: new FloatColumn(16),
      });
    }
    const a = this.agents[i];
    if (own && a.ownSince < 0) a.ownSince = n;
    return a;
  }

  /** The conversation index of `id` (created on first sight). */
  conversation(id: string, n: number): number {
    let i = this.conversationById.get(id);
    if (i === undefined) {
      i = this.conversations.length;
      this.conversationById.set(id, i);
      this.conversations.push({ id, firstEvent: n, rows: [] });
    }
    return i;
  }

  /** The row drawing the message with this id (-1 when unknown). */
  rowOf(messageId: string): number {
    return this.rowOfMessage.get(messageId) ?? -1;
  }

  private row(n: number, kind: number, conversationId: string | undefined, agent: string | undefined): number {
    const r = this.rowEvent.push(n);
    this.rowKind.push(kind);
    const c = conversationId === undefined ? -1 : this.conversation(conversationId, n);
    this.rowConversation.push(c);
    if (c >= 0) this.conversations[c].rows.push(r);
    this.rowAgent.push(agent === undefined ? -1 : (this.agentByName.get(agent) ?? -1));
    this.rowDelivered.push(-1);
    this.rowDropped.push(-1);
    this.rowReplyTo.push(-1);
    return r;
  }

  private marker(n: number, kind: MarkerKind, conversationId: string | undefined, agent: string | undefined): number {
    if (agent !== undefined) this.agent(agent, n);
    return this.row(n, MARKER_CODE.get(kind)!, conversationId, agent);
  }

  private apply(e: TraceEvent, n: number): void {
    const feed = FEED[e.type];
    if (feed) this.feeds[feed].push(n);
    switch (e.type) {
      case 'run_started':
        this.runStarted = n;
        for (const a of e.agents) this.agent(a, n, true);
        return;
      case 'run_ended':
        this.runEnded = n;
        return;
      case 'agent_state': {
        const a = this.agent(e.agent, n, true);
        a.states.push(n);
        if (typeof (e as { node?: unknown }).node === 'string') a.node = (e as { node?: string }).node;
        if (e.to === 'failed') {
          this.counts.failures.push(n);
          this.marker(n, 'agent_failed', undefined, e.agent);
        } else if (e.from === 'failed' && e.to !== 'stopped') this.marker(n, 'agent_restarted', undefined, e.agent);
        else if (e.from === 'draining' && e.to === 'loaded') this.marker(n, 'agent_reloaded', undefined, e.agent);
        return;
      }
      case 'agent_usage': {
        const a = this.agent(e.agent, n, true);
        a.usage.push(n);
        a.fuelTotal.push(a.fuelTotal.last() + e.fuel);
        a.memoryPeak.push(Math.max(a.memoryPeak.last(), e.memory_bytes));
        if (typeof (e as { node?: unknown }).node === 'string') a.node = (e as { node?: string }).node;
        return;
      }
      case 'agent_log':
        this.agent(e.agent, n, true).logs.push(n);
        return;
      case 'message_sent':
        return this.sent(e, n);
      case 'message_delivered': {
        this.counts.delivered.push(n);
        this.agent(e.to, n).in.push(n);
        const r = this.rowOf(e.id);
        if (r >= 0 && this.rowDelivered.get(r) < 0) this.rowDelivered.set(r, n);
        return;
      }
      case 'message_dropped': {
        this.counts.dropped.push(n);
        const r = e.id === undefined ? -1 : this.rowOf(e.id);
        if (r >= 0 && this.rowDropped.get(r) < 0) this.rowDropped.set(r, n);
        const sent = r >= 0 ? (this.events[this.rowEvent.get(r)] as Extract<TraceEvent, { type: 'message_sent' }>).message : undefined;
        const convo = e.message?.conversation_id ?? sent?.conversation_id;
        this.marker(n, 'dropped', convo, e.to ?? e.message?.sender ?? sent?.sender);
        return;
      }
      case 'timeout':
        this.counts.timeouts.push(n);
        this.marker(n, 'timeout', e.conversation_id, e.waiting);
        return;
      case 'protocol_violation':
        this.counts.violations.push(n);
        this.marker(n, 'violation', e.conversation_id, e.message.sender);
        return;
      case 'conversation_ended':
        this.marker(n, 'conversation_ended', e.conversation_id, undefined);
        return;
      case 'effect_refused':
        this.counts.failures.push(n);
        this.marker(n, 'effect_refused', undefined, e.agent);
        return;
      case 'subscription':
        this.marker(n, 'subscription', undefined, e.agent);
        return;
      case 'blackboard_write':
        this.marker(n, 'blackboard_write', undefined, e.author);
        return;
      case 'saga_step':
        this.marker(n, 'saga_step', undefined, this.pipelineParty(e.saga));
        return;
      case 'scatter_gather_result':
        this.marker(n, 'scatter_gather', undefined, this.pipelineParty(e.pipeline));
        return;
      case 'debug_change':
        this.marker(n, 'debug_change', undefined, e.to);
        return;
      default:
        if (!feed) this.counts.unknown.push(n);
    }
  }

  private sent(e: Extract<TraceEvent, { type: 'message_sent' }>, n: number): void {
    const msg: FipaMessage = e.message;
    const to = e.to.length > 0 ? e.to : Array.isArray(msg.receiver) ? msg.receiver : [msg.receiver];
    this.agent(msg.sender, n).out.push(n);
    for (const r of to) this.agent(r, n);
    this.counts.messages.push(n);
    if (msg.performative === 'failure') this.counts.failures.push(n);
    if (!this.performatives.includes(msg.performative)) this.performatives.push(msg.performative);
    const row = this.row(n, 0, msg.conversation_id, msg.sender);
    this.rowOfMessage.set(e.id, row);
    if (msg.conversation_id !== undefined && msg.protocol !== undefined) {
      const c = this.conversations[this.rowConversation.get(row)];
      c.protocol ??= msg.protocol;
    }
    // A reply is matched in its own conversation first, then by the token alone (replies that lost the conversation id).
    if (msg.in_reply_to !== undefined) {
      const request =
        this.rowOfReplyWith.get(replyKey(msg.conversation_id, msg.in_reply_to)) ??
        this.rowOfReplyWith.get(replyKey(undefined, msg.in_reply_to));
      if (request !== undefined) this.rowReplyTo.set(row, request);
    }
    if (msg.reply_with !== undefined) {
      this.rowOfReplyWith.set(replyKey(msg.conversation_id, msg.reply_with), row);
      if (msg.conversation_id !== undefined) this.rowOfReplyWith.set(replyKey(undefined, msg.reply_with), row);
    }
  }

  /** The lifeline of a pipeline's messages (the runtime sends them as `pipeline-<name>`), when it has one. */
  private pipelineParty(name: string): string | undefined {
    return this.agentByName.has(`pipeline-${name}`) ? `pipeline-${name}` : undefined;
  }

  /** The row kind's name: 'message' or a marker kind. */
  kindOf(row: number): 'message' | MarkerKind {
    const k = this.rowKind.get(row);
    return k === 0 ? 'message' : MARKERS[k - 1];
  }

  /** How many events of a kind happened before the cursor. */
  countAt(kind: CountKind, cursor: number): number {
    return this.counts[kind].countBelow(cursor);
  }

  /** How many diagram rows are before the cursor (rows are in event order). */
  rowsAt(cursor: number): number {
    return this.rowEvent.countBelow(cursor);
  }

  /** The run-clock time span [start, end] of the first `cursor` events. */
  timeSpan(cursor: number): { start: number; end: number } {
    const start = this.length ? this.tMax.get(0) : 0;
    return { start, end: cursor > 0 ? this.tMax.get(Math.min(cursor, this.length) - 1) : start };
  }
}

function replyKey(conversationId: string | undefined, token: string): string {
  return `${conversationId ?? ''}\u0000${token}`;
}
