/** Messages between the coordinator (main thread) and a worker shard (runtime/shard/shardWorker.ts). */
import type { AgentError } from '../core/types';
import type { RouterLimits } from '../router/limits';
import type { Envelope, SubscriptionChange } from '../router/router';
import type { DirectoryEntry } from './directory';
import type { BoundaryOut } from './shard';
import type { KeyedEvent } from './stepTrace';
import type { SandboxedAgent } from '../sandbox/agentTotals';

/** How to start one agent in a shard. */
export interface AgentSpec extends SandboxedAgent {
  name: string;
  kind: 'wasm' | 'js';
  mailbox?: number;
  maxMessageBytes?: number;
  /** Table elements the module declares (the shard's table budget counts them). */
  tableElements?: number;
}

export interface ShardInit {
  shard: number;
  stepped: boolean;
  limits: RouterLimits;
  requestTimeoutMs: number;
  attempts: number;
  dedupe: boolean;
  protocolChecks: boolean;
  validate: boolean;
  /** Stepped: every delivery goes through the coordinator (debugging). */
  observeAll?: boolean;
  /** Real time: milliseconds since the Unix epoch at the run's clock 0 (so every thread stamps the same timeline). */
  epochMs: number;
  /** Simulated time: the wall time of clock 0 (reply_by). */
  epochWallMs: number;
  directory: DirectoryEntry[];
  /** Watchdog slot: [agent index + 1 (0 = idle), deadline in ms of performance.timeOrigin-relative time]. */
  watch: SharedArrayBuffer;
}

export type ToShard =
  | { type: 'init'; init: ShardInit }
  | { type: 'load'; id: number; agents: AgentSpec[] }
  | { type: 'step'; step: number; now: number; inbound: Envelope[]; boundaries: BoundaryOut[]; directory: DirectoryEntry[] }
  | { type: 'deliver'; inbound: Envelope[]; directory: DirectoryEntry[]; boundary?: BoundaryOut }
  | { type: 'reload'; id: number; agent: string; module: AgentSpec['module'] }
  | { type: 'unload'; id: number; agent: string; reason: string }
  | { type: 'stop'; id: number; reason: string; step: number };

/** What a step produced on a shard. */
export interface StepOut {
  outbound: Array<[number, Envelope[]]>;
  events: KeyedEvent[];
  boundary: BoundaryOut;
  /** Messages that can move next step (arrivals + mail of ready agents). */
  runnable: number;
  /** Every queued message (ready or not). */
  inFlight: number;
  /** The shard's earliest timer (clock ms), if any. */
  nextDeadline?: number;
}

export type FromShard =
  | { type: 'ready' }
  | { type: 'loaded'; id: number; results: Array<{ name: string; error?: AgentError; memoryBytes?: number }>; events: KeyedEvent[] }
  | ({ type: 'stepped'; step: number } & StepOut)
  /** Real time: what a shard produced since its last `out`; `acked` counts the `deliver` batches it has taken so far. */
  | {
      type: 'out';
      outbound: Array<[number, Envelope[]]>;
      events: Array<{ t: number; e: KeyedEvent['e'] }>;
      inFlight: number;
      acked: number;
      subscriptions?: SubscriptionChange[];
    }
  | { type: 'reloaded'; id: number; error?: string }
  | { type: 'unloaded'; id: number }
  | { type: 'stopped'; id: number; events: KeyedEvent[] }
  | { type: 'fatal'; error: string };
