/** The runtime's core contracts: what an agent endpoint is and what handling a message produces (effects as data). */
import type { FipaMessage, TraceEventInput } from '../../schemas';

/** Something the agent asked the host to do while handling a message; the router performs it afterwards. */
export type AgentEffect =
  | { kind: 'send'; message: FipaMessage }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; text: string }
  | { kind: 'subscribe'; topic: string; filter?: Record<string, unknown> }
  | { kind: 'unsubscribe'; topic: string }
  | { kind: 'blackboard_write'; key: string; value: unknown; expected_version?: number }
  | { kind: 'blackboard_read'; key: string };

/** Why handling a message failed. */
export type AgentErrorKind =
  | 'fuel_exhausted'
  | 'trap'
  | 'timeout'
  | 'memory_limit'
  | 'oversized_output'
  | 'bad_output'
  | 'crashed'
  | 'not_running'
  /** The incoming message is above the agent's max_message_bytes. */
  | 'oversized_input'
  /** The agent could not make sense of the message (ABI: caxton_handle returned 1); the router answers the sender with not_understood. */
  | 'bad_input'
  /** The agent's bounded mailbox is full: backpressure, the sender should retry later. */
  | 'mailbox_full';

export interface AgentError {
  kind: AgentErrorKind;
  message: string;
}

export interface AgentUsage {
  fuel: number;
  memoryBytes: number;
  durationMs: number;
  /** The agent's granted limits, when it has them (sandboxed agents), so the inspector can draw usage against them. */
  fuelLimit?: number;
  memoryLimitBytes?: number;
}

export type AgentResult = { ok: true; effects: AgentEffect[]; usage: AgentUsage } | { ok: false; error: AgentError; usage: AgentUsage };

/** Anything the router can deliver to: a sandboxed wasm agent, or a built-in (in-process) agent. */
export interface AgentEndpoint {
  readonly name: string;
  /** Handle one message; never throws: failures come back as `{ ok: false }`. */
  handle(message: FipaMessage): Promise<AgentResult>;
  /**
   * The same, synchronously, for agents that run in the router's own thread (in-thread wasm): no promise per message.
   * `json`, when given, is JSON.stringify(message) already made by the router (the agent need not serialise again).
   */
  handleSync?(message: FipaMessage, json?: string): AgentResult;
  /** False while the agent cannot take messages yet (waiting for a restart): its mail stays queued. Default true. */
  ready?(): boolean;
  /** Release everything the agent holds (worker, memory). */
  dispose(): Promise<void>;
}

/** Where trace events go; the sink numbers and timestamps them. */
export interface TraceSink {
  emit(event: TraceEventInput): void;
}

export interface Logger {
  debug(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What coordinators, protocols and workflows need of the router (implemented by the Runtime). */
export interface MessageBus {
  /** Route a message (its sender may be a built-in agent or an outside party). Never throws; failures become trace events. */
  send(message: FipaMessage): void;
  /**
   * Send and wait for the reply: the first message whose in_reply_to equals the request's reply_with (filled in
   * with a fresh id if missing). Rejects with a RequestTimeoutError after `timeoutMs` (default 30 s, or reply_by).
   */
  request(message: FipaMessage, options?: { timeoutMs?: number }): Promise<FipaMessage>;
}

/** Raised by MessageBus.request when no reply came in time. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly receiver: string,
    readonly timeoutMs: number,
    readonly conversationId?: string,
  ) {
    super(`no reply from ${receiver} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** What a coordinator (contract net manager, auctioneer, pipeline executor, ...) gets from the runtime. */
export interface CoordinationContext {
  bus: MessageBus;
  clock: import('./clock').Clock;
  trace: TraceSink;
  random: import('./random').Random;
  logger: Logger;
  /** Register a built-in, in-process agent (e.g. a coordinator) so messages addressed to it reach it. */
  addAgent(endpoint: AgentEndpoint): void;
  removeAgent(name: string): void;
  /** Names of the agents currently running (for broadcast-like patterns and discovery). */
  agentNames(): string[];
}

/** One blackboard entry: its value, version (1 on first write), author and time of the last write (clock ms). */
export interface BlackboardEntry {
  key: string;
  value: unknown;
  version: number;
  author: string;
  updatedAt: number;
}

/** The outcome of a blackboard write (optimistic concurrency: a given expected version must match; 0 = create only). */
export type BlackboardWriteResult =
  | { ok: true; entry: BlackboardEntry }
  | { ok: false; reason: 'conflict'; key: string; expectedVersion?: number; currentVersion: number; entry?: BlackboardEntry }
  | { ok: false; reason: 'denied'; key: string; message: string };

/**
 * The blackboard as the router sees it (implemented in runtime/protocols/blackboard*). The router performs agents'
 * granted blackboard_read/blackboard_write effects through it; the service emits the `blackboard_write` trace
 * event itself. A read result goes back to the agent as an `inform` from the runtime (ontology `caxton-blackboard`,
 * content `{ key, found, value, version, author }`); a refused write as a `failure` with the result as content.
 */
export interface BlackboardService {
  read(key: string, reader: string): BlackboardEntry | undefined;
  write(key: string, value: unknown, author: string, expectedVersion?: number): BlackboardWriteResult;
}
