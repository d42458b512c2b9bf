/**
 * A cheap shape check of one trace event before the store indexes it: a trace read from disk is untrusted, and an
 * event with missing or mistyped fields is counted and skipped, never half-applied (found by the trace fuzzer).
 */
import type { TraceEvent } from '../../../schemas/trace';

type Check = (e: Record<string, unknown>) => boolean;

const str = (v: unknown) => typeof v === 'string';
const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const strs = (v: unknown) => Array.isArray(v) && v.every(str);
const message = (v: unknown) => {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    str(m.performative) &&
    str(m.sender) &&
    (str(m.receiver) || strs(m.receiver)) &&
    (m.conversation_id === undefined || str(m.conversation_id)) &&
    (m.in_reply_to === undefined || str(m.in_reply_to)) &&
    (m.reply_with === undefined || str(m.reply_with))
  );
};

const CHECKS: Partial<Record<TraceEvent['type'], Check>> = {
  run_started: (e) => str(e.name) && strs(e.agents),
  agent_state: (e) => str(e.agent) && str(e.from) && str(e.to),
  agent_usage: (e) => str(e.agent) && num(e.fuel) && num(e.memory_bytes),
  agent_log: (e) => str(e.agent),
  message_sent: (e) => str(e.id) && strs(e.to) && message(e.message),
  message_delivered: (e) => str(e.id) && str(e.to),
  message_dropped: (e) =>
    (e.id === undefined || str(e.id)) && (e.to === undefined || str(e.to)) && (e.message === undefined || message(e.message)),
  timeout: (e) => str(e.waiting) && (e.conversation_id === undefined || str(e.conversation_id)),
  protocol_violation: (e) => message(e.message) && (e.conversation_id === undefined || str(e.conversation_id)),
  conversation_ended: (e) => str(e.conversation_id),
  subscription: (e) => str(e.agent) && str(e.topic),
  effect_refused: (e) => str(e.agent),
  blackboard_write: (e) => str(e.key) && str(e.author) && num(e.version),
  auction_round: (e) =>
    str(e.auction_id) &&
    num(e.round) &&
    num(e.price) &&
    Array.isArray(e.bids) &&
    e.bids.every((b) => typeof b === 'object' && b !== null && str((b as { bidder?: unknown }).bidder)),
  auction_result: (e) => str(e.auction_id),
  contract_net_proposals: (e) =>
    str(e.conversation_id) &&
    Array.isArray(e.proposals) &&
    e.proposals.every((p) => typeof p === 'object' && p !== null && str((p as { agent?: unknown }).agent)),
  contract_net_award: (e) => str(e.conversation_id),
  bargaining_round: (e) => str(e.conversation_id) && num(e.round) && str(e.from),
  bargaining_result: (e) => str(e.conversation_id),
  breaker_state: (e) => str(e.route) && str(e.from) && str(e.to),
  retry: (e) => str(e.route),
  bulkhead_rejected: (e) => str(e.route),
  pipeline_stage: (e) => str(e.pipeline) && str(e.stage) && str(e.status),
  pipeline_result: (e) => str(e.pipeline),
  saga_step: (e) => str(e.saga) && str(e.step) && str(e.action),
  scatter_gather_result: (e) => str(e.pipeline) && str(e.stage) && strs(e.answered) && strs(e.missing),
};

/** True when the event has what the inspector reads of its type (unknown types pass: they are only counted). */
export function wellFormed(e: unknown): e is TraceEvent {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  if (!str(r.type)) return false;
  const check = CHECKS[r.type as TraceEvent['type']];
  return check === undefined || check(r);
}
