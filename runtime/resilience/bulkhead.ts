/** The thin driver around bulkheadMachine: runs admitted calls, parks queued ones, rejects with a clear error. */
import type { TraceSink } from '../core/types';
import { bulkheadStep, emptyBulkhead, type BulkheadConfig, type BulkheadEvent, type BulkheadMachineState } from './bulkheadMachine';
import { BulkheadRejectedError } from './errors';
import { onAbort, PolicyAbortedError, type Policy, type PolicyContext } from './policy';

export interface BulkheadOptions extends BulkheadConfig {
  route: string;
  trace?: TraceSink;
}

const START = { kind: 'start' } as const;

/** Limit concurrent calls to one agent, with a bounded FIFO queue. */
export class Bulkhead implements Policy {
  private machine: BulkheadMachineState = emptyBulkhead;
  private nextId = 1;
  private readonly waiting = new Map<number, () => void>();

  constructor(private readonly opts: BulkheadOptions) {
    if (!(opts.maxConcurrent >= 1)) throw new Error(`bulkhead for ${opts.route}: max_concurrent must be at least 1`);
    if (!(opts.maxQueue >= 0)) throw new Error(`bulkhead for ${opts.route}: max_queue must be 0 or more`);
  }

  get active(): number {
    return this.machine.active;
  }
  get queued(): number {
    return this.machine.queue.length;
  }

  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx: PolicyContext = {}): Promise<T> {
    const id = this.nextId++;
    const m = this.machine;
    // Fast path, same answer as bulkheadStep: a free slot and nobody waiting starts the call.
    const fx =
      m.active < this.opts.maxConcurrent && m.queue.length === 0
        ? ((this.machine = { active: m.active + 1, queue: m.queue }), START)
        : this.step({ type: 'request', id })[0];
    if (fx.kind === 'reject') {
      this.opts.trace?.emit({ type: 'bulkhead_rejected', route: this.opts.route, active: fx.active, queued: fx.queued });
      return Promise.reject(new BulkheadRejectedError(this.opts.route, fx.active, fx.queued, this.opts.maxConcurrent, this.opts.maxQueue));
    }
    // then() rather than async/await: fewer promise hops on the common, uncontended path.
    const run = (): Promise<T> => {
      let p: Promise<T>;
      try {
        p = fn(ctx);
      } catch (e) {
        p = Promise.reject(e);
      }
      return p.then(
        (v) => {
          this.release();
          return v;
        },
        (e: unknown) => {
          this.release();
          throw e;
        },
      );
    };
    return fx.kind === 'enqueue' ? this.wait(id, ctx.signal).then(run) : run();
  }

  private wait(id: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const off = onAbort(signal, () => {
        this.waiting.delete(id);
        this.step({ type: 'cancel', id });
        reject(new PolicyAbortedError(this.opts.route, signal?.reason));
      });
      this.waiting.set(id, () => {
        off();
        resolve();
      });
    });
  }

  private release(): void {
    const m = this.machine;
    // Fast path, same answer as bulkheadStep: nobody waiting, one slot fewer in use.
    if (m.queue.length === 0) {
      this.machine = { active: Math.max(0, m.active - 1), queue: m.queue };
      return;
    }
    for (const fx of this.step({ type: 'release' })) {
      if (fx.kind !== 'start') continue;
      const go = this.waiting.get(fx.id);
      this.waiting.delete(fx.id);
      go?.();
    }
  }

  private step(event: BulkheadEvent): readonly import('./bulkheadMachine').BulkheadEffect[] {
    const next = bulkheadStep(this.machine, event, this.opts);
    this.machine = next.state;
    return next.effects;
  }
}
