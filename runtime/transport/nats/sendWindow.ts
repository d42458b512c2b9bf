/**
 * When deliveries went to each peer lately, and when each peer was last heard from (pure): when a node is declared
 * lost after a silence, what was sent to it after its last sign of life may have been lost unseen (core NATS is
 * at-most-once). Bounded per peer: the oldest records are forgotten first.
 */

/** Send records kept per peer (each a time and a count). */
const KEEP = 65_536;

/** See the file comment. */
export class SendWindow {
  private readonly sends = new Map<number, Array<[t: number, count: number]>>();
  private readonly heard = new Map<number, number>();

  /** `count` deliveries went to `peer` at `now` (ms). */
  add(peer: number, count: number, now: number): void {
    let list = this.sends.get(peer);
    if (!list) {
      list = [];
      this.sends.set(peer, list);
    }
    const last = list[list.length - 1];
    if (last && last[0] === now) {
      last[1] += count;
      return;
    }
    list.push([now, count]);
    if (list.length > KEEP) list.splice(0, list.length - KEEP / 2);
  }

  /** Something arrived from `peer` at `now`: it was alive then. */
  heardFrom(peer: number, now: number): void {
    this.heard.set(peer, Math.max(now, this.heard.get(peer) ?? 0));
  }

  /** Deliveries to `peer` after its last sign of life (`since`, or a later arrival from it); the peer's history is forgotten. */
  take(peer: number, since: number): number {
    const from = Math.max(since, this.heard.get(peer) ?? Number.NEGATIVE_INFINITY);
    const list = this.sends.get(peer) ?? [];
    this.sends.delete(peer);
    this.heard.delete(peer);
    return list.reduce((n, [t, count]) => (t > from ? n + count : n), 0);
  }
}
