/** Small builders for feeding pure protocol machines in tests. */
import type { FipaMessage } from '../../../../schemas';
import type { Instant, ProtocolEffect, ProtocolEvent } from '../../../../runtime/protocols/machine';

export const at = (now: number): Instant => ({ now, wall: Date.UTC(2026, 0, 1) + now });
export const start = (now = 0): ProtocolEvent => ({ type: 'start', at: at(now) });
export const timer = (name: string, now: number): ProtocolEvent => ({ type: 'timer', timer: name, at: at(now) });
export const msg = (
  performative: FipaMessage['performative'],
  sender: string,
  content?: unknown,
  extra: Partial<FipaMessage> = {},
  now = 0,
): ProtocolEvent => ({ type: 'message', at: at(now), message: { performative, sender, receiver: 'coordinator', content, ...extra } });

/** The messages among the effects, optionally only one performative. */
export function sent(effects: readonly ProtocolEffect[], performative?: FipaMessage['performative']): FipaMessage[] {
  return effects.flatMap((e) => (e.kind === 'send' && (!performative || e.message.performative === performative) ? [e.message] : []));
}

/** The trace events among the effects of one type. */
export function traced(effects: readonly ProtocolEffect[], type: string): Array<Record<string, unknown>> {
  return effects.flatMap((e) => (e.kind === 'trace' && e.event.type === type ? [e.event as unknown as Record<string, unknown>] : []));
}

/** The outcome, if the effects end the pattern. */
export function outcomeOf(effects: readonly ProtocolEffect[]): Record<string, unknown> | undefined {
  const d = effects.find((e) => e.kind === 'done');
  return d && d.kind === 'done' ? (d.outcome as Record<string, unknown>) : undefined;
}
