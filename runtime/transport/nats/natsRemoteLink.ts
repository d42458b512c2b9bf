/**
 * The runtime's RemoteLink over NATS (docs/nats.md): other nodes' agents, outside parties and topic subscriptions
 * join this node's directory (from the NatsDirectory's announcements), envelopes for them are batched per node onto
 * `<prefix>.node.<node>` (one NATS message carries every envelope for that node produced in one event-loop turn), and
 * envelopes for this node's names arrive through its NatsInbox. A lost node's names become tombstones, so messages to
 * them, and requests still waiting for an answer from them, are dead-lettered with `node_lost` naming the node; what
 * may have been lost unseen (core NATS is at-most-once) is counted.
 */
import type { FipaMessage, TransportSummary } from '../../../schemas';
import { LIMITS } from '../../../schemas/limits';
import { shapeProblem } from '../../router/resolve';
import type { Envelope, SubscriptionChange } from '../../router/router';
import type { DirectoryEntry } from '../../shard/directory';
import { REMOTE_BASE, type RemoteLink, type Undeliverable } from '../../shard/transport';
import { Batcher } from './batcher';
import { nodeNameProblem, type DirectoryEvent } from './directoryState';
import { NatsInbox, type AcceptedEnvelope, type InboxRejections } from './inbox';
import { NatsDirectory } from './natsDirectory';
import { ClusterWaitError, LinkClosedError, MessageTooLargeError } from './natsErrors';
import { NatsLink, type LinkCounters, type NatsLinkOptions } from './natsLink';
import { OpenRequests } from './openRequests';
import { OwnNames } from './ownNames';
import { PeerTable, type PeerState } from './peerTable';
import { SendWindow } from './sendWindow';
import { ClusterSubjects } from './subjects';

/** The cluster prefix when none is given. */
export const DEFAULT_CLUSTER_PREFIX = 'caxton';

export interface NatsRemoteLinkOptions extends NatsLinkOptions {
  /** This node's name, unique in the cluster (letters, digits, `_.@:-`). */
  node: string;
  /** The cluster prefix of every subject (default `caxton`). */
  prefix?: string;
  /** Directory heartbeat (ms, default 1000) and the silence after which a node is lost (default 3 heartbeats + 500). */
  heartbeatMs?: number;
  lostAfterMs?: number;
  /** Subscribe `<prefix>.agent.<name>` per hosted agent too (default true; off for very many agents per node). */
  agentSubjects?: boolean;
  /** How long a request to another node counts as waiting for its answer (default: the runtime's 30 s). */
  requestTimeoutMs?: number;
  /** Envelopes per NATS message at most (default 1000). */
  batchMaxCount?: number;
}

/** The link's figures for the run summary: the NATS connection's counters plus what this layer did and lost. */
export interface RemoteLinkStats extends LinkCounters {
  node: string;
  envelopesOut: number;
  envelopesIn: number;
  batchesOut: number;
  /** Envelopes refused on arrival, by reason (not for an agent hosted here, malformed, ...). */
  rejected: InboxRejections;
  /** Dead-lettered here with node_lost (messages to a lost node, requests it had not answered). */
  nodeLost: number;
  /** Sent to a node during its silence before it was declared lost: may or may not have been handled. */
  mayBeLost: number;
  /** Batches that could not be published because the connection was closed. */
  unsent: number;
  nodesJoined: number;
  nodesLost: number;
  nodesLeft: number;
}

/** A cluster event as a line for people (the CLI prints them). */
export interface NodeEvent {
  type: DirectoryEvent['type'];
  node: string;
  text: string;
}

/** See the file comment. */
export class NatsRemoteLink implements RemoteLink {
  private readonly peers: PeerTable;
  private readonly open: OpenRequests;
  private readonly window = new SendWindow();
  private readonly batcher: Batcher;
  private readonly own = new OwnNames();
  private envelopeHandler: (envelopes: Envelope[]) => void = () => undefined;
  private directoryHandler: (changes: DirectoryEntry[]) => void = () => undefined;
  private subscriptionHandler: (changes: SubscriptionChange[]) => void = () => undefined;
  private undeliverableHandler: (report: Undeliverable) => void = () => undefined;
  private readonly eventListeners = new Set<(e: NodeEvent) => void>();
  private readonly waiters = new Set<() => void>();
  private readonly arrivalListeners = new Set<(envelopes: readonly Envelope[]) => void>();
  private incoming: Envelope[] = [];
  private announcePending = false;
  private inbox!: NatsInbox;
  private directory!: NatsDirectory;
  private closed = false;
  private readonly counts = {
    envelopesOut: 0,
    nodeLost: 0,
    mayBeLost: 0,
    unsent: 0,
    invalid: 0,
    nodesJoined: 0,
    nodesLost: 0,
    nodesLeft: 0,
  };

  private constructor(
    readonly link: NatsLink,
    readonly subjects: ClusterSubjects,
    readonly node: string,
    private readonly options: NatsRemoteLinkOptions,
  ) {
    this.peers = new PeerTable((name) => this.own.has(name));
    this.open = new OpenRequests(options.requestTimeoutMs ?? LIMITS.requestTimeoutMs);
    this.batcher = new Batcher(
      (subject, payload, count) => {
        try {
          link.publish(subject, payload);
        } catch (e) {
          if (!(e instanceof LinkClosedError)) throw e;
          this.counts.unsent += count;
        }
      },
      { maxBytes: link.maxMessageBytes, maxCount: options.batchMaxCount, ourLimit: options.maxMessageBytes, maxPayload: link.maxPayload },
    );
  }

  /** Connect, start listening on this node's inbox and join the cluster's directory. Throws NatsConfigError / RangeError with a sentence. */
  static async connect(options: NatsRemoteLinkOptions): Promise<NatsRemoteLink> {
    const problem = nodeNameProblem(options.node);
    if (problem) throw new RangeError(problem);
    const subjects = new ClusterSubjects(options.prefix ?? DEFAULT_CLUSTER_PREFIX);
    const link = await NatsLink.connect({ ...options, name: options.name ?? `caxton node ${options.node}` });
    const remote = new NatsRemoteLink(link, subjects, options.node, options);
    remote.inbox = new NatsInbox(link, subjects, options.node, (e) => remote.accept(e), options.agentSubjects !== false);
    let early: DirectoryEvent[] | undefined = [];
    try {
      remote.directory = await NatsDirectory.start(link, subjects, {
        node: options.node,
        heartbeatMs: options.heartbeatMs,
        lostAfterMs: options.lostAfterMs,
        // Events of the join itself come before start() returns: kept, then applied once the directory is known.
        onEvent: (e) => (early ? early.push(e) : remote.onDirectoryEvent(e)),
      });
    } catch (e) {
      await link.close();
      throw e;
    }
    const joined = early;
    early = undefined;
    for (const e of joined) remote.onDirectoryEvent(e);
    return remote;
  }

  forward(peer: number, envelope: Envelope): void {
    if (envelope.effect) return; // blackboard effects stay on the node that holds the blackboard
    const node = this.peers.nodeOf(peer);
    const status = this.peers.stateOf(peer);
    if (!node || status?.state !== 'live') {
      this.undeliverable({ envelopes: [envelope], code: 'node_lost', reason: goneReason(node ?? `#${peer - REMOTE_BASE}`, status) });
      return;
    }
    // This node's names go out before anything that could be answered: a reply must find its way back.
    if (this.announcePending) this.flushAnnouncement();
    const { to, message, okey, oseq } = envelope;
    try {
      this.batcher.add(this.subjects.node(node), JSON.stringify({ to, message, okey, oseq }));
    } catch (e) {
      if (!(e instanceof MessageTooLargeError)) throw e;
      this.undeliverable({ envelopes: [envelope], code: 'too_large', reason: `too large for NATS: ${e.message}` });
      return;
    }
    this.counts.envelopesOut++;
    const now = Date.now();
    this.open.sent(peer, envelope, now);
    this.window.add(peer, to.length, now);
  }

  onEnvelopes(handler: (envelopes: Envelope[]) => void): void {
    this.envelopeHandler = handler;
  }
  /** The handler gets what is known already at once (the link joined before the runtime attached), then changes. */
  onDirectory(handler: (changes: DirectoryEntry[]) => void): void {
    this.directoryHandler = handler;
    const { entries } = this.peers.snapshot();
    if (entries.length) handler(entries);
  }
  onSubscriptions(handler: (changes: SubscriptionChange[]) => void): void {
    this.subscriptionHandler = handler;
    const { subscriptions } = this.peers.snapshot();
    if (subscriptions.length) handler(subscriptions);
  }
  onUndeliverable(handler: (report: Undeliverable) => void): void {
    this.undeliverableHandler = handler;
  }

  announce(entries: DirectoryEntry[]): void {
    const { added, removed } = this.own.apply(entries.filter((e) => e.shard < REMOTE_BASE));
    for (const name of removed) this.inbox.unhost(name);
    for (const name of added) this.inbox.host(name);
    this.scheduleAnnouncement();
  }

  subscriptions(changes: SubscriptionChange[]): void {
    this.own.subscribe(changes);
    this.scheduleAnnouncement();
  }

  /** Publish this node's names now (else once per event-loop turn); throws MessageTooLargeError when they do not fit one NATS message. */
  flushAnnouncement(): void {
    this.announcePending = false;
    if (this.closed) return;
    const { agents, externals, subscriptions } = this.own.lists();
    try {
      this.directory.announce(agents, { externals, subscriptions });
    } catch (e) {
      if (e instanceof MessageTooLargeError) {
        throw new MessageTooLargeError(
          e.bytes,
          e.limit,
          e.ourLimit,
          e.maxPayload,
          `node ${this.node}'s list of ${agents.length} agents, ${externals.length} outside parties and ${subscriptions.length} subscriptions`,
        );
      }
      throw e;
    }
  }

  /** Resolves once every name is hosted by a live node (or this one); rejects after `timeoutMs` naming the missing ones. */
  waitFor(names: readonly string[], timeoutMs: number): Promise<void> {
    const missing = (): string[] => names.filter((n) => !this.own.has(n) && !this.isLive(n));
    if (!missing().length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (missing().length) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const nodes = this.directory
          .nodes()
          .filter((n) => !n.self)
          .map((n) => `${n.node} (${n.agents.length} agents)`);
        const gone = missing();
        const named =
          gone
            .slice(0, 10)
            .map((n) => `'${n}'`)
            .join(', ') + (gone.length > 10 ? ` and ${gone.length - 10} more` : '');
        reject(
          new ClusterWaitError(
            `no node of cluster '${this.subjects.prefix}' hosts ${named} after ${timeoutMs} ms; nodes seen: ${nodes.join(', ') || 'none'}; start them with \`caxton node <folder> --nats ${this.link.endpoint.display}\``,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Watch what arrives from other nodes (after it is checked); returns the function that stops listening. */
  onArrivals(listener: (envelopes: readonly Envelope[]) => void): () => void {
    this.arrivalListeners.add(listener);
    return () => {
      this.arrivalListeners.delete(listener);
    };
  }

  /** Cluster events (joined, lost, left, conflict) as lines; returns the function that stops listening. */
  onNodeEvent(listener: (e: NodeEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  /** Other nodes: name, peer id, state and how many names they hold here. */
  peerList(): Array<{ node: string; peer: number; status: PeerState; names: number }> {
    return this.peers.peers();
  }

  /** The node a remote name lives on (live or lost), if known. */
  nodeOfName(name: string): string | undefined {
    return this.peers.holderOf(name);
  }

  stats(): RemoteLinkStats {
    const { envelopesOut, nodeLost, mayBeLost, unsent, invalid, nodesJoined, nodesLost, nodesLeft } = this.counts;
    const rejected = { ...this.inbox.rejected, ...(invalid ? { 'an envelope whose message is malformed': invalid } : {}) };
    return {
      ...this.link.stats(),
      node: this.node,
      envelopesOut,
      // Every envelope the inbox accepted comes to accept(): either malformed (invalid) or handed on.
      envelopesIn: this.inbox.accepted - invalid,
      batchesOut: this.batcher.batches,
      rejected,
      nodeLost,
      mayBeLost,
      unsent,
      nodesJoined,
      nodesLost,
      nodesLeft,
    };
  }

  summary(): TransportSummary {
    const s = this.stats();
    return {
      node: this.node,
      envelopes_out: s.envelopesOut,
      envelopes_in: s.envelopesIn,
      node_lost: s.nodeLost,
      may_be_lost: s.mayBeLost,
      published_while_disconnected: s.publishedWhileDisconnected,
      unsent: s.unsent,
      rejected: Object.values(s.rejected).reduce((n, x) => n + x, 0),
      reconnects: s.reconnects,
      slow_consumers: s.slowConsumers,
    };
  }

  /** Leave the cluster: flush what is batched, say bye, stop listening, drain and close the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.batcher.flush();
    this.closed = true;
    await this.directory.stop();
    this.inbox.close();
    await this.link.close();
  }

  private isLive(name: string): boolean {
    const node = this.peers.holderOf(name);
    if (!node) return false;
    return this.peers.stateOf(this.peers.peerOf(node))?.state === 'live';
  }

  private scheduleAnnouncement(): void {
    if (this.announcePending || this.closed) return;
    this.announcePending = true;
    setImmediate(() => {
      if (!this.announcePending) return;
      try {
        this.flushAnnouncement();
      } catch (e) {
        this.options.log?.(`nats: cannot announce node ${this.node}: ${(e as Error).message}`);
      }
    });
  }

  /** An envelope the inbox accepted: checked like any external message, then handed on with others of this turn. */
  private accept(e: AcceptedEnvelope): void {
    const message = e.message as unknown as FipaMessage;
    if (shapeProblem(message) || typeof message.message_id !== 'string') {
      this.counts.invalid++;
      return;
    }
    for (const to of e.to) this.open.arrived(message, to);
    const from = this.peers.holderOf(message.sender);
    if (from !== undefined) this.window.heardFrom(this.peers.peerOf(from), Date.now());
    const bytes = Buffer.byteLength(JSON.stringify(message), 'utf8');
    this.incoming.push({ message, to: e.to, bytes, okey: e.okey ?? message.sender, oseq: e.oseq ?? 0 });
    if (this.incoming.length === 1)
      queueMicrotask(() => {
        const list = this.incoming;
        this.incoming = [];
        for (const l of this.arrivalListeners) {
          try {
            l(list);
          } catch {
            /* a listener's bug must not break delivery */
          }
        }
        this.envelopeHandler(list);
      });
  }

  private onDirectoryEvent(e: DirectoryEvent): void {
    const now = Date.now();
    switch (e.type) {
      case 'joined':
      case 'changed': {
        const view = this.directory.view(e.node);
        if (!view) return;
        if (e.type === 'joined') {
          this.counts.nodesJoined++;
          this.tell(e, `node ${e.node} joined with ${view.agents.length} agent(s)`);
        }
        this.apply(this.peers.update(view, (a) => this.directory.lookup(a)));
        break;
      }
      case 'lost': {
        const reason = e.reason === 'silent' ? `silent for ${e.silentMs} ms` : 'it restarted';
        this.counts.nodesLost++;
        this.tell(e, `node ${e.node} lost (${reason}); ${e.agents.length} agent(s) gone with it`);
        this.apply(this.peers.lost(e.node, reason));
        this.endRequests(e.node, now, `node '${e.node}' was lost (${reason}) before answering`, e.silentMs);
        break;
      }
      case 'left':
        this.counts.nodesLeft++;
        this.tell(e, `node ${e.node} left`);
        this.apply(this.peers.left(e.node));
        this.endRequests(e.node, now, `node '${e.node}' left the cluster before answering`, 0);
        break;
      case 'conflict':
        this.tell(e, `conflict: ${e.detail}`);
        break;
      default:
        break;
    }
    for (const w of [...this.waiters]) w();
  }

  /** Requests still waiting on a node that went away are dead-lettered; what was sent in its silence is counted. */
  private endRequests(node: string, now: number, reason: string, silentMs: number): void {
    const peer = this.peers.peerOf(node);
    const open = this.open.takePeer(peer, now);
    const silent = this.window.take(peer, now - silentMs);
    if (open.length) this.undeliverable({ envelopes: open, code: 'node_lost', reason });
    const unknown = Math.max(0, silent - open.reduce((n, e) => n + e.to.length, 0));
    if (unknown > 0) {
      this.counts.mayBeLost += unknown;
      this.undeliverableHandler({
        envelopes: [],
        code: 'node_lost',
        unknown,
        reason: `${unknown} message(s) sent to node '${node}' during its last ${silentMs} ms of silence may have been lost (core NATS is at-most-once; some may have been handled before it went)`,
      });
    }
  }

  private undeliverable(report: Undeliverable): void {
    if (report.code === 'node_lost') this.counts.nodeLost += report.envelopes.reduce((n, e) => n + e.to.length, 0);
    this.undeliverableHandler(report);
  }

  private apply(changes: { entries: DirectoryEntry[]; subscriptions: SubscriptionChange[] }): void {
    if (changes.entries.length) this.directoryHandler(changes.entries);
    if (changes.subscriptions.length) this.subscriptionHandler(changes.subscriptions);
  }

  private tell(e: DirectoryEvent, text: string): void {
    for (const l of this.eventListeners) {
      try {
        l({ type: e.type, node: e.node, text });
      } catch {
        /* a listener's bug must not break the link */
      }
    }
  }
}

/** Why a message cannot go to a node: it was lost (with why), left, or was never seen. */
function goneReason(node: string, status: PeerState | undefined): string {
  if (status?.state === 'lost') return `node '${node}' was lost (${status.reason}); its agents are gone until it rejoins`;
  if (status?.state === 'left') return `node '${node}' left the cluster`;
  return `node '${node}' is not part of the cluster`;
}
