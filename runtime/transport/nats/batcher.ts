/**
 * Packs items (JSON envelopes) per subject into NATS messages of at most maxBytes and maxCount items, flushed when a
 * batch is full, on flush(), or automatically once per turn of the event loop ('immediate', the default: everything
 * queued during one turn goes out together) or at the end of the current job ('microtask').
 */
import { batchBytes, encodeBatch, maxItemBytes } from './batchCodec';
import { MessageTooLargeError } from './natsErrors';

/** How full batches may get and when they leave on their own. */
export interface BatcherOptions {
  /** The largest NATS payload (the link's min(our limit, server max_payload)). */
  maxBytes: number;
  /** Items per NATS message at most (default 1000). */
  maxCount?: number;
  /** When a partial batch leaves without flush(): 'immediate' (setImmediate), 'microtask', or 'manual'. */
  auto?: 'immediate' | 'microtask' | 'manual';
  /** For the too-large error: caxton's own message limit and the server's max_payload. */
  ourLimit?: number;
  maxPayload?: number;
}

/** What the batcher hands to the link: a subject, the encoded batch and how many items it holds. */
export type SendBatch = (subject: string, payload: Uint8Array, count: number) => void;

interface Pending {
  items: string[];
  bytes: number;
}

/** Per-subject batches of JSON items. */
export class Batcher {
  private readonly pending = new Map<string, Pending>();
  private scheduled = false;
  private readonly maxCount: number;
  private readonly auto: 'immediate' | 'microtask' | 'manual';
  /** NATS messages and items sent so far. */
  batches = 0;
  items = 0;

  constructor(
    private readonly send: SendBatch,
    private readonly options: BatcherOptions,
  ) {
    this.maxCount = options.maxCount ?? 1000;
    this.auto = options.auto ?? 'immediate';
    if (!(options.maxBytes > 2) || !(this.maxCount >= 1))
      throw new RangeError(`batcher: maxBytes must be > 2 and maxCount >= 1 (got ${options.maxBytes}, ${this.maxCount})`);
  }

  /** Queue one item (a JSON text) for a subject; throws MessageTooLargeError when it cannot fit even alone. */
  add(subject: string, item: string): void {
    const size = Buffer.byteLength(item, 'utf8');
    const limit = maxItemBytes(this.options.maxBytes);
    if (size > limit)
      throw new MessageTooLargeError(
        size,
        limit,
        this.options.ourLimit ?? this.options.maxBytes,
        this.options.maxPayload ?? this.options.maxBytes,
        'an envelope',
      );
    let batch = this.pending.get(subject);
    if (batch && batchBytes(batch.bytes + size, batch.items.length + 1) > this.options.maxBytes) {
      this.sendOne(subject, batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { items: [], bytes: 0 };
      this.pending.set(subject, batch);
    }
    batch.items.push(item);
    batch.bytes += size;
    if (batch.items.length >= this.maxCount) this.sendOne(subject, batch);
    else this.schedule();
  }

  /** Send every partial batch now (or only one subject's); returns how many NATS messages left. */
  flush(subject?: string): number {
    const before = this.batches;
    if (subject !== undefined) {
      const batch = this.pending.get(subject);
      if (batch) this.sendOne(subject, batch);
    } else {
      for (const [s, batch] of [...this.pending]) this.sendOne(s, batch);
    }
    return this.batches - before;
  }

  /** Items queued and not yet sent. */
  get queued(): number {
    let n = 0;
    for (const b of this.pending.values()) n += b.items.length;
    return n;
  }

  private sendOne(subject: string, batch: Pending): void {
    this.pending.delete(subject);
    if (!batch.items.length) return;
    this.batches++;
    this.items += batch.items.length;
    this.send(subject, encodeBatch(batch.items), batch.items.length);
  }

  private schedule(): void {
    if (this.scheduled || this.auto === 'manual') return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.flush();
    };
    if (this.auto === 'microtask') queueMicrotask(run);
    else setImmediate(run);
  }
}
