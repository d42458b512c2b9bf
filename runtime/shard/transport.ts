/**
 * The transport seam (docs/shards.md): how a run reaches agents that live elsewhere. Worker shards of this process
 * are reached through the ShardGroup (one batch per shard per step, or streamed in real time); other processes and
 * machines are reached through a RemoteLink (NATS: runtime/transport/nats), whose peers get ids from REMOTE_BASE up
 * in this run's directory. The router never knows which: it looks a name up and forwards an envelope.
 */
import type { DropCode, TransportSummary } from '../../schemas';
import type { Envelope, SubscriptionChange } from '../router/router';
import type { DirectoryEntry } from './directory';

/** Directory ids from here up are other nodes (processes, machines); below are this process's shards (0 = host). */
export const REMOTE_BASE = 1000;

/** Other nodes of a cluster, as this node's runtime sees them. */
export interface RemoteLink {
  /** Send an envelope to the node with directory id `peer` (>= REMOTE_BASE); the link batches. */
  forward(peer: number, envelope: Envelope): void;
  /** Envelopes other nodes sent to agents of this node (the runtime delivers them to the right shard). */
  onEnvelopes(handler: (envelopes: Envelope[]) => void): void;
  /** Agents and outside parties of other nodes (shard = their peer id; shard < 0 removes a name). */
  onDirectory(handler: (changes: DirectoryEntry[]) => void): void;
  /** Announce this node's own names (agents and outside parties) to the cluster. */
  announce(entries: DirectoryEntry[]): void;
  /** Topic subscription changes of this node's agents, to announce (a link without topics may leave this out). */
  subscriptions?(changes: SubscriptionChange[]): void;
  /** Topic subscriptions of other nodes' agents: the runtime applies them to its routing tables. */
  onSubscriptions?(handler: (changes: SubscriptionChange[]) => void): void;
  /** What the link could not deliver (its node was lost, too large): the runtime dead-letters it and tells the senders. */
  onUndeliverable?(handler: (report: Undeliverable) => void): void;
  /** What crossed the link and what may have been lost, for the trace's run_ended. */
  summary?(): TransportSummary;
}

/**
 * Envelopes the link gave up on, with the drop code and a reason naming the node; `unknown` counts messages that
 * may have been lost with no record of each (sent to a node in its silence before it was declared lost).
 */
export interface Undeliverable {
  envelopes: Envelope[];
  code: DropCode;
  reason: string;
  unknown?: number;
}

/** A step boundary as a debugger sees it: what is about to be delivered, which it may change or drop before it is. */
export interface BoundaryView {
  /** The step about to run. */
  tick: number;
  /** Simulated time of the step (ms). */
  time: number;
  /** Every delivery of the step, per destination shard, in the order they will be taken; edit or remove entries. */
  pending: Array<{ shard: number; envelope: Envelope }>;
}
