/**
 * Clocks. Every timer in the runtime goes through one Clock, which keeps all pending timers in one min-heap
 * (one shared timer structure, not a host timer per call). SimulatedClock makes tests deterministic and fast.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the clock's epoch (the start of the run). */
  now(): number;
  /** Wall-clock time corresponding to now(), for ISO timestamps such as reply_by. */
  wallTime(): number;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/** A binary min-heap of timers ordered by (at, seq), with lazy deletion: a heap entry whose id is not pending was cancelled. */
class TimerHeap {
  private heap: Timer[] = [];
  /** Ids of the timers that will still fire (ids are never reused). */
  private pending = new Set<number>();

  get size(): number {
    return this.pending.size;
  }

  push(t: Timer): void {
    this.heap.push(t);
    this.pending.add(t.id);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(this.heap[i], this.heap[p])) break;
      [this.heap[i], this.heap[p]] = [this.heap[p], this.heap[i]];
      i = p;
    }
  }

  cancel(id: number): void {
    // O(1): the entry stays in the heap until it reaches the top (a scan of the heap made many timeouts quadratic).
    this.pending.delete(id);
  }

  peek(): Timer | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  pop(): Timer | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (!top) return undefined;
    this.removeTop();
    this.pending.delete(top.id);
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length && !this.pending.has(this.heap[0].id)) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop()!;
    if (!this.heap.length) return;
    this.heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1,
        r = l + 1;
      let m = i;
      if (l < this.heap.length && less(this.heap[l], this.heap[m])) m = l;
      if (r < this.heap.length && less(this.heap[r], this.heap[m])) m = r;
      if (m === i) return;
      [this.heap[i], this.heap[m]] = [this.heap[m], this.heap[i]];
      i = m;
    }
  }
}

function less(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A clock whose time moves only when the test says so. Timers fire in deadline order, ties in creation order. */
export class SimulatedClock implements Clock {
  private t = 0;
  private nextId = 1;
  private heap = new TimerHeap();

  constructor(private readonly epochWallMs = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.t;
  }
  wallTime(): number {
    return this.epochWallMs + this.t;
  }
  get pendingTimers(): number {
    return this.heap.size;
  }
  /** When the earliest pending timer is due (clock time), or undefined when none is pending. */
  nextDeadline(): number | undefined {
    return this.heap.peek()?.at;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.heap.push({ id, at: this.t + Math.max(0, delayMs), seq: id, fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.heap.cancel(handle.id);
  }

  /** Advance time by `ms`, firing due timers in order; awaits microtasks between timers so promise chains settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (let next = this.heap.peek(); next && next.at <= end; next = this.heap.peek()) {
      this.heap.pop();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }

  /**
   * Fire only the earliest pending timer if it is due by `limit` (moving time to it), without settling: a driver
   * that must check the system is quiet before each step of time (scenario runs with real worker threads) uses this.
   * Returns false, moving time to `limit` when given, if no timer was due.
   */
  fireNext(limit = Number.POSITIVE_INFINITY): boolean {
    const next = this.heap.peek();
    if (!next || next.at > limit) {
      if (Number.isFinite(limit)) this.t = Math.max(this.t, limit);
      return false;
    }
    this.heap.pop();
    this.t = Math.max(this.t, next.at);
    next.fn();
    return true;
  }

  /** Move time forward to `t` without firing anything (a stepped runtime fires due timers in its next step). */
  moveTo(t: number): void {
    this.t = Math.max(this.t, t);
  }

  /** Fire every pending timer (and timers they create) until none is left, up to `maxMs` of simulated time. */
  async runAll(maxMs = 24 * 3600_000): Promise<void> {
    const end = this.t + maxMs;
    await settle();
    for (let next = this.heap.peek(); next && next.at <= end; next = this.heap.peek()) {
      this.heap.pop();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
  }
}

/** Let pending promise callbacks (and the callbacks they schedule) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** The real clock: one host timer armed for the earliest deadline of the shared heap. */
export class RealClock implements Clock {
  private readonly start: number;
  private readonly epochWall: number;
  private nextId = 1;
  private heap = new TimerHeap();
  private armed: { at: number; handle: ReturnType<typeof setTimeout> } | undefined;

  /** `epochMs`: the Unix time (ms, high resolution) of clock 0, so clocks in several threads share one timeline. */
  constructor(epochMs = absoluteNow()) {
    this.start = epochMs - performance.timeOrigin;
    this.epochWall = epochMs;
  }

  now(): number {
    return performance.now() - this.start;
  }
  wallTime(): number {
    return this.epochWall + this.now();
  }
  /** The Unix time (ms) of clock 0. */
  get epochMs(): number {
    return this.epochWall;
  }

  /** When the earliest pending timer is due (clock time), or undefined. */
  nextDeadline(): number | undefined {
    return this.heap.peek()?.at;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.heap.push({ id, at: this.now() + Math.max(0, delayMs), seq: id, fn });
    this.arm();
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    // The host timer stays armed even when the heap empties: disarming and re-arming it for every short-lived
    // timeout would make one host timer per call after all. A stale wake-up finds nothing due and re-arms (unref'd).
    this.heap.cancel(handle.id);
  }

  private arm(): void {
    const next = this.heap.peek();
    if (!next) return;
    if (this.armed && this.armed.at <= next.at) return;
    if (this.armed) clearTimeout(this.armed.handle);
    const handle = setTimeout(() => this.fire(), Math.max(0, next.at - this.now()));
    handle.unref?.();
    this.armed = { at: next.at, handle };
  }

  private fire(): void {
    this.armed = undefined;
    const now = this.now();
    for (let next = this.heap.peek(); next && next.at <= now + 1; next = this.heap.peek()) {
      this.heap.pop();
      try {
        next.fn();
      } catch {
        /* a timer callback must not break the others */
      }
    }
    this.arm();
  }
}

/** Unix time in ms with sub-millisecond resolution, comparable across threads. */
export function absoluteNow(): number {
  return performance.timeOrigin + performance.now();
}
