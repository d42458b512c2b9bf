/** Undeliverable messages, kept with the reason (a bounded record: the oldest are forgotten first). */
import type { DropCode, FipaMessage } from '../../schemas';

export type { DropCode };

export interface DeadLetter {
  /** Clock time of the drop. */
  t: number;
  code: DropCode;
  /** A sentence a person can act on. */
  reason: string;
  /** The receiver it was meant for, when one was resolved. */
  to?: string;
  message: FipaMessage;
}

/** A bounded list of dead letters. */
export class DeadLetterRecord {
  private readonly items: DeadLetter[] = [];
  private total = 0;
  constructor(private readonly capacity = 1000) {}

  /** Record a letter (`count` > 1: it stands for several drops of the same kind). */
  add(letter: DeadLetter, count = 1): void {
    this.total += count;
    this.items.push(letter);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** The most recent dead letters, oldest first. */
  list(): DeadLetter[] {
    return [...this.items];
  }
  /** How many messages were ever dropped (including those no longer kept). */
  get count(): number {
    return this.total;
  }
}
