/** A clock whose timers remember whose activity set them, and fire as that activity (phase `timers`). */
import type { Clock, TimerHandle } from '../core/clock';
import { Phase, type Activity } from './activity';

/** Wraps a shard's clock so a timer's events and messages are ordered as its owner's work (docs/shards.md). */
export class OwnedClock implements Clock {
  constructor(
    readonly base: Clock,
    private readonly activity: Activity,
  ) {}

  now(): number {
    return this.base.now();
  }
  wallTime(): number {
    return this.base.wallTime();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const owner = this.activity.group;
    return this.base.setTimer(delayMs, () => this.activity.run(Phase.timers, owner, fn));
  }

  clearTimer(handle: TimerHandle): void {
    this.base.clearTimer(handle);
  }
}
