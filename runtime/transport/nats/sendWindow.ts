/**
 * How many deliveries went to each peer lately, in 100 ms buckets (pure): when a node is declared lost after a
 * silence, what was sent to it during that silence may have been lost unseen (core NATS is at-most-once).
 */

const BUCKET_MS = 100;
/** Buckets kept per peer (older ones are forgotten): one minute. */
const KEEP = 600;

/** See the file comment. */
export class SendWindow {
  private readonly byPeer = new Map<number, Array<[start: number, count: number]>>();

  /** `count` deliveries went to `peer` at `now` (ms). */
  add(peer: number, count: number, now: number): void {
    const start = now - (now % BUCKET_MS);
    let list = this.byPeer.get(peer);
    if (!list) { list = []; this.byPeer.set(peer, list); }
    const last = list[list.length - 1];
    if (last && last[0] === start) { last[1] += count; return; }
    list.push([start, count]);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
  }

  /** Deliveries to `peer` since `since` (ms; the bucket holding `since` counts whole), and forget the peer's history. */
  take(peer: number, since: number): number {
    const list = this.byPeer.get(peer) ?? [];
    this.byPeer.delete(peer);
    const from = since - (since % BUCKET_MS);
    return list.reduce((n, [start, count]) => (start >= from ? n + count : n), 0);
  }
}
