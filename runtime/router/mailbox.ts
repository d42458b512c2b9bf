/** A bounded FIFO queue: the agent's mailbox. Full means the sender gets backpressure (the message is refused). */
export class Mailbox<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }
  get full(): boolean {
    return this.length >= this.capacity;
  }

  /** Append; returns false (and keeps nothing) when the mailbox is full. */
  offer(item: T): boolean {
    if (this.full) return false;
    this.items.push(item);
    return true;
  }

  /** Take the oldest item. */
  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    // Compact now and then so a long-lived mailbox does not keep every message it ever held.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Remove and return everything still queued. */
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

/** The last N ids seen (duplicate suppression by message_id), forgetting the oldest beyond the window. */
export class RecentIds {
  private readonly set = new Set<string>();
  constructor(private readonly window: number) {}

  has(id: string): boolean {
    return this.set.has(id);
  }

  add(id: string): void {
    this.set.add(id);
    if (this.set.size > this.window) this.set.delete(this.set.values().next().value as string);
  }
}
