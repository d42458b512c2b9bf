/** The thin driver around breakerMachine: feeds it the clock, performs admit/reject, emits `breaker_state` events. */
import type { Clock } from '../core/clock';
import type { TraceSink } from '../core/types';
import type { BreakerState } from '../../schemas';
import {
  breakerStep,
  checkBreakerConfig,
  initialBreakerState,
  type BreakerConfig,
  type BreakerEvent,
  type BreakerMachineState,
} from './breakerMachine';
import { BrokenCircuitError } from './errors';
import { PolicyAbortedError, type Policy, type PolicyContext } from './policy';

export interface CircuitBreakerOptions {
  route: string;
  config: BreakerConfig;
  clock: Clock;
  trace?: TraceSink;
  /** Which errors count as failures (default: every error but PolicyAbortedError, a caller that left). */
  isFailure?: (error: unknown) => boolean;
}

/** A circuit breaker for one agent or route. */
export class CircuitBreaker implements Policy {
  private machine: BreakerMachineState = initialBreakerState();
  readonly route: string;

  constructor(private readonly opts: CircuitBreakerOptions) {
    const problems = checkBreakerConfig(opts.config);
    if (problems.length) throw new Error(`circuit_breaker for ${opts.route}: ${problems.join('; ')}`);
    this.route = opts.route;
  }

  /** The state as of now (an open breaker past its reset timeout still reads `open` until a call arrives). */
  get state(): BreakerState {
    return this.machine.name;
  }

  /** Would a call be admitted right now? (No state change; used to skip open agents when choosing one.) */
  isCallable(): boolean {
    const s = this.machine;
    if (s.name === 'closed') return true;
    if (s.name === 'open') return this.opts.clock.now() >= s.openedAt + this.opts.config.resetTimeoutMs;
    return s.admitted < this.opts.config.halfOpenMaxCalls;
  }

  execute<T>(fn: (ctx: PolicyContext) => Promise<T>, ctx: PolicyContext = {}): Promise<T> {
    // Fast path, same answer as breakerStep: a closed breaker admits without reading the clock.
    let gen = this.machine.gen;
    if (this.machine.name !== 'closed') {
      const admitted = this.step({ type: 'request', now: this.opts.clock.now() });
      if (admitted.kind === 'reject') return Promise.reject(new BrokenCircuitError(this.route, admitted.retryAfterMs));
      gen = admitted.gen;
    }
    let p: Promise<T>;
    try {
      p = fn(ctx);
    } catch (e) {
      p = Promise.reject(e);
    }
    // then() rather than async/await: one promise hop less per call (this sits on every agent call).
    return p.then(
      (v) => {
        // Fast path, same answer as breakerStep: success on a healthy count-based breaker changes nothing.
        const m = this.machine;
        if (!(m.name === 'closed' && m.gen === gen && m.consecutive === 0 && this.opts.config.failureRate === undefined)) {
          this.step({ type: 'success', now: this.opts.clock.now(), gen });
        }
        return v;
      },
      (e: unknown) => {
        const now = this.opts.clock.now();
        if (e instanceof PolicyAbortedError) this.step({ type: 'cancelled', now, gen });
        else this.step({ type: this.opts.isFailure && !this.opts.isFailure(e) ? 'success' : 'failure', now, gen });
        throw e;
      },
    );
  }

  /** Apply one event and perform its effects; returns the admit/reject decision of a request. */
  private step(event: BreakerEvent): { kind: 'admit'; gen: number } | { kind: 'reject'; retryAfterMs: number } {
    const next = breakerStep(this.machine, event, this.opts.config);
    this.machine = next.state;
    let decision: { kind: 'admit'; gen: number } | { kind: 'reject'; retryAfterMs: number } = { kind: 'admit', gen: next.state.gen };
    for (const fx of next.effects) {
      if (fx.kind === 'transition') {
        this.opts.trace?.emit({ type: 'breaker_state', route: this.route, from: fx.from, to: fx.to, failures: fx.failures });
      } else {
        decision = fx;
      }
    }
    return decision;
  }
}
