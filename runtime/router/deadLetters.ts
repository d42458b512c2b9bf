/** Undeliverable messages, kept with the reason (a bounded record: the oldest are forgotten first). */
import type { FipaMessage } from '../../schemas';

export type DropCode =
  | 'unknown_agent' | 'mailbox_full' | 'agent_failed' | 'too_large' | 'invalid' | 'protocol_violation'
  | 'no_subscribers' | 'duplicate' | 'not_running' | 'refused';

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

  add(letter: DeadLetter): void {
    this.total++;
    this.items.push(letter);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** The most recent dead letters, oldest first. */
  list(): DeadLetter[] { return [...this.items]; }
  /** How many messages were ever dropped (including those no longer kept). */
  get count(): number { return this.total; }
}
