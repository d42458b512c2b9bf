/**
 * Merge the traces of several nodes into one (pure). Order comes from causality only, never from wall clocks (each
 * node's `t` is on its own clock and clocks disagree):
 *   - within a node, its own `seq` order;
 *   - across nodes, a message's `message_sent` comes before its `message_delivered` / `message_dropped` (same id).
 * Each event gets a Lamport time (one more than the latest of its predecessor on its node and, for a delivery, the
 * send), and the merge is sorted by (Lamport time, node order, per-node seq): a linear extension of the causal order
 * that interleaves the nodes, the same for the same inputs. Events get `node` (kept if present) and a fresh `seq`;
 * `t` is kept as its node recorded it.
 */
import type { TraceEvent } from '../../schemas';

/** One node's trace: the name to give its events (when they carry none) and its events in any order. */
export interface NodeTrace {
  node: string;
  events: TraceEvent[];
}

export interface MergedTrace {
  events: TraceEvent[];
  /** Inconsistencies found and how they were resolved (e.g. a delivery whose send never comes first). */
  problems: string[];
}

interface Item {
  e: TraceEvent;
  node: string;
  nodeIndex: number;
  lamport: number;
}

const RECEIVES = new Set(['message_delivered', 'message_dropped']);

/** Merge traces of several nodes into one causally ordered trace with fresh seq and a `node` on every event. */
export function mergeTraces(traces: readonly NodeTrace[]): MergedTrace {
  const problems: string[] = [];
  const streams = traces.map((t, nodeIndex) =>
    [...t.events].sort((a, b) => a.seq - b.seq).map((e): Item => ({ e, node: e.node ?? t.node, nodeIndex, lamport: 0 })),
  );
  // The sends of each message id, over all nodes: a receive waits until one of them is placed.
  const sends = new Map<string, Item[]>();
  for (const s of streams)
    for (const it of s) if (it.e.type === 'message_sent') (sends.get(it.e.id) ?? sends.set(it.e.id, []).get(it.e.id)!).push(it);
  const placedSend = new Map<string, number>();
  const heads = streams.map(() => 0);
  const clock = streams.map(() => 0);
  const out: Item[] = [];
  let remaining = streams.reduce((n, s) => n + s.length, 0);
  while (remaining > 0) {
    let progressed = false;
    for (let n = 0; n < streams.length; n++) {
      // Advance this node as far as its next event's dependency allows.
      while (heads[n] < streams[n].length) {
        const it = streams[n][heads[n]];
        const dep = dependency(it, sends, placedSend);
        if (dep === 'wait') break;
        it.lamport = Math.max(clock[n], dep) + 1;
        clock[n] = it.lamport;
        if (it.e.type === 'message_sent' && !placedSend.has(it.e.id)) placedSend.set(it.e.id, it.lamport);
        out.push(it);
        heads[n]++;
        remaining--;
        progressed = true;
      }
    }
    if (!progressed) {
      // Every node waits on a send that waits in turn: the traces contradict each other. Release the earliest blocked
      // receive (by node order) as if its send were unknown, and say so.
      const n = heads.findIndex((h, i) => h < streams[i].length);
      const it = streams[n][heads[n]];
      const id = (it.e as { id?: string }).id;
      problems.push(
        `${it.node} seq ${it.e.seq}: ${it.e.type} of message ${id} cannot come after its message_sent (the traces contradict each other: a cycle); placed without it`,
      );
      sends.delete(id!);
    }
  }
  out.sort((a, b) => a.lamport - b.lamport || a.nodeIndex - b.nodeIndex || a.e.seq - b.e.seq);
  return { events: out.map((it, seq) => ({ ...it.e, node: it.node, seq }) as TraceEvent), problems };
}

/** The Lamport time a receive must exceed (its send's), 0 when it depends on nothing, 'wait' while its send is not placed. */
function dependency(it: Item, sends: Map<string, Item[]>, placed: Map<string, number>): number | 'wait' {
  if (!RECEIVES.has(it.e.type)) return 0;
  const id = (it.e as { id?: string }).id;
  if (id === undefined) return 0;
  const candidates = sends.get(id);
  // A receive of a message no trace shows being sent (it came from outside, or its sender's trace is missing).
  if (!candidates) return 0;
  const t = placed.get(id);
  if (t !== undefined) return t;
  // The send is on this very node, later in its own order: node order wins (it cannot be waited for).
  if (candidates.every((c) => c.nodeIndex === it.nodeIndex)) return 0;
  return 'wait';
}
