/**
 * Growable typed columns for the trace indexes: a million events keep their row and event numbers in flat typed
 * arrays (4 or 8 bytes each) instead of objects, and prefixes "before the cursor" are found by binary search.
 */

/** A growable column of 32-bit integers. */
export class IntColumn {
  private data: Int32Array;
  length = 0;
  constructor(capacity = 256) {
    this.data = new Int32Array(capacity);
  }

  /** Append a value; returns its index. */
  push(value: number): number {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  get(i: number): number {
    return this.data[i];
  }
  set(i: number, value: number): void {
    this.data[i] = value;
  }
  /** The last value, or `fallback` when empty. */
  last(fallback = -1): number {
    return this.length ? this.data[this.length - 1] : fallback;
  }

  /** How many values are below `limit` (the column must be ascending, as event and row numbers are). */
  countBelow(limit: number): number {
    return lowerBound(this.length, (i) => this.data[i], limit);
  }

  /** Forget everything (keeps the buffer). */
  clear(): void {
    this.length = 0;
  }
}

/** A growable column of doubles (times, fuel, bytes). */
export class FloatColumn {
  private data: Float64Array;
  length = 0;
  constructor(capacity = 256) {
    this.data = new Float64Array(capacity);
  }

  push(value: number): number {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }

  get(i: number): number {
    return this.data[i];
  }
  last(fallback = 0): number {
    return this.length ? this.data[this.length - 1] : fallback;
  }
}

/** The first index in [0, n) whose `key` is >= limit, for keys ascending with the index. */
export function lowerBound(n: number, key: (i: number) => number, limit: number): number {
  let lo = 0,
    hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(mid) < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
