/**
 * Which shard hosts which agent (and outside party). Every shard holds a replica, updated by the coordinator
 * (at step boundaries in simulated runs), and uses it as its router's remote routes.
 */
import type { Envelope, RemoteRoutes } from '../router/router';

/** A directory entry: the shard, and whether the name is an agent (broadcast reaches it) or an outside party. */
export interface DirectoryEntry {
  name: string;
  shard: number;
  kind: 'agent' | 'external';
}

/** See the file comment. */
export class Directory implements RemoteRoutes {
  private readonly where = new Map<string, DirectoryEntry>();
  private sortedAgents: string[] | undefined;

  /** `forward` hands envelopes for other shards to the transport (an outbox, a worker port, NATS). */
  constructor(
    readonly self: number,
    private readonly forwardFn: (shard: number, envelope: Envelope) => void = () => {},
  ) {}

  /** Add or move an entry. */
  set(entry: DirectoryEntry): void {
    const old = this.where.get(entry.name);
    this.where.set(entry.name, entry);
    if (entry.kind === 'agent' || old?.kind === 'agent') this.sortedAgents = undefined;
  }

  delete(name: string): void {
    const old = this.where.get(name);
    if (!old) return;
    this.where.delete(name);
    if (old.kind === 'agent') this.sortedAgents = undefined;
  }

  /** Apply entries (`shard` < 0 removes the name). */
  apply(changes: readonly DirectoryEntry[]): void {
    for (const c of changes)
      if (c.shard < 0) this.delete(c.name);
      else this.set(c);
  }

  get(name: string): DirectoryEntry | undefined {
    return this.where.get(name);
  }
  entries(): DirectoryEntry[] {
    return [...this.where.values()];
  }

  lookup(name: string): number | undefined {
    const e = this.where.get(name);
    return e && e.shard !== this.self ? e.shard : undefined;
  }

  agentNames(): string[] {
    this.sortedAgents ??= [...this.where.values()]
      .filter((e) => e.kind === 'agent')
      .map((e) => e.name)
      .sort();
    return this.sortedAgents;
  }

  forward(shard: number, envelope: Envelope): void {
    this.forwardFn(shard, envelope);
  }
}
