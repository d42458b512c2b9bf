/** Agent lifecycle as a pure transition table; the WasmAgent asks it before every state change. */
import type { AgentState } from '../../schemas';

/**
 * Legal transitions. `failed` is not terminal: a restart (reset policy) goes failed -> loaded -> running.
 * Hot reload goes running -> draining -> loaded -> running; stopping goes through draining to stopped.
 */
export const TRANSITIONS: Readonly<Record<AgentState, readonly AgentState[]>> = {
  unloaded: ['loaded', 'failed'],
  loaded: ['running', 'stopped', 'failed'],
  running: ['draining', 'failed'],
  draining: ['loaded', 'stopped', 'failed'],
  failed: ['loaded', 'stopped'],
  stopped: [],
};

/** Whether an agent may go from `from` to `to`. */
export function canTransition(from: AgentState, to: AgentState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A state change, as reported to the router (which turns it into an `agent_state` trace event). */
export interface StateChange {
  agent: string;
  from: AgentState;
  to: AgentState;
  reason?: string;
}

/** Raised on an illegal transition: a bug in the runtime, never the agent's fault. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly agent: string,
    readonly from: AgentState,
    readonly to: AgentState,
  ) {
    super(`agent ${agent}: illegal lifecycle transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** Holds one agent's state and reports every change; refuses illegal ones. */
export class Lifecycle {
  private current: AgentState = 'unloaded';

  constructor(
    private readonly agent: string,
    private readonly onChange?: (change: StateChange) => void,
  ) {}

  get state(): AgentState {
    return this.current;
  }

  /** Move to `to`, reporting the change; throws IllegalTransitionError if the table forbids it. */
  to(to: AgentState, reason?: string): void {
    if (!canTransition(this.current, to)) throw new IllegalTransitionError(this.agent, this.current, to);
    const from = this.current;
    this.current = to;
    try {
      this.onChange?.({ agent: this.agent, from, to, ...(reason ? { reason } : {}) });
    } catch {
      /* a listener must not break the agent */
    }
  }
}
