/**
 * The inspector's view state, computed from trace events by a pure reducer: `reduceTrace(model, events)` returns a
 * new model and never changes the old one, so the view can keep snapshots for the time slider and append live
 * events incrementally. No DOM here: this file is unit-tested in Node.
 */
import type { AgentState, BreakerState, TraceEvent } from '../../schemas/trace';
import type { FipaMessage } from '../../schemas/index';

/** An arrow in the sequence diagram. */
export interface MessageRow {
  kind: 'message';
  seq: number; t: number; id: string;
  from: string; to: string[];
  performative: string; conversationId?: string; protocol?: string;
  status: 'sent' | 'delivered' | 'dropped';
  delivered: string[]; dropReason?: string;
  /** Failure-like performatives the diagram marks. */
  alarm?: 'failure' | 'refuse' | 'not_understood';
  /** The `id` of the earlier message this one answers (its in_reply_to matched that message's reply_with). */
  inReplyTo?: string;
  message: FipaMessage;
}

/** A mark on a lifeline: a timeout, a protocol violation, a drop, a crash, a restart or hot reload, the end of a conversation. */
export interface MarkerRow {
  kind: 'marker';
  seq: number; t: number;
  marker: 'timeout' | 'violation' | 'dropped' | 'agent_failed' | 'agent_restarted' | 'agent_reloaded' | 'conversation_ended' | 'effect_refused';
  agent?: string; conversationId?: string; text: string;
  event: TraceEvent;
}

export type DiagramRow = MessageRow | MarkerRow;

/** One lifecycle change of an agent, with the runtime's reason (e.g. `reload`, `restart 2 of 20`). */
export interface AgentTransition { seq: number; t: number; from: AgentState; to: AgentState; reason?: string }

export interface AgentView {
  name: string; state: AgentState | 'unknown'; since: number; reason?: string;
  /** An outside party (a sender or receiver that is not an agent of the run: `user`, a pipeline, a coordinator). */
  external: boolean;
  messagesIn: number; messagesOut: number;
  fuel: number; fuelTotal: number; memoryBytes: number; memoryPeak: number;
  /** The agent's limits, when the trace reports them (agent_usage fuel_limit / memory_limit_bytes). */
  fuelLimit?: number; memoryLimit?: number;
  restarts: number; reloads: number; failures: number; logs: number; lastLog?: string;
  /** The most recent lifecycle changes (at most TRANSITIONS_KEPT), oldest first. */
  transitions: readonly AgentTransition[];
}

/** How many lifecycle changes an agent keeps for the view (older ones are only counted). */
export const TRANSITIONS_KEPT = 8;

export interface ConversationView { id: string; protocol?: string; messages: number; firstSeq: number; outcome?: string; timeouts: number; violations: number }

export interface AuctionRoundView { seq: number; t: number; round: number; price: number; bids: Array<{ bidder: string; amount: number }>; leader?: string }
export interface AuctionView { id: string; kind: string; rounds: AuctionRoundView[]; bidders: string[]; winner?: string; price?: number; reason?: string; ended: boolean }

export interface ContractNetView { id: string; proposals: Array<{ agent: string; content: unknown; late?: boolean }>; winner?: string; policy?: string; reason?: string; awarded: boolean }

export interface BreakerTransition { seq: number; t: number; from: BreakerState; to: BreakerState; failures: number }
export interface RouteView {
  route: string; state: BreakerState; failures: number;
  transitions: BreakerTransition[];
  retries: Array<{ seq: number; t: number; attempt: number; delay_ms: number; error: string }>;
  rejections: Array<{ seq: number; t: number; active: number; queued: number }>;
}

export interface PipelineView { name: string; stages: Array<{ stage: string; status: string; error?: string }>; ok?: boolean; failedStage?: string }

export interface TraceModel {
  /** Events applied so far (the time cursor). */
  count: number;
  tStart: number; tEnd: number;
  runName?: string; runEnded?: { reason: string; delivered: number; dropped: number; timeouts: number };
  /** Lifelines, in order of first appearance. */
  agentOrder: readonly string[];
  agents: ReadonlyMap<string, AgentView>;
  rows: readonly DiagramRow[];
  conversations: ReadonlyMap<string, ConversationView>;
  auctions: ReadonlyMap<string, AuctionView>;
  contractNets: ReadonlyMap<string, ContractNetView>;
  routes: ReadonlyMap<string, RouteView>;
  pipelines: ReadonlyMap<string, PipelineView>;
  /** `malformed`: events of a known type whose fields are missing or mistyped (skipped, never thrown on). */
  totals: { messages: number; delivered: number; dropped: number; timeouts: number; violations: number; unknown: number; malformed: number };
}

/** The model of an empty trace. */
export function emptyModel(): TraceModel {
  return {
    count: 0, tStart: 0, tEnd: 0, agentOrder: [], agents: new Map(), rows: [], conversations: new Map(),
    auctions: new Map(), contractNets: new Map(), routes: new Map(), pipelines: new Map(),
    totals: { messages: 0, delivered: 0, dropped: 0, timeouts: 0, violations: 0, unknown: 0, malformed: 0 },
  };
}

/** Mutable copies of a model's collections, made once per batch (copy-on-write keeps old snapshots intact). */
interface Draft {
  m: TraceModel;
  agentOrder: string[]; agents: Map<string, AgentView>; rows: DiagramRow[]; messageRow: Map<string, number>;
  /** reply_with (keyed by conversation) -> the id of the message that asked for the reply. */
  replyWith: Map<string, string>;
  conversations: Map<string, ConversationView>; auctions: Map<string, AuctionView>; contractNets: Map<string, ContractNetView>;
  routes: Map<string, RouteView>; pipelines: Map<string, PipelineView>; totals: TraceModel['totals'];
}

// The message-id and reply_with indexes are derived data: kept beside each model, not in it, so the model stays plain.
const rowIndexOf = new WeakMap<TraceModel, Map<string, number>>();
const replyWithOf = new WeakMap<TraceModel, Map<string, string>>();

function replyKey(conversationId: string | undefined, token: string): string {
  return `${conversationId ?? ''}\u0000${token}`;
}

/** Apply a batch of events; returns a new model (the input is untouched). */
export function reduceTrace(model: TraceModel, events: readonly TraceEvent[]): TraceModel {
  if (events.length === 0) return model;
  const d: Draft = {
    m: model, agentOrder: [...model.agentOrder], agents: new Map(model.agents), rows: [...model.rows],
    messageRow: new Map(rowIndexOf.get(model) ?? indexRows(model.rows)), replyWith: new Map(replyWithOf.get(model) ?? indexReplyWith(model.rows)), conversations: new Map(model.conversations),
    auctions: new Map(model.auctions), contractNets: new Map(model.contractNets), routes: new Map(model.routes),
    pipelines: new Map(model.pipelines), totals: { ...model.totals },
  };
  let { tStart, tEnd, runName, runEnded } = model;
  if (model.count === 0) tStart = events[0].t;
  for (const e of events) {
    if (typeof e.t === 'number' && Number.isFinite(e.t)) tEnd = Math.max(tEnd, e.t);
    // A trace read from disk is untrusted: an event with missing or mistyped fields is skipped and counted, so one bad
    // line never blanks the panel (found by test/fuzz/traceReader.fuzz.test.ts).
    try {
      if (e.type === 'run_started') { runName = e.name; for (const a of e.agents) agent(d, a, e.t, true); }
      else if (e.type === 'run_ended') runEnded = { reason: e.reason, delivered: e.delivered, dropped: e.dropped, timeouts: e.timeouts };
      else apply(d, e);
    } catch {
      d.totals.malformed++;
    }
  }
  const next: TraceModel = {
    count: model.count + events.length, tStart, tEnd, runName, runEnded, agentOrder: d.agentOrder, agents: d.agents,
    rows: d.rows, conversations: d.conversations, auctions: d.auctions, contractNets: d.contractNets, routes: d.routes,
    pipelines: d.pipelines, totals: d.totals,
  };
  rowIndexOf.set(next, d.messageRow);
  replyWithOf.set(next, d.replyWith);
  return next;
}

/** The model after the given events (replay from the start). */
export function buildModel(events: readonly TraceEvent[]): TraceModel {
  return reduceTrace(emptyModel(), events);
}

function indexRows(rows: readonly DiagramRow[]): Map<string, number> {
  const index = new Map<string, number>();
  rows.forEach((r, i) => { if (r.kind === 'message') index.set(r.id, i); });
  return index;
}

/**
 * The agent called `name`, created on first sight. `own` says the event proves it is an agent of the run (named by
 * run_started, or reporting state, usage or logs); a name first seen only on messages is an outside party until then.
 */
function indexReplyWith(rows: readonly DiagramRow[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const r of rows) if (r.kind === 'message' && r.message.reply_with !== undefined) rememberReplyWith(index, r.conversationId, r.message.reply_with, r.id);
  return index;
}

function rememberReplyWith(index: Map<string, string>, conversationId: string | undefined, token: string, id: string): void {
  index.set(replyKey(conversationId, token), id);
  if (conversationId !== undefined) index.set(replyKey(undefined, token), id);
}

function agent(d: Draft, name: string, t: number, own = false): AgentView {
  let a = d.agents.get(name);
  if (!a) {
    a = {
      name, state: 'unknown', since: t, external: !own, messagesIn: 0, messagesOut: 0, fuel: 0, fuelTotal: 0, memoryBytes: 0, memoryPeak: 0,
      restarts: 0, reloads: 0, failures: 0, logs: 0, transitions: [],
    };
    d.agents.set(name, a);
    d.agentOrder.push(name);
  } else if (own && a.external) {
    a = { ...a, external: false };
    d.agents.set(name, a);
  }
  return a;
}

function updateAgent(d: Draft, name: string, t: number, change: (a: AgentView) => Partial<AgentView>, own = false): void {
  const a = agent(d, name, t, own);
  d.agents.set(name, { ...a, ...change(a) });
}

function conversation(d: Draft, id: string, seq: number, change: (c: ConversationView) => Partial<ConversationView>): void {
  const c = d.conversations.get(id) ?? { id, messages: 0, firstSeq: seq, timeouts: 0, violations: 0 };
  d.conversations.set(id, { ...c, ...change(c) });
}

function route(d: Draft, name: string, change: (r: RouteView) => Partial<RouteView>): void {
  const r = d.routes.get(name) ?? { route: name, state: 'closed' as BreakerState, failures: 0, transitions: [], retries: [], rejections: [] };
  d.routes.set(name, { ...r, ...change(r) });
}

/**
 * A hot reload that took: running -> draining -> loaded -> running, counted once on draining -> loaded (the runtime's
 * reason is `reloaded` or the caller's, e.g. `hot reload`). A refused one (`... refused; previous module restored`)
 * loads the old module again and is not counted.
 */
export function isReload(e: { from: AgentState; to: AgentState; reason?: string }): boolean {
  return e.from === 'draining' && e.to === 'loaded' && !/refused/.test(e.reason ?? '');
}

const ALARMS = new Set(['failure', 'refuse', 'not_understood']);

function apply(d: Draft, e: TraceEvent): void {
  switch (e.type) {
    case 'agent_state':
      updateAgent(d, e.agent, e.t, (a) => ({
        state: e.to, since: e.t, reason: e.reason,
        failures: a.failures + (e.to === 'failed' ? 1 : 0),
        restarts: a.restarts + (e.from === 'failed' && e.to !== 'stopped' ? 1 : 0),
        reloads: a.reloads + (isReload(e) ? 1 : 0),
        transitions: [...a.transitions.slice(-(TRANSITIONS_KEPT - 1)), { seq: e.seq, t: e.t, from: e.from, to: e.to, reason: e.reason }],
      }), true);
      if (e.to === 'failed') d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'agent_failed', agent: e.agent, text: `${e.agent} failed${e.reason ? `: ${e.reason}` : ''}`, event: e });
      // Restarts and hot reloads go on the lifeline too: messages before and after them were handled by different instances.
      else if (e.from === 'failed' && e.to !== 'stopped') d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'agent_restarted', agent: e.agent, text: `${e.agent} restarted${e.reason ? ` (${e.reason})` : ''}`, event: e });
      else if (e.from === 'draining' && e.to === 'loaded') d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'agent_reloaded', agent: e.agent, text: isReload(e) ? `${e.agent} hot reloaded` : `${e.agent}: ${e.reason ?? 'reloaded'}`, event: e });
      return;
    case 'agent_usage':
      updateAgent(d, e.agent, e.t, (a) => ({
        fuel: e.fuel, fuelTotal: a.fuelTotal + e.fuel, memoryBytes: e.memory_bytes, memoryPeak: Math.max(a.memoryPeak, e.memory_bytes),
        fuelLimit: e.fuel_limit ?? a.fuelLimit, memoryLimit: e.memory_limit_bytes ?? a.memoryLimit,
      }), true);
      return;
    case 'agent_log':
      updateAgent(d, e.agent, e.t, (a) => ({ logs: a.logs + 1, lastLog: `${e.level}: ${e.text}` }), true);
      return;
    case 'message_sent': {
      const msg = e.message;
      const to = e.to.length > 0 ? e.to : (Array.isArray(msg.receiver) ? msg.receiver : [msg.receiver]);
      updateAgent(d, msg.sender, e.t, (a) => ({ messagesOut: a.messagesOut + 1 }));
      for (const r of to) agent(d, r, e.t);
      d.messageRow.set(e.id, d.rows.length);
      // A reply is matched in its own conversation first, then by the token alone (replies that lost the conversation id).
      const request = msg.in_reply_to === undefined ? undefined
        : d.replyWith.get(replyKey(msg.conversation_id, msg.in_reply_to)) ?? d.replyWith.get(replyKey(undefined, msg.in_reply_to));
      if (msg.reply_with !== undefined) rememberReplyWith(d.replyWith, msg.conversation_id, msg.reply_with, e.id);
      d.rows.push({
        kind: 'message', seq: e.seq, t: e.t, id: e.id, from: msg.sender, to, performative: msg.performative,
        conversationId: msg.conversation_id, protocol: msg.protocol, status: 'sent', delivered: [],
        alarm: ALARMS.has(msg.performative) ? msg.performative as MessageRow['alarm'] : undefined, inReplyTo: request, message: msg,
      });
      d.totals.messages++;
      if (msg.conversation_id) conversation(d, msg.conversation_id, e.seq, (c) => ({ messages: c.messages + 1, protocol: c.protocol ?? msg.protocol }));
      return;
    }
    case 'message_delivered': {
      d.totals.delivered++;
      updateAgent(d, e.to, e.t, (a) => ({ messagesIn: a.messagesIn + 1 }));
      const i = d.messageRow.get(e.id);
      const row = i === undefined ? undefined : d.rows[i];
      if (i !== undefined && row?.kind === 'message') d.rows[i] = { ...row, status: row.status === 'dropped' ? 'dropped' : 'delivered', delivered: [...row.delivered, e.to] };
      return;
    }
    case 'message_dropped': {
      d.totals.dropped++;
      const i = e.id === undefined ? undefined : d.messageRow.get(e.id);
      const row = i === undefined ? undefined : d.rows[i];
      if (i !== undefined && row?.kind === 'message') d.rows[i] = { ...row, status: 'dropped', dropReason: e.reason };
      const sender = e.message?.sender ?? (row?.kind === 'message' ? row.from : undefined);
      const convo = e.message?.conversation_id ?? (row?.kind === 'message' ? row.conversationId : undefined);
      d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'dropped', agent: e.to ?? sender, conversationId: convo, text: `dropped${e.to ? ` for ${e.to}` : ''}: ${e.reason}`, event: e });
      return;
    }
    case 'timeout':
      d.totals.timeouts++;
      agent(d, e.waiting, e.t);
      if (e.conversation_id) conversation(d, e.conversation_id, e.seq, (c) => ({ timeouts: c.timeouts + 1 }));
      d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'timeout', agent: e.waiting, conversationId: e.conversation_id, text: `${e.waiting} timed out${e.reply_with ? ` waiting for ${e.reply_with}` : ''}`, event: e });
      return;
    case 'protocol_violation':
      d.totals.violations++;
      if (e.conversation_id) conversation(d, e.conversation_id, e.seq, (c) => ({ violations: c.violations + 1 }));
      d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'violation', agent: e.message.sender, conversationId: e.conversation_id, text: `${e.protocol}: ${e.message.performative} from ${e.message.sender}, expected ${e.expected}`, event: e });
      return;
    case 'conversation_ended':
      conversation(d, e.conversation_id, e.seq, () => ({ outcome: e.outcome }));
      d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'conversation_ended', conversationId: e.conversation_id, text: `conversation ${e.conversation_id} ended: ${e.outcome}`, event: e });
      return;
    case 'auction_round': {
      const a = d.auctions.get(e.auction_id) ?? { id: e.auction_id, kind: e.kind, rounds: [], bidders: [], ended: false };
      const bidders = [...a.bidders];
      for (const b of e.bids) if (!bidders.includes(b.bidder)) bidders.push(b.bidder);
      d.auctions.set(e.auction_id, { ...a, bidders, rounds: [...a.rounds, { seq: e.seq, t: e.t, round: e.round, price: e.price, bids: e.bids, leader: e.leader }] });
      return;
    }
    case 'auction_result': {
      const a = d.auctions.get(e.auction_id) ?? { id: e.auction_id, kind: e.kind, rounds: [], bidders: [], ended: false };
      d.auctions.set(e.auction_id, { ...a, winner: e.winner, price: e.price, reason: e.reason, ended: true });
      return;
    }
    case 'contract_net_proposals': {
      const c = d.contractNets.get(e.conversation_id) ?? { id: e.conversation_id, proposals: [], awarded: false };
      d.contractNets.set(e.conversation_id, { ...c, proposals: [...c.proposals, ...e.proposals] });
      return;
    }
    case 'contract_net_award': {
      const c = d.contractNets.get(e.conversation_id) ?? { id: e.conversation_id, proposals: [], awarded: false };
      d.contractNets.set(e.conversation_id, { ...c, winner: e.winner, policy: e.policy, reason: e.reason, awarded: true });
      return;
    }
    case 'breaker_state':
      route(d, e.route, (r) => ({ state: e.to, failures: e.failures, transitions: [...r.transitions, { seq: e.seq, t: e.t, from: e.from, to: e.to, failures: e.failures }] }));
      return;
    case 'retry':
      route(d, e.route, (r) => ({ retries: [...r.retries, { seq: e.seq, t: e.t, attempt: e.attempt, delay_ms: e.delay_ms, error: e.error }] }));
      return;
    case 'bulkhead_rejected':
      route(d, e.route, (r) => ({ rejections: [...r.rejections, { seq: e.seq, t: e.t, active: e.active, queued: e.queued }] }));
      return;
    case 'pipeline_stage': {
      const p = d.pipelines.get(e.pipeline) ?? { name: e.pipeline, stages: [] };
      const stages = p.stages.filter((s) => s.stage !== e.stage);
      stages.push({ stage: e.stage, status: e.status, error: e.error });
      d.pipelines.set(e.pipeline, { ...p, stages });
      return;
    }
    case 'pipeline_result': {
      const p = d.pipelines.get(e.pipeline) ?? { name: e.pipeline, stages: [] };
      d.pipelines.set(e.pipeline, { ...p, ok: e.ok, failedStage: e.failed_stage });
      return;
    }
    case 'effect_refused':
      agent(d, e.agent, e.t);
      d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'effect_refused', agent: e.agent, text: `${e.agent}: ${e.effect} refused (${e.reason})`, event: e });
      return;
    case 'subscription': case 'blackboard_write': case 'bargaining_round': case 'bargaining_result':
    case 'saga_step': case 'scatter_gather_result':
      return;
    default:
      // Readers ignore unknown event types (forward compatibility) but count them.
      d.totals.unknown++;
  }
}

/** The rows of one conversation (or all rows when `conversationId` is undefined). */
export function filterRows(rows: readonly DiagramRow[], conversationId: string | undefined): readonly DiagramRow[] {
  if (conversationId === undefined) return rows;
  return rows.filter((r) => r.conversationId === conversationId);
}

/** Problems the summary strip counts and the diagram can filter to. */
export type ProblemKind = 'dropped' | 'timeout' | 'violation' | 'failure';
export const PROBLEM_KINDS: readonly ProblemKind[] = ['dropped', 'timeout', 'violation', 'failure'];

/** True when a row belongs to a problem kind: a drop (the dropped arrow or its mark), a timeout, a violation, a failure. */
export function isProblem(row: DiagramRow, kind: ProblemKind): boolean {
  if (row.kind === 'message') return kind === 'dropped' ? row.status === 'dropped' : kind === 'failure' && row.alarm !== undefined;
  if (kind === 'failure') return row.marker === 'agent_failed' || row.marker === 'effect_refused';
  return row.marker === kind;
}

/** The rows of one conversation and/or one problem kind (the same array when neither filter is set). */
export function selectRows(rows: readonly DiagramRow[], conversationId: string | undefined, problem: ProblemKind | undefined): readonly DiagramRow[] {
  const inConversation = filterRows(rows, conversationId);
  return problem === undefined ? inConversation : inConversation.filter((r) => isProblem(r, problem));
}

/** How many rows of each problem kind (what the summary strip's buttons show). */
export function problemCounts(rows: readonly DiagramRow[]): Record<ProblemKind, number> {
  const counts: Record<ProblemKind, number> = { dropped: 0, timeout: 0, violation: 0, failure: 0 };
  for (const r of rows) {
    if (r.kind === 'marker') { if (r.marker === 'dropped' || r.marker === 'timeout' || r.marker === 'violation') counts[r.marker]++; else if (isProblem(r, 'failure')) counts.failure++; }
    else if (r.alarm !== undefined) counts.failure++;
  }
  return counts;
}

/** Breaker state at time `t` on a route (closed before the first transition). */
export function breakerStateAt(route: RouteView, t: number): BreakerState {
  let state: BreakerState = route.transitions[0]?.from ?? 'closed';
  for (const tr of route.transitions) { if (tr.t > t) break; state = tr.to; }
  return state;
}
