/**
 * The thin driver: registers a protocol machine as a built-in agent, feeds it messages and timers, and performs
 * its effects through the CoordinationContext (bus.send, clock.setTimer, trace.emit). All decisions are the machine's.
 */
import type { FipaMessage } from '../../schemas';
import type { AgentEndpoint, AgentResult, CoordinationContext } from '../core/types';
import type { TimerHandle } from '../core/clock';
import type { Instant, PatternOutcome, ProtocolEffect, ProtocolEvent, ProtocolMachine } from './machine';

export interface DriveOptions {
  /** Keep answering (with violations) for this long after the outcome, so late bids are refused, not dropped. Default 1000 ms. */
  lingerMs?: number;
  /** Called with every event and the effects it produced (for transcripts and debugging). */
  onStep?: (event: ProtocolEvent, effects: ProtocolEffect[]) => void;
}

const NO_USAGE = { fuel: 0, memoryBytes: 0, durationMs: 0 };

/** Run a machine as a coordinator agent until it reports its outcome. */
export function driveMachine<S>(
  machine: ProtocolMachine<S>,
  ctx: CoordinationContext,
  options: DriveOptions = {},
): Promise<PatternOutcome> {
  return new Promise<PatternOutcome>((resolve) => {
    let state = machine.initial();
    let finished = false;
    let removed = false;
    const timers = new Map<string, TimerHandle>();
    const at = (): Instant => ({ now: ctx.clock.now(), wall: ctx.clock.wallTime() });

    const finish = (outcome: PatternOutcome): void => {
      if (finished) return;
      finished = true;
      for (const h of timers.values()) ctx.clock.clearTimer(h);
      timers.clear();
      ctx.clock.setTimer(options.lingerMs ?? 1000, remove);
      resolve(outcome);
    };
    const remove = (): void => {
      if (removed) return;
      removed = true;
      ctx.removeAgent(machine.name);
    };

    const perform = (effects: ProtocolEffect[]): void => {
      for (const e of effects) {
        switch (e.kind) {
          case 'send':
            ctx.bus.send(e.message);
            break;
          case 'trace':
            ctx.trace.emit(e.event);
            break;
          case 'set_timer': {
            if (finished) break;
            const old = timers.get(e.timer);
            if (old) ctx.clock.clearTimer(old);
            timers.set(
              e.timer,
              ctx.clock.setTimer(e.delayMs, () => {
                timers.delete(e.timer);
                feed({ type: 'timer', timer: e.timer, at: at() });
              }),
            );
            break;
          }
          case 'cancel_timer': {
            const h = timers.get(e.timer);
            if (h) {
              ctx.clock.clearTimer(h);
              timers.delete(e.timer);
            }
            break;
          }
          case 'done':
            finish(e.outcome);
            break;
        }
      }
    };

    const feed = (event: ProtocolEvent): void => {
      if (removed) return;
      let effects: ProtocolEffect[];
      try {
        const r = machine.step(state, event);
        state = r.state;
        effects = r.effects;
      } catch (err) {
        // A bug or a throwing custom policy must end the pattern with a reason, not hang it.
        const reason = `coordinator error: ${err instanceof Error ? err.message : String(err)}`;
        ctx.logger.error(`${machine.name}: ${reason}`);
        effects = [{ kind: 'done', outcome: { kind: machine.name, ok: false, reason, conversation_id: machine.conversationId } }];
      }
      options.onStep?.(event, effects);
      perform(effects);
    };

    const endpoint: AgentEndpoint = {
      name: machine.name,
      async handle(message: FipaMessage): Promise<AgentResult> {
        feed({ type: 'message', message, at: at() });
        return { ok: true, effects: [], usage: NO_USAGE };
      },
      async dispose(): Promise<void> {
        removed = true;
        for (const h of timers.values()) ctx.clock.clearTimer(h);
        timers.clear();
      },
    };
    ctx.addAgent(endpoint);
    feed({ type: 'start', at: at() });
  });
}
