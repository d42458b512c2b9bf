/**
 * What this node announces about itself (pure): its agents and outside parties, and their topic subscriptions with
 * filters, kept as the runtime reports changes, listed for the directory's announcement.
 */
import type { SubscriptionChange } from '../../router/router';
import type { DirectoryEntry } from '../../shard/directory';
import type { AnnouncedSubscription } from './directoryState';

/** See the file comment. */
export class OwnNames {
  private readonly names = new Map<string, DirectoryEntry['kind']>();
  private readonly subscriptions = new Map<string, AnnouncedSubscription>();

  /** Whether this node announces `name`. */
  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Apply directory entries of this node (shard < 0 removes); returns the names added and removed. */
  apply(entries: readonly DirectoryEntry[]): { added: string[]; removed: string[] } {
    const added: string[] = [],
      removed: string[] = [];
    for (const e of entries) {
      if (e.shard < 0) {
        if (this.names.delete(e.name)) removed.push(e.name);
        continue;
      }
      if (!this.names.has(e.name)) added.push(e.name);
      this.names.set(e.name, e.kind);
    }
    return { added, removed };
  }

  /** Apply subscription changes of this node's agents (one entry per agent and pattern; the last filter wins). */
  subscribe(changes: readonly SubscriptionChange[]): void {
    for (const c of changes) {
      const key = `${c.agent}\u0000${c.topic}`;
      if (c.action === 'subscribe')
        this.subscriptions.set(key, { agent: c.agent, topic: c.topic, ...(c.filter ? { filter: c.filter } : {}) });
      else this.subscriptions.delete(key);
    }
  }

  /** The lists an announcement carries. */
  lists(): { agents: string[]; externals: string[]; subscriptions: AnnouncedSubscription[] } {
    const agents: string[] = [],
      externals: string[] = [];
    for (const [name, kind] of this.names) (kind === 'agent' ? agents : externals).push(name);
    return { agents, externals, subscriptions: [...this.subscriptions.values()] };
  }
}
