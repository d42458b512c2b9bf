/**
 * What a node accepts from NATS: envelopes `{ to, message, okey?, oseq? }` (the FIPA JSON message unchanged, the
 * agent or agents of this node it is for, and the sender's order key) for agents it hosts, on subjects of its own
 * cluster prefix: batches (JSON arrays) on `<prefix>.node.<node>`, single envelopes on `<prefix>.agent.<name>` (a
 * request's reply subject gets the answer). Anything else is dropped and counted with a reason (a receiver this node
 * does not host is cut from an envelope and counted); the router still validates each accepted message as it
 * validates any external one.
 */
import { decodeBatch, parsePayload } from './batchCodec';
import type { NatsLink, Incoming } from './natsLink';
import type { ClusterSubjects } from './subjects';

/** One delivery on the wire: a FIPA message (JSON object), the agent(s) it is for and the sender's order key. */
export interface WireEnvelope {
  to: string | string[];
  message: Record<string, unknown>;
  okey?: string;
  oseq?: number;
}
/** An accepted envelope: only receivers this node hosts. */
export interface AcceptedEnvelope extends WireEnvelope {
  to: string[];
}

const NOT_HOSTED = 'for an agent this node does not host';

/** Why envelopes were refused, with counts. */
export type InboxRejections = Record<string, number>;

/** Accept an envelope for hosted agents (`refused` counts receivers cut because they are not hosted), or say why not (pure). */
export function screenEnvelope(
  value: unknown,
  hosts: (agent: string) => boolean,
): { envelope: AcceptedEnvelope; refused: number } | { reason: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { reason: 'not an envelope object' };
  const v = value as Record<string, unknown>;
  const to = typeof v.to === 'string' ? [v.to] : v.to;
  if (!Array.isArray(to) || !to.length || !to.every((t) => typeof t === 'string' && t)) return { reason: 'an envelope without `to`' };
  const m = v.message;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return { reason: 'an envelope without a message object' };
  const hosted = (to as string[]).filter(hosts);
  if (!hosted.length) return { reason: NOT_HOSTED };
  const order = typeof v.okey === 'string' && Number.isSafeInteger(v.oseq) ? { okey: v.okey, oseq: v.oseq as number } : {};
  return { envelope: { to: hosted, message: m as Record<string, unknown>, ...order }, refused: to.length - hosted.length };
}

/** Hands accepted envelopes to `deliver`; `reply` is set for a request on an agent subject. */
export type Deliver = (envelope: AcceptedEnvelope, reply?: (answer: string) => void) => void;

/** A node's inbox on NATS: its node subject plus one subject per hosted agent. */
export class NatsInbox {
  private readonly hosted = new Map<string, () => void>();
  private readonly unsubscribeNode: () => void;
  /** Envelopes accepted, and refused by reason. */
  accepted = 0;
  readonly rejected: InboxRejections = {};

  /**
   * `agentSubjects` (default true): also subscribe `<prefix>.agent.<name>` per hosted agent, so a plain NATS client can
   * address one agent (and gets "no responders" when nobody hosts it); off, only the node's batch subject is used
   * (one subscription per node however many agents it hosts).
   */
  constructor(
    private readonly link: NatsLink,
    private readonly subjects: ClusterSubjects,
    readonly node: string,
    private readonly deliver: Deliver,
    private readonly agentSubjects = true,
  ) {
    this.unsubscribeNode = link.subscribe(subjects.node(node), (m) => this.onBatch(m));
  }

  /** Start accepting messages for an agent (subscribes its subject, so requests to it find a responder). */
  host(agent: string): void {
    if (this.hosted.has(agent)) return;
    this.hosted.set(
      agent,
      this.agentSubjects ? this.link.subscribe(this.subjects.agent(agent), (m) => this.onSingle(agent, m)) : () => undefined,
    );
  }

  /** Stop accepting messages for an agent. */
  unhost(agent: string): void {
    this.hosted.get(agent)?.();
    this.hosted.delete(agent);
  }

  /** Whether the agent is hosted here. */
  hosts(agent: string): boolean {
    return this.hosted.has(agent);
  }

  /** Unsubscribe everything. */
  close(): void {
    this.unsubscribeNode();
    for (const u of this.hosted.values()) u();
    this.hosted.clear();
  }

  private onBatch(m: Incoming): void {
    if (!this.fromOurCluster(m.subject)) return;
    const batch = decodeBatch(m.data);
    if ('error' in batch) {
      this.reject('a node message that is not a batch');
      return;
    }
    for (const item of batch.items) this.accept(item);
  }

  private onSingle(agent: string, m: Incoming): void {
    if (!this.fromOurCluster(m.subject)) return;
    let value: unknown;
    try {
      value = parsePayload(m.data);
    } catch {
      this.reject('an agent message that is not JSON');
      return;
    }
    // The subject names the agent: an envelope for another agent on it is refused, not rerouted.
    const to = value && typeof value === 'object' ? (value as { to?: unknown }).to : undefined;
    if (to !== agent && !(Array.isArray(to) && to.length === 1 && to[0] === agent)) {
      this.reject('an envelope whose `to` differs from its subject');
      return;
    }
    this.accept(
      value,
      m.reply
        ? (answer) => {
            m.respond(answer);
          }
        : undefined,
    );
  }

  private accept(value: unknown, reply?: (answer: string) => void): void {
    const r = screenEnvelope(value, (a) => this.hosted.has(a));
    if ('reason' in r) {
      this.reject(r.reason);
      return;
    }
    for (let i = 0; i < r.refused; i++) this.reject(NOT_HOSTED);
    this.accepted++;
    this.deliver(r.envelope, reply);
  }

  private fromOurCluster(subject: string): boolean {
    const a = this.subjects.parse(subject);
    if ((a?.kind === 'node' && a.node === this.node) || a?.kind === 'agent') return true;
    this.reject("a subject outside this node's cluster prefix");
    return false;
  }

  private reject(reason: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }
}
