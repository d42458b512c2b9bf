/**
 * What a node accepts from NATS: envelopes `{ to, message }` (the FIPA JSON message unchanged, plus the one agent it
 * is for) for agents it hosts, on subjects of its own cluster prefix: batches (JSON arrays) on `<prefix>.node.<node>`,
 * single envelopes on `<prefix>.agent.<name>` (a request's reply subject gets the answer). Anything else is dropped
 * and counted with a reason; the router still validates each accepted message as it validates any external one.
 */
import { decodeBatch } from './batchCodec';
import type { NatsLink, Incoming } from './natsLink';
import type { ClusterSubjects } from './subjects';

/** One delivery on the wire: a FIPA message (JSON object) and the agent it is for. */
export interface WireEnvelope { to: string; message: Record<string, unknown> }

/** Why envelopes were refused, with counts. */
export type InboxRejections = Record<string, number>;

/** Accept an envelope for a hosted agent, or say why not (pure). */
export function screenEnvelope(value: unknown, hosts: (agent: string) => boolean): { envelope: WireEnvelope } | { reason: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { reason: 'not an envelope object' };
  const v = value as Record<string, unknown>;
  if (typeof v.to !== 'string' || !v.to) return { reason: 'an envelope without `to`' };
  const m = v.message;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return { reason: 'an envelope without a message object' };
  if (!hosts(v.to)) return { reason: 'for an agent this node does not host' };
  return { envelope: { to: v.to, message: m as Record<string, unknown> } };
}

/** Hands accepted envelopes to `deliver`; `reply` is set for a request on an agent subject. */
export type Deliver = (envelope: WireEnvelope, reply?: (answer: string) => void) => void;

/** A node's inbox on NATS: its node subject plus one subject per hosted agent. */
export class NatsInbox {
  private readonly hosted = new Map<string, () => void>();
  private readonly unsubscribeNode: () => void;
  /** Envelopes accepted, and refused by reason. */
  accepted = 0;
  readonly rejected: InboxRejections = {};

  constructor(private readonly link: NatsLink, private readonly subjects: ClusterSubjects, readonly node: string, private readonly deliver: Deliver) {
    this.unsubscribeNode = link.subscribe(subjects.node(node), (m) => this.onBatch(m));
  }

  /** Start accepting messages for an agent (subscribes its subject, so requests to it find a responder). */
  host(agent: string): void {
    if (this.hosted.has(agent)) return;
    this.hosted.set(agent, this.link.subscribe(this.subjects.agent(agent), (m) => this.onSingle(agent, m)));
  }

  /** Stop accepting messages for an agent. */
  unhost(agent: string): void {
    this.hosted.get(agent)?.();
    this.hosted.delete(agent);
  }

  /** Whether the agent is hosted here. */
  hosts(agent: string): boolean { return this.hosted.has(agent); }

  /** Unsubscribe everything. */
  close(): void {
    this.unsubscribeNode();
    for (const u of this.hosted.values()) u();
    this.hosted.clear();
  }

  private onBatch(m: Incoming): void {
    if (!this.fromOurCluster(m.subject)) return;
    const batch = decodeBatch(m.data);
    if ('error' in batch) { this.reject('a node message that is not a batch'); return; }
    for (const item of batch.items) this.accept(item);
  }

  private onSingle(agent: string, m: Incoming): void {
    if (!this.fromOurCluster(m.subject)) return;
    let value: unknown;
    try { value = JSON.parse(Buffer.from(m.data).toString('utf8')); } catch { this.reject('an agent message that is not JSON'); return; }
    // The subject names the agent: an envelope for another agent on it is refused, not rerouted.
    if (value && typeof value === 'object' && (value as { to?: unknown }).to !== agent) { this.reject('an envelope whose `to` differs from its subject'); return; }
    this.accept(value, m.reply ? (answer) => { m.respond(answer); } : undefined);
  }

  private accept(value: unknown, reply?: (answer: string) => void): void {
    const r = screenEnvelope(value, (a) => this.hosted.has(a));
    if ('reason' in r) { this.reject(r.reason); return; }
    this.accepted++;
    this.deliver(r.envelope, reply);
  }

  private fromOurCluster(subject: string): boolean {
    const a = this.subjects.parse(subject);
    if ((a?.kind === 'node' && a.node === this.node) || a?.kind === 'agent') return true;
    this.reject('a subject outside this node\'s cluster prefix');
    return false;
  }

  private reject(reason: string): void { this.rejected[reason] = (this.rejected[reason] ?? 0) + 1; }
}
