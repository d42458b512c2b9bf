/** A timeout on the injected Clock (one shared timer heap, not a host timer per call); aborts the call's signal. */
import type { Clock } from '../core/clock';
import type { TraceSink } from '../core/types';
import { TimeoutError } from './errors';
import { onAbort, type Policy, type PolicyContext } from './policy';

export interface TimeoutOptions {
  route: string;
  timeoutMs: number;
  clock: Clock;
  trace?: TraceSink;
}

/** Reject with TimeoutError when the call outlives `timeoutMs`; the call sees its signal aborted. */
export class TimeoutPolicy implements Policy {
  constructor(private readonly opts: TimeoutOptions) {}

  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx: PolicyContext = {}): Promise<T> {
    const { clock, timeoutMs, route } = this.opts;
    const inner = new LazySignalContext(ctx.attempt);
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const timer = clock.setTimer(timeoutMs, () => {
        if (done) return;
        done = true;
        offOuter();
        const err = new TimeoutError(route, timeoutMs);
        this.opts.trace?.emit({ type: 'timeout', waiting: route, deadline: clock.now() });
        inner.abort(err);
        reject(err);
      });
      const finish = (settle: () => void): void => {
        if (done) return;
        done = true;
        clock.clearTimer(timer);
        offOuter();
        settle();
      };
      // An outer abort (a caller giving up) is passed on to the call, which settles as it will: policies inside
      // (the breaker) still learn the real outcome, e.g. a late trap from a branch scatter-gather no longer needs.
      const offOuter = onAbort(ctx.signal, () => inner.abort(ctx.signal?.reason));
      let p: Promise<T>;
      try {
        p = fn(inner);
      } catch (e) {
        finish(() => reject(e));
        return;
      }
      p.then(
        (v) => finish(() => resolve(v)),
        (e) => finish(() => reject(e)),
      );
    });
  }
}

/** Node's AbortSignal is costly to create and most calls never read it: it is made on first read. */
class LazySignalContext implements PolicyContext {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;
  constructor(readonly attempt: number | undefined) {}
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
  abort(reason: unknown): void {
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}
