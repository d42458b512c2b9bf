/** Router limits, their defaults from the one limits module (schemas/limits.ts); normalised once at the Runtime's entry point. */
import { LIMITS } from '../../schemas/limits';

export interface RouterLimits {
  /** Largest message accepted on send, in bytes of its JSON. */
  maxMessageBytes: number;
  /** Messages queued per agent before senders get backpressure (a manifest may set its own). */
  mailbox: number;
  /** Agents one runtime holds. */
  maxAgents: number;
  /** Sends one handled message may produce (a send storm is cut off beyond this). */
  maxSendsPerMessage: number;
  /** Message ids remembered per agent for duplicate suppression. */
  dedupWindow: number;
  /** Receivers one message may name in a list (default 1000; topics and broadcast reach more). */
  maxReceivers: number;
  /** Steps one simulated instant may take before time moves on to the next timer anyway (a storm cannot stop time). */
  maxStepsPerInstant: number;
  /** Hops a chain of messages may take before it is cut (`hop_limit`). */
  maxHops: number;
  /** Sends one agent may make per step (simulated) or per millisecond (real time). */
  maxSendsPerTick: number;
}

export const DEFAULT_ROUTER_LIMITS: Readonly<RouterLimits> = Object.freeze({
  maxMessageBytes: LIMITS.maxMessageBytes,
  mailbox: LIMITS.mailbox,
  maxAgents: LIMITS.maxAgents,
  maxSendsPerMessage: LIMITS.maxSendsPerMessage,
  dedupWindow: LIMITS.dedupWindow,
  maxReceivers: LIMITS.maxReceivers,
  maxStepsPerInstant: LIMITS.maxStepsPerInstant,
  maxHops: LIMITS.maxHops,
  maxSendsPerTick: LIMITS.maxSendsPerTick,
});

/** Fill defaults and refuse nonsense (zero or negative limits) with a sentence naming the option. */
export function normaliseLimits(partial: Partial<RouterLimits> | undefined): RouterLimits {
  const limits = { ...DEFAULT_ROUTER_LIMITS, ...dropUndefined(partial ?? {}) };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`limits.${key} must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return limits;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const encoder = new TextEncoder();

/** Size of a message as UTF-8 JSON; skips encoding when the string cannot possibly exceed `limit`. */
export function jsonBytes(json: string, limit: number): number {
  // A UTF-16 code unit encodes to at most 3 UTF-8 bytes, so short strings need no encoding to pass the check.
  if (json.length * 3 <= limit) return json.length;
  return encoder.encode(json).length;
}
