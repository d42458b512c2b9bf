/**
 * The deterministic CPU budget of a JS agent. QuickJS counts "polls" (each function call and each loop iteration of
 * its bytecode interpreter; also inside the regexp engine) and calls the runtime's interrupt handler once every
 * 10,000 of them (JS_INTERRUPT_COUNTER_INIT). One unit of JS fuel is one poll, so each handler call charges
 * 10,000 fuel; when a message's charge passes `fuel_per_message` the handler interrupts the agent with an
 * uncatchable error. The count depends only on the code and its inputs, so runs are reproducible.
 * The same handler enforces the wall-clock backstop in-thread, and stops a call a host function refused.
 */

/** Polls between two interrupt-handler calls in QuickJS (its JS_INTERRUPT_COUNTER_INIT). */
export const QUICKJS_POLLS_PER_CHECK = 10_000;

/** Why the meter stopped the agent. */
export type StopReason = 'fuel' | 'deadline' | 'host';

/** Counts the interrupt-handler calls of one call (a message, or the start code) against its budget. */
export class JsFuelMeter {
  private checks = 0;
  private budget = 0;
  private deadline = Infinity;
  /** Set once the agent must stop; the handler then interrupts at every check. */
  stopped: StopReason | undefined;

  /** Arm the meter for one call: `budget` fuel, and a wall-clock deadline (performance.now() ms) if any. */
  start(budget: number, deadline = Infinity): void {
    this.checks = 0;
    this.budget = budget;
    this.deadline = deadline;
    this.stopped = undefined;
  }

  /** Fuel charged so far in this call. */
  get used(): number {
    return this.checks * QUICKJS_POLLS_PER_CHECK;
  }

  /** Stop at the next check (a host function refused the call: the agent must not carry on). */
  stop(reason: StopReason): void {
    this.stopped ??= reason;
  }

  /** The QuickJS interrupt handler: true interrupts the running code. */
  readonly interrupt = (): boolean => {
    if (this.stopped) return true;
    this.checks++;
    if (this.used > this.budget) this.stopped = 'fuel';
    else if (this.deadline !== Infinity && performance.now() > this.deadline) this.stopped = 'deadline';
    return this.stopped !== undefined;
  };
}
