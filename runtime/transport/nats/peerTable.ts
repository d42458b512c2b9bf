/**
 * Other nodes as this node's runtime sees them (pure): each node gets a peer id from REMOTE_BASE up (kept when it
 * restarts and rejoins), and what it announced (agents, outside parties, topic subscriptions) becomes directory
 * entries and subscription changes for the runtime, as differences from what was known before. A lost node's names
 * stay as tombstones (kind `external`, so broadcast skips them) still pointing at its peer id: a message to them then
 * reaches the link, which dead-letters it with `node_lost` naming the node, instead of `unknown_agent`. A node that
 * left on purpose is forgotten. Names this node announces itself are never taken over by another node.
 */
import type { SubscriptionChange } from '../../router/router';
import type { DirectoryEntry } from '../../shard/directory';
import { REMOTE_BASE } from '../../shard/transport';
import type { AnnouncedSubscription, NodeView } from './directoryState';

/** A peer's state: live, lost (with why) or left. */
export type PeerState = { state: 'live' } | { state: 'lost'; reason: string } | { state: 'left' };

/** What the runtime must apply after a change: directory entries and subscription changes. */
export interface PeerChanges {
  entries: DirectoryEntry[];
  subscriptions: SubscriptionChange[];
}

interface Peer {
  id: number;
  node: string;
  status: PeerState;
  names: Map<string, DirectoryEntry['kind']>;
  subscriptions: Map<string, AnnouncedSubscription>;
}

/** See the file comment. */
export class PeerTable {
  private readonly byNode = new Map<string, Peer>();
  private readonly byId = new Map<number, Peer>();
  /** Which node each remote name is routed to now (live or tombstone). */
  private readonly holder = new Map<string, string>();

  /** `own(name)`: whether this node announces the name itself (then no other node may take it). */
  constructor(private readonly own: (name: string) => boolean) {}

  /** The peer id of a node (assigned on first sight, kept across restarts). */
  peerOf(node: string): number {
    return this.peer(node).id;
  }
  /** The node name of a peer id. */
  nodeOf(peer: number): string | undefined {
    return this.byId.get(peer)?.node;
  }
  /** The state of a peer id (`undefined` for an id never assigned). */
  stateOf(peer: number): PeerState | undefined {
    return this.byId.get(peer)?.status;
  }
  /** The node a remote name is routed to. */
  holderOf(name: string): string | undefined {
    return this.holder.get(name);
  }

  /** A node joined or announced a new list: the differences from what was known of it. `owner` says who holds a contested agent. */
  update(view: Readonly<NodeView>, owner: (agent: string) => string | undefined): PeerChanges {
    const p = this.peer(view.node);
    p.status = { state: 'live' };
    const entries: DirectoryEntry[] = [];
    const next = new Map<string, DirectoryEntry['kind']>();
    for (const a of view.agents) if (owner(a) === view.node) next.set(a, 'agent');
    for (const x of view.externals) if (!next.has(x)) next.set(x, 'external');
    for (const [name, kind] of next) {
      if (this.own(name)) continue;
      const held = this.holder.get(name);
      // Another live node keeps a name it holds; a tombstone of a lost node gives way.
      if (held !== undefined && held !== view.node && this.byNode.get(held)?.status.state === 'live') continue;
      if (held !== undefined && held !== view.node) this.byNode.get(held)?.names.delete(name);
      if (held === view.node && p.names.get(name) === kind) continue;
      this.holder.set(name, view.node);
      entries.push({ name, shard: p.id, kind });
    }
    for (const name of p.names.keys()) {
      if (next.has(name) || this.holder.get(name) !== view.node) continue;
      this.holder.delete(name);
      entries.push({ name, shard: -1, kind: 'agent' });
    }
    p.names = new Map([...next].filter(([name]) => this.holder.get(name) === view.node));
    return { entries, subscriptions: this.replaceSubscriptions(p, view.subscriptions) };
  }

  /** A node was lost: its names become tombstones routed to its peer (dead-lettered as node_lost), its subscriptions end. */
  lost(node: string, reason: string): PeerChanges {
    const p = this.byNode.get(node);
    if (!p) return { entries: [], subscriptions: [] };
    p.status = { state: 'lost', reason };
    const entries: DirectoryEntry[] = [];
    for (const [name, kind] of p.names) {
      if (kind === 'agent') p.names.set(name, 'external');
      entries.push({ name, shard: p.id, kind: 'external' });
    }
    return { entries, subscriptions: this.replaceSubscriptions(p, []) };
  }

  /** A node left on purpose: its names and subscriptions are removed. */
  left(node: string): PeerChanges {
    const p = this.byNode.get(node);
    if (!p) return { entries: [], subscriptions: [] };
    p.status = { state: 'left' };
    const entries: DirectoryEntry[] = [];
    for (const name of p.names.keys()) {
      if (this.holder.get(name) !== node) continue;
      this.holder.delete(name);
      entries.push({ name, shard: -1, kind: 'agent' });
    }
    p.names.clear();
    return { entries, subscriptions: this.replaceSubscriptions(p, []) };
  }

  /** Everything known now, as changes from nothing (for a runtime that attaches after the link joined). */
  snapshot(): PeerChanges {
    const entries: DirectoryEntry[] = [];
    const subscriptions: SubscriptionChange[] = [];
    for (const p of this.byNode.values()) {
      for (const [name, kind] of p.names) entries.push({ name, shard: p.id, kind });
      for (const s of p.subscriptions.values())
        subscriptions.push({ agent: s.agent, topic: s.topic, action: 'subscribe', ...(s.filter ? { filter: s.filter } : {}) });
    }
    return { entries, subscriptions };
  }

  /** Every peer, by node name. */
  peers(): Array<{ node: string; peer: number; status: PeerState; names: number }> {
    return [...this.byNode.values()]
      .map((p) => ({ node: p.node, peer: p.id, status: p.status, names: p.names.size }))
      .sort((a, b) => a.node.localeCompare(b.node));
  }

  private peer(node: string): Peer {
    let p = this.byNode.get(node);
    if (!p) {
      p = { id: REMOTE_BASE + this.byNode.size, node, status: { state: 'live' }, names: new Map(), subscriptions: new Map() };
      this.byNode.set(node, p);
      this.byId.set(p.id, p);
    }
    return p;
  }

  private replaceSubscriptions(p: Peer, list: readonly AnnouncedSubscription[]): SubscriptionChange[] {
    const next = new Map(list.filter((s) => !this.own(s.agent)).map((s) => [subscriptionKey(s), s] as const));
    const changes: SubscriptionChange[] = [];
    for (const [k, s] of p.subscriptions) if (!next.has(k)) changes.push({ agent: s.agent, topic: s.topic, action: 'unsubscribe' });
    for (const [k, s] of next)
      if (!p.subscriptions.has(k))
        changes.push({ agent: s.agent, topic: s.topic, action: 'subscribe', ...(s.filter ? { filter: s.filter } : {}) });
    p.subscriptions = next;
    return changes;
  }
}

/** One key per (agent, topic, filter): a changed filter is an unsubscribe and a subscribe. */
function subscriptionKey(s: AnnouncedSubscription): string {
  return `${s.agent}\u0000${s.topic}\u0000${s.filter ? JSON.stringify(s.filter) : ''}`;
}
