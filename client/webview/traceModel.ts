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
  message: FipaMessage;
}

/** A mark on a lifeline: a timeout, a protocol violation, a drop, a crash or the end of a conversation. */
export interface MarkerRow {
  kind: 'marker';
  seq: number; t: number;
  marker: 'timeout' | 'violation' | 'dropped' | 'agent_failed' | 'conversation_ended' | 'effect_refused';
  agent?: string; conversationId?: string; text: string;
  event: TraceEvent;
}

export type DiagramRow = MessageRow | MarkerRow;

export interface AgentView {
  name: string; state: AgentState | 'unknown'; since: number; reason?: string;
  messagesIn: number; messagesOut: number;
  fuel: number; fuelTotal: number; memoryBytes: number; memoryPeak: number;
  restarts: number; failures: number; logs: number; lastLog?: string;
}

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
  totals: { messages: number; delivered: number; dropped: number; timeouts: number; violations: number; unknown: number };
}

/** The model of an empty trace. */
export function emptyModel(): TraceModel {
  return {
    count: 0, tStart: 0, tEnd: 0, agentOrder: [], agents: new Map(), rows: [], conversations: new Map(),
    auctions: new Map(), contractNets: new Map(), routes: new Map(), pipelines: new Map(),
    totals: { messages: 0, delivered: 0, dropped: 0, timeouts: 0, violations: 0, unknown: 0 },
  };
}

/** Mutable copies of a model's collections, made once per batch (copy-on-write keeps old snapshots intact). */
interface Draft {
  m: TraceModel;
  agentOrder: string[]; agents: Map<string, AgentView>; rows: DiagramRow[]; messageRow: Map<string, number>;
  conversations: Map<string, ConversationView>; auctions: Map<string, AuctionView>; contractNets: Map<string, ContractNetView>;
  routes: Map<string, RouteView>; pipelines: Map<string, PipelineView>; totals: TraceModel['totals'];
}

// The message-id index is derived data: kept beside each model, not in it, so the model stays plain to compare.
const rowIndexOf = new WeakMap<TraceModel, Map<string, number>>();

/** Apply a batch of events; returns a new model (the input is untouched). */
export function reduceTrace(model: TraceModel, events: readonly TraceEvent[]): TraceModel {
  if (events.length === 0) return model;
  const d: Draft = {
    m: model, agentOrder: [...model.agentOrder], agents: new Map(model.agents), rows: [...model.rows],
    messageRow: new Map(rowIndexOf.get(model) ?? indexRows(model.rows)), conversations: new Map(model.conversations),
    auctions: new Map(model.auctions), contractNets: new Map(model.contractNets), routes: new Map(model.routes),
    pipelines: new Map(model.pipelines), totals: { ...model.totals },
  };
  let { tStart, tEnd, runName, runEnded } = model;
  if (model.count === 0) tStart = events[0].t;
  for (const e of events) {
    tEnd = Math.max(tEnd, e.t);
    if (e.type === 'run_started') { runName = e.name; for (const a of e.agents) agent(d, a, e.t); }
    else if (e.type === 'run_ended') runEnded = { reason: e.reason, delivered: e.delivered, dropped: e.dropped, timeouts: e.timeouts };
    else apply(d, e);
  }
  const next: TraceModel = {
    count: model.count + events.length, tStart, tEnd, runName, runEnded, agentOrder: d.agentOrder, agents: d.agents,
    rows: d.rows, conversations: d.conversations, auctions: d.auctions, contractNets: d.contractNets, routes: d.routes,
    pipelines: d.pipelines, totals: d.totals,
  };
  rowIndexOf.set(next, d.messageRow);
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

function agent(d: Draft, name: string, t: number): AgentView {
  let a = d.agents.get(name);
  if (!a) {
    a = { name, state: 'unknown', since: t, messagesIn: 0, messagesOut: 0, fuel: 0, fuelTotal: 0, memoryBytes: 0, memoryPeak: 0, restarts: 0, failures: 0, logs: 0 };
    d.agents.set(name, a);
    d.agentOrder.push(name);
  }
  return a;
}

function updateAgent(d: Draft, name: string, t: number, change: (a: AgentView) => Partial<AgentView>): void {
  const a = agent(d, name, t);
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

const ALARMS = new Set(['failure', 'refuse', 'not_understood']);

function apply(d: Draft, e: TraceEvent): void {
  switch (e.type) {
    case 'agent_state':
      updateAgent(d, e.agent, e.t, (a) => ({
        state: e.to, since: e.t, reason: e.reason,
        failures: a.failures + (e.to === 'failed' ? 1 : 0),
        restarts: a.restarts + (e.from === 'failed' && e.to !== 'stopped' ? 1 : 0),
      }));
      if (e.to === 'failed') d.rows.push({ kind: 'marker', seq: e.seq, t: e.t, marker: 'agent_failed', agent: e.agent, text: `${e.agent} failed${e.reason ? `: ${e.reason}` : ''}`, event: e });
      return;
    case 'agent_usage':
      updateAgent(d, e.agent, e.t, (a) => ({ fuel: e.fuel, fuelTotal: a.fuelTotal + e.fuel, memoryBytes: e.memory_bytes, memoryPeak: Math.max(a.memoryPeak, e.memory_bytes) }));
      return;
    case 'agent_log':
      updateAgent(d, e.agent, e.t, (a) => ({ logs: a.logs + 1, lastLog: `${e.level}: ${e.text}` }));
      return;
    case 'message_sent': {
      const msg = e.message;
      const to = e.to.length > 0 ? e.to : (Array.isArray(msg.receiver) ? msg.receiver : [msg.receiver]);
      updateAgent(d, msg.sender, e.t, (a) => ({ messagesOut: a.messagesOut + 1 }));
      for (const r of to) agent(d, r, e.t);
      d.messageRow.set(e.id, d.rows.length);
      d.rows.push({
        kind: 'message', seq: e.seq, t: e.t, id: e.id, from: msg.sender, to, performative: msg.performative,
        conversationId: msg.conversation_id, protocol: msg.protocol, status: 'sent', delivered: [],
        alarm: ALARMS.has(msg.performative) ? msg.performative as MessageRow['alarm'] : undefined, message: msg,
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

/** Breaker state at time `t` on a route (closed before the first transition). */
export function breakerStateAt(route: RouteView, t: number): BreakerState {
  let state: BreakerState = route.transitions[0]?.from ?? 'closed';
  for (const tr of route.transitions) { if (tr.t > t) break; state = tr.to; }
  return state;
}
