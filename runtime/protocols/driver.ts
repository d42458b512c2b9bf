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

/** What a driver does with a machine's sends and its outcome (timers and trace events are the loop's). */
export interface MachineLoopHooks {
  send(message: FipaMessage): void;
  /** The machine's outcome, once; its timers are already cleared. */
  done(outcome: PatternOutcome): void;
  onStep?: (event: ProtocolEvent, effects: ProtocolEffect[]) => void;
}

/** A running machine: feed it events; `stop` ignores every later event and clears its timers. */
export interface MachineLoop {
  feed(event: ProtocolEvent): void;
  /** Now, as an event's `at`. */
  at(): Instant;
  stop(): void;
}

/**
 * The step loop every driver shares: steps the machine, keeps its named timers on the clock, emits its trace
 * events and hands its sends and outcome to `hooks`. A step that throws ends the machine with a reason.
 */
export function machineLoop<S>(machine: ProtocolMachine<S>, ctx: CoordinationContext, hooks: MachineLoopHooks): MachineLoop {
  let state = machine.initial();
  let finished = false;
  let stopped = false;
  const timers = new Map<string, TimerHandle>();
  const at = (): Instant => ({ now: ctx.clock.now(), wall: ctx.clock.wallTime() });
  const clearTimers = (): void => {
    for (const h of timers.values()) ctx.clock.clearTimer(h);
    timers.clear();
  };

  const perform = (effects: ProtocolEffect[]): void => {
    for (const e of effects) {
      switch (e.kind) {
        case 'send':
          hooks.send(e.message);
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
          if (finished) break;
          finished = true;
          clearTimers();
          hooks.done(e.outcome);
          break;
      }
    }
  };

  const feed = (event: ProtocolEvent): void => {
    if (stopped) return;
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
    hooks.onStep?.(event, effects);
    perform(effects);
  };

  return {
    feed,
    at,
    stop() {
      stopped = true;
      clearTimers();
    },
  };
}

/** Run a machine as a coordinator agent until it reports its outcome. */
export function driveMachine<S>(
  machine: ProtocolMachine<S>,
  ctx: CoordinationContext,
  options: DriveOptions = {},
): Promise<PatternOutcome> {
  return new Promise<PatternOutcome>((resolve) => {
    let removed = false;
    const remove = (): void => {
      if (removed) return;
      removed = true;
      loop.stop();
      ctx.removeAgent(machine.name);
    };
    // After the outcome the machine keeps answering (late bids are refused) until the linger ends.
    const loop = machineLoop(machine, ctx, {
      send: (m) => ctx.bus.send(m),
      done: (outcome) => {
        ctx.clock.setTimer(options.lingerMs ?? 1000, remove);
        resolve(outcome);
      },
      onStep: options.onStep,
    });

    const endpoint: AgentEndpoint = {
      name: machine.name,
      async handle(message: FipaMessage): Promise<AgentResult> {
        loop.feed({ type: 'message', message, at: loop.at() });
        return { ok: true, effects: [], usage: NO_USAGE };
      },
      async dispose(): Promise<void> {
        removed = true;
        loop.stop();
      },
    };
    ctx.addAgent(endpoint);
    loop.feed({ type: 'start', at: loop.at() });
  });
}
