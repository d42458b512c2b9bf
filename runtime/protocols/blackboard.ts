/**
 * The shared blackboard: entries with author, timestamp (runtime clock) and version; write-if-version
 * (optimistic concurrency: a conflict is reported, not applied); subscribers notified on change by key prefix.
 * The store is pure (BoardState in, BoardState out); `Blackboard` wires it to a clock, a trace and a notifier,
 * and implements the BlackboardService the router sends agents' blackboard effects to.
 */
import type { FipaMessage } from '../../schemas';
import type { BlackboardEntry, BlackboardService, BlackboardWriteResult, TraceSink } from '../core/types';
import type { Clock } from '../core/clock';

export type BoardState = ReadonlyMap<string, BlackboardEntry>;

/** Apply a write to a pure board: the next board and the result. `expectedVersion` 0 = only if the key is new. */
export function writeEntry(
  board: BoardState,
  key: string,
  value: unknown,
  author: string,
  now: number,
  expectedVersion?: number,
): { board: BoardState; result: BlackboardWriteResult } {
  const current = board.get(key);
  const currentVersion = current?.version ?? 0;
  if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
    return {
      board,
      result: { ok: false, reason: 'conflict', key, expectedVersion, currentVersion, ...(current ? { entry: current } : {}) },
    };
  }
  const entry: BlackboardEntry = { key, value, version: currentVersion + 1, author, updatedAt: now };
  const next = new Map(board);
  next.set(key, entry);
  return { board: next, result: { ok: true, entry } };
}

export interface BlackboardOptions {
  clock: Pick<Clock, 'now'>;
  trace: TraceSink;
  /** Delivers change notifications (normally the bus's send). */
  notify: (message: FipaMessage) => void;
  /** Whether an agent is still running; a subscriber that went away is forgotten (traced), not sent to. */
  isAlive?: (agent: string) => boolean;
  /** The sender name of notifications and of the blackboard agent. Default `blackboard`. */
  name?: string;
}

/** The runtime's blackboard service. */
export class Blackboard implements BlackboardService {
  private board: BoardState = new Map();
  private subs: Array<{ prefix: string; agent: string }> = [];
  readonly name: string;

  constructor(private readonly o: BlackboardOptions) {
    this.name = o.name ?? 'blackboard';
  }

  read(key: string, _reader?: string): BlackboardEntry | undefined {
    return this.board.get(key);
  }

  /** Every entry whose key starts with `prefix` (all by default), in key order. */
  entries(prefix = ''): BlackboardEntry[] {
    return [...this.board.values()].filter((e) => e.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /** Write-if-version; emits the blackboard_write trace event and notifies subscribers of an accepted write. */
  write(key: string, value: unknown, author: string, expectedVersion?: number): BlackboardWriteResult {
    const { board, result } = writeEntry(this.board, key, value, author, this.o.clock.now(), expectedVersion);
    this.board = board;
    const version = result.ok ? result.entry.version : result.reason === 'conflict' ? result.currentVersion : 0;
    this.o.trace.emit({ type: 'blackboard_write', key, version, author, accepted: result.ok });
    if (result.ok) this.publish(result.entry);
    return result;
  }

  subscribe(prefix: string, agent: string): void {
    if (this.subs.some((s) => s.prefix === prefix && s.agent === agent)) return;
    this.subs.push({ prefix, agent });
    this.o.trace.emit({ type: 'subscription', agent, topic: `blackboard:${prefix}`, action: 'subscribe' });
  }

  unsubscribe(prefix: string, agent: string): void {
    const before = this.subs.length;
    this.subs = this.subs.filter((s) => !(s.prefix === prefix && s.agent === agent));
    if (this.subs.length !== before)
      this.o.trace.emit({ type: 'subscription', agent, topic: `blackboard:${prefix}`, action: 'unsubscribe' });
  }

  /** Subscribers of a key (an agent once, however many of its prefixes match). */
  subscribersOf(key: string): string[] {
    return [...new Set(this.subs.filter((s) => key.startsWith(s.prefix)).map((s) => s.agent))];
  }

  private publish(entry: BlackboardEntry): void {
    for (const agent of this.subscribersOf(entry.key)) {
      if (agent === entry.author) continue;
      if (this.o.isAlive && !this.o.isAlive(agent)) {
        for (const s of this.subs.filter((x) => x.agent === agent)) this.unsubscribe(s.prefix, agent);
        continue;
      }
      this.o.notify({
        performative: 'inform',
        sender: this.name,
        receiver: agent,
        ontology: 'caxton-blackboard',
        conversation_id: `blackboard:${entry.key}`,
        content: {
          event: 'changed',
          key: entry.key,
          value: entry.value,
          version: entry.version,
          author: entry.author,
          updated_at: entry.updatedAt,
        },
      });
    }
  }
}
