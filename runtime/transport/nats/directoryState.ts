/**
 * The directory of which agent lives on which node, as pure state fed by the control messages of the cluster
 * (announce / heartbeat / bye) and a clock: no I/O, so joins, losses, restarts and conflicts are tested on simulated
 * time. NatsDirectory drives it over NATS.
 */

/** A node's full list of agents (sent on join, on change, and in reply to hello or a query), its outside parties and topic subscriptions. */
export interface Announcement {
  node: string;
  epoch: string;
  version: number;
  agents: string[];
  externals?: string[];
  subscriptions?: AnnouncedSubscription[];
}
/** A topic subscription of an agent (or outside party) of the announcing node, with its content filter. */
export interface AnnouncedSubscription {
  agent: string;
  topic: string;
  filter?: Record<string, unknown>;
}
/** A node is alive, and its list is at `version`. */
export interface Heartbeat {
  node: string;
  epoch: string;
  version: number;
}
/** A node leaves on purpose. */
export interface Bye {
  node: string;
  epoch: string;
}

/** What a node looks like from here. */
export interface NodeView {
  node: string;
  epoch: string;
  agents: string[];
  externals: string[];
  subscriptions: AnnouncedSubscription[];
  version: number;
  lastSeen: number;
  self: boolean;
}

/** Changes the directory reports. */
export type DirectoryEvent =
  | { type: 'joined'; node: string; agents: string[] }
  /** A known node announced a newer list (agents, outside parties or subscriptions changed); read it with `view`. */
  | { type: 'changed'; node: string }
  /** A node went silent for longer than lostAfterMs, or came back with a new epoch (it restarted: what it held is gone). */
  | { type: 'lost'; node: string; agents: string[]; reason: 'silent' | 'restarted'; silentMs: number }
  | { type: 'left'; node: string; agents: string[] }
  /** Two live nodes claim one agent (the first claimant keeps it), or another process uses this node's name. */
  | { type: 'conflict'; agent?: string; node: string; owner: string; detail: string };

/** Node names and agent names travel in control messages: the same character rules as agent names. */
const NAME = /^[A-Za-z_][A-Za-z0-9_.@:-]*$/;

/** Why a node name is unusable, or undefined when it is fine (the same characters as agent names). */
export function nodeNameProblem(node: string): string | undefined {
  if (NAME.test(node) && node.length <= 128) return undefined;
  return `the node name ${JSON.stringify(node)} is invalid; use letters, digits and _.@:- (starting with a letter or _), at most 128 characters, e.g. --name worker-1`;
}

/** Check a control payload's shape; undefined when it is not one (such messages are ignored and counted). */
export function readControl(kind: 'announce' | 'heartbeat' | 'bye', value: unknown): Announcement | Heartbeat | Bye | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.node !== 'string' || !NAME.test(v.node) || typeof v.epoch !== 'string' || !v.epoch || v.epoch.length > 64) return undefined;
  if (kind === 'bye') return { node: v.node, epoch: v.epoch };
  if (!Number.isInteger(v.version) || (v.version as number) < 0) return undefined;
  if (kind === 'heartbeat') return { node: v.node, epoch: v.epoch, version: v.version as number };
  if (!isNameList(v.agents)) return undefined;
  if (v.externals !== undefined && !isNameList(v.externals)) return undefined;
  if (v.subscriptions !== undefined && !(Array.isArray(v.subscriptions) && v.subscriptions.every(isSubscription))) return undefined;
  return {
    node: v.node,
    epoch: v.epoch,
    version: v.version as number,
    agents: v.agents,
    ...(v.externals ? { externals: v.externals as string[] } : {}),
    ...(v.subscriptions ? { subscriptions: v.subscriptions as AnnouncedSubscription[] } : {}),
  };
}

function isNameList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((a) => typeof a === 'string' && NAME.test(a));
}

function isSubscription(v: unknown): v is AnnouncedSubscription {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  const filterOk = s.filter === undefined || (typeof s.filter === 'object' && s.filter !== null && !Array.isArray(s.filter));
  return (
    typeof s.agent === 'string' &&
    NAME.test(s.agent) &&
    typeof s.topic === 'string' &&
    s.topic.startsWith('topic://') &&
    s.topic.length <= 1024 &&
    filterOk
  );
}

/** The directory's state: nodes by name, agents by name, and the rule that declares a silent node lost. */
export class DirectoryState {
  private readonly byNode = new Map<string, NodeView>();
  private readonly owner = new Map<string, string>();
  /** Agents that more than one node announced (a conflict was reported). */
  private readonly contested = new Set<string>();

  constructor(
    readonly self: Announcement,
    private readonly lostAfterMs: number,
    now: number,
  ) {
    this.byNode.set(self.node, { ...viewOf(self), lastSeen: now, self: true });
    for (const a of self.agents) this.owner.set(a, self.node);
  }

  /** The node hosting an agent, if a live node announced it. */
  lookup(agent: string): string | undefined {
    return this.owner.get(agent);
  }

  /** Every live node (this one included), by name. */
  nodes(): NodeView[] {
    return [...this.byNode.values()].map((n) => ({ ...n, agents: [...n.agents] })).sort((a, b) => a.node.localeCompare(b.node));
  }

  /** One live node as known now (not a copy: read, do not change). */
  view(node: string): Readonly<NodeView> | undefined {
    return this.byNode.get(node);
  }

  /** This node's new list of agents (version + 1); returns the announcement to publish and any conflicts. */
  setOwn(
    agents: string[],
    more: Pick<Announcement, 'externals' | 'subscriptions'> = {},
  ): { announcement: Announcement; events: DirectoryEvent[] } {
    const me = this.byNode.get(this.self.node)!;
    const announcement: Announcement = { node: me.node, epoch: me.epoch, version: me.version + 1, agents: [...agents], ...more };
    return { announcement, events: this.apply(announcement, me.lastSeen) };
  }

  /** A full list from a node (maybe this one's own echo). */
  announce(a: Announcement, now: number): DirectoryEvent[] {
    if (a.node === this.self.node) {
      // Our own echo changes nothing (setOwn did it); the same name with another epoch is a second process.
      if (a.epoch === this.self.epoch) return [];
      return [
        {
          type: 'conflict',
          node: a.node,
          owner: this.self.node,
          detail: `another process announces itself as node ${a.node}; give each node its own --name`,
        },
      ];
    }
    return this.apply(a, now);
  }

  /** A heartbeat: refreshes the node; `query` is true when its list is unknown or older than its version here. */
  heartbeat(h: Heartbeat, now: number): { events: DirectoryEvent[]; query: boolean } {
    if (h.node === this.self.node) return { events: [], query: false };
    const known = this.byNode.get(h.node);
    if (!known) return { events: [], query: true };
    if (known.epoch !== h.epoch) return { events: this.drop(known, 'restarted', now), query: true };
    known.lastSeen = now;
    return { events: [], query: h.version > known.version };
  }

  /** A node leaves on purpose. */
  bye(b: Bye): DirectoryEvent[] {
    const known = this.byNode.get(b.node);
    if (!known || known.self || known.epoch !== b.epoch) return [];
    this.remove(known);
    return [{ type: 'left', node: known.node, agents: known.agents }];
  }

  /** Count every node as seen now (after this node was cut off from NATS: their silence was ours). */
  touchAll(now: number): void {
    for (const n of this.byNode.values()) n.lastSeen = now;
  }

  /** Declare lost every other node silent for more than lostAfterMs. */
  tick(now: number): DirectoryEvent[] {
    const events: DirectoryEvent[] = [];
    for (const n of [...this.byNode.values()]) {
      if (!n.self && now - n.lastSeen > this.lostAfterMs) events.push(...this.drop(n, 'silent', now));
    }
    return events;
  }

  private apply(a: Announcement, now: number): DirectoryEvent[] {
    const events: DirectoryEvent[] = [];
    let known = this.byNode.get(a.node);
    if (known && known.epoch !== a.epoch) {
      events.push(...this.drop(known, 'restarted', now));
      known = undefined;
    }
    if (known && a.version <= known.version && !known.self) {
      known.lastSeen = now;
      return events;
    }
    const joined = !known;
    if (known) for (const agent of known.agents) if (this.owner.get(agent) === a.node) this.owner.delete(agent);
    const view: NodeView = { ...viewOf(a), lastSeen: now, self: a.node === this.self.node };
    this.byNode.set(a.node, view);
    for (const agent of a.agents) {
      const owner = this.owner.get(agent);
      if (owner === undefined || owner === a.node) this.owner.set(agent, a.node);
      else {
        this.contested.add(agent);
        events.push({
          type: 'conflict',
          agent,
          node: a.node,
          owner,
          detail: `agent ${agent} is announced by node ${a.node} but lives on node ${owner}; messages keep going to ${owner}`,
        });
      }
    }
    if (joined) events.push({ type: 'joined', node: a.node, agents: [...a.agents] });
    else if (!view.self) events.push({ type: 'changed', node: a.node });
    return events;
  }

  private drop(n: NodeView, reason: 'silent' | 'restarted', now: number): DirectoryEvent[] {
    this.remove(n);
    return [{ type: 'lost', node: n.node, agents: n.agents, reason, silentMs: now - n.lastSeen }];
  }

  private remove(n: NodeView): void {
    this.byNode.delete(n.node);
    for (const agent of n.agents) {
      if (this.owner.get(agent) !== n.node) continue;
      this.owner.delete(agent);
      // Another live node that claimed it too takes it over (only contested names are looked for: a lost node of
      // 10,000 agents must not cost 10,000 scans of every node's list).
      if (!this.contested.has(agent)) continue;
      const next = [...this.byNode.values()].find((o) => o.agents.includes(agent));
      if (next) this.owner.set(agent, next.node);
      else this.contested.delete(agent);
    }
  }
}

function viewOf(a: Announcement): Omit<NodeView, 'lastSeen' | 'self'> {
  return {
    node: a.node,
    epoch: a.epoch,
    version: a.version,
    agents: [...a.agents],
    externals: [...(a.externals ?? [])],
    subscriptions: [...(a.subscriptions ?? [])],
  };
}
