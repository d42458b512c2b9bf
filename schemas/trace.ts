/** Trace events: one per runtime step, written as JSONL, drawn by the inspector. Mirrors trace-event.schema.json. */
import type { FipaMessage } from './types';

/** Why a message was not delivered. */
// Kept as written: test/unit/traceSchema.test.ts reads these types as text (one variant a line).
// prettier-ignore
export type DropCode = 'unknown_agent' | 'mailbox_full' | 'agent_failed' | 'too_large' | 'invalid' | 'protocol_violation' | 'no_subscribers' | 'duplicate' | 'not_running' | 'refused' | 'node_lost' | 'shard_lost' | 'hop_limit';

export type AgentState = 'unloaded' | 'loaded' | 'running' | 'draining' | 'stopped' | 'failed';
export type BreakerState = 'closed' | 'open' | 'half_open';

interface Base {
  seq: number;
  t: number;
  /** The superstep of a simulated run (docs/shards.md): events of one tick happen at the same simulated time; absent on the real clock. */
  tick?: number;
  /** The node (process) that recorded the event: stamped by a node of a NATS cluster, set when traces are merged. */
  node?: string;
}

// prettier-ignore
export type TraceEvent = Base & (
  /**
   * The optional fields are the run's inputs, for `caxton replay`: the scenario (relative to the trace file's folder when the trace is kept inside the scenario's folder, else absolute),
   * seed, worker count, each wasm agent's module hash and the clock; `fork` names the trace a fork re-ran to `tick`.
   */
  | { type: 'run_started'; name: string; agents: string[]; scenario?: string; seed?: number; workers?: number; modules?: Array<{ agent: string; sha256: string }>; clock?: 'simulated' | 'real'; fork?: { from: string; tick: number } }
  /** `transport`: a node of a NATS cluster adds what crossed NATS and what may have been lost (docs/nats.md). */
  | { type: 'run_ended'; reason: string; delivered: number; dropped: number; timeouts: number;
      transport?: { node: string; envelopes_out: number; envelopes_in: number; node_lost: number; may_be_lost: number; published_while_disconnected: number; unsent: number; rejected: number; reconnects: number; slow_consumers: number } }
  | { type: 'agent_state'; agent: string; from: AgentState; to: AgentState; reason?: string }
  /** One invocation's use; `fuel_limit` / `memory_limit_bytes` (optional) are the agent's granted limits, for the inspector's bars. */
  | { type: 'agent_usage'; agent: string; fuel: number; memory_bytes: number; duration_ms: number; fuel_limit?: number; memory_limit_bytes?: number }
  | { type: 'agent_log'; agent: string; level: 'debug' | 'info' | 'warn' | 'error'; text: string }
  | { type: 'message_sent'; id: string; message: FipaMessage; to: string[] }
  | { type: 'message_delivered'; id: string; to: string }
  /** `count` > 1: one event for several drops of the same kind (a flood is counted, not copied). */
  | { type: 'message_dropped'; id?: string; to?: string; reason: string; code?: DropCode; count?: number; message?: FipaMessage }
  | { type: 'timeout'; conversation_id?: string; waiting: string; reply_with?: string; deadline: number; reason?: string }
  | { type: 'protocol_violation'; conversation_id?: string; protocol: string; message: FipaMessage; expected: string; reason?: string }
  | { type: 'conversation_ended'; conversation_id: string; outcome: string }
  | { type: 'subscription'; agent: string; topic: string; action: 'subscribe' | 'unsubscribe' }
  /** An agent asked for an effect it was not granted (or that this runtime cannot perform); nothing was done. */
  | { type: 'effect_refused'; agent: string; effect: string; reason: string }
  | { type: 'blackboard_write'; key: string; version: number; author: string; accepted: boolean }
  | { type: 'auction_round'; auction_id: string; kind: 'english' | 'dutch' | 'vickrey'; round: number; price: number; bids: Array<{ bidder: string; amount: number }>; leader?: string }
  | { type: 'auction_result'; auction_id: string; kind: 'english' | 'dutch' | 'vickrey'; winner?: string; price?: number; reason: string }
  | { type: 'contract_net_proposals'; conversation_id: string; proposals: Array<{ agent: string; content: unknown; late?: boolean }> }
  | { type: 'contract_net_award'; conversation_id: string; winner?: string; policy: string; reason: string }
  | { type: 'bargaining_round'; conversation_id: string; round: number; from: string; offer: unknown }
  | { type: 'bargaining_result'; conversation_id: string; agreed: boolean; terms?: unknown; reason: string }
  | { type: 'breaker_state'; route: string; from: BreakerState; to: BreakerState; failures: number }
  | { type: 'retry'; route: string; attempt: number; delay_ms: number; error: string }
  | { type: 'bulkhead_rejected'; route: string; active: number; queued: number }
  | { type: 'pipeline_stage'; pipeline: string; stage: string; status: 'started' | 'completed' | 'failed' | 'skipped'; error?: string; output?: unknown }
  | { type: 'pipeline_result'; pipeline: string; ok: boolean; failed_stage?: string; error?: string; output?: unknown }
  | { type: 'saga_step'; saga: string; step: string; action: 'run' | 'compensate'; ok: boolean; error?: string }
  | { type: 'scatter_gather_result'; pipeline: string; stage: string; policy: string; answered: string[]; missing: string[] }
  /** A debugger changed a pending delivery (message `id` for `to`) before it was delivered; replay applies it again at the same tick. */
  | { type: 'debug_change'; change: 'edit' | 'drop'; id: string; to: string; fields?: Array<{ path: string; value: unknown }> }
);

export type TraceEventType = TraceEvent['type'];
/**
 * What one node of a NATS cluster sent and received, and what may have been lost (core NATS is at-most-once):
 * node_lost = dead-lettered because the node was lost; may_be_lost = sent to a node during its silence before it was
 * declared lost; published_while_disconnected = buffered while the connection was down; unsent = never published.
 */
export type TransportSummary = NonNullable<Extract<TraceEvent, { type: 'run_ended' }>['transport']>;
/** A trace event before the trace writer numbers and timestamps it. */
export type TraceEventInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'seq' | 't'> : never) : never;
