/**
 * The caxton.* host functions for one call, as effects as data: each import copies its arguments out of the
 * agent's memory, checks them and records an AgentEffect; a hostile argument aborts the call with a HostAbort.
 */
import type { AgentEffect, AgentErrorKind } from '../core/types';
import type { Random } from '../core/random';
import { LIMITS, PERFORMATIVES, type FipaMessage } from '../../schemas';
import type { WorkerLimits } from './workerProtocol';
import type { WasmMemory } from './wasmApi';

/** Thrown from inside an import to stop the agent's call with a specific error. */
export class HostAbort extends Error {
  constructor(
    readonly kind: AgentErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** What one call collects. */
export interface CallRecord {
  effects: AgentEffect[];
  outputBytes: number;
  sends: number;
  lastError?: string;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** Effects (sends, logs, ...) one message may produce: empty logs cost no output bytes, so count them too. */
export const MAX_EFFECTS_PER_MESSAGE = LIMITS.maxEffectsPerMessage;
const decoder = new TextDecoder('utf-8', { fatal: true });

export interface HostContext {
  name: string;
  limits: WorkerLimits;
  random: Random;
  memory(): WasmMemory | undefined;
  /** The current call (undefined during instantiation, when effects are not allowed). */
  call(): CallRecord | undefined;
  now(): number;
}

/** Build the `caxton` import object, limited to the functions the module was allowed to import. */
export function hostImports(ctx: HostContext, allowed: readonly string[]): Record<string, (...args: number[]) => unknown> {
  const read = (ptr: number, len: number, what: string, cap: number): string => {
    const record = ctx.call();
    if (!record) throw new HostAbort('bad_output', `${what} called outside message handling (e.g. in the start function)`);
    ptr >>>= 0;
    len >>>= 0;
    if (len > cap) throw new HostAbort('oversized_output', `${what} of ${len} bytes exceeds the ${cap}-byte limit`);
    record.outputBytes += len;
    if (record.outputBytes > ctx.limits.maxOutputBytes) {
      throw new HostAbort('oversized_output', `output while handling one message exceeds ${ctx.limits.maxOutputBytes} bytes`);
    }
    const mem = ctx.memory();
    // No memory yet means the start function is running (exports are bound after it): say so, not "outside".
    if (!mem)
      throw new HostAbort(
        'bad_output',
        `${what} called outside message handling (in the start function, before the module's memory exists)`,
      );
    if (ptr + len > mem.buffer.byteLength) throw new HostAbort('bad_output', `${what} points outside the agent's memory (${ptr}+${len})`);
    try {
      return decoder.decode(new Uint8Array(mem.buffer, ptr, len));
    } catch {
      throw new HostAbort('bad_output', `${what} is not valid UTF-8`);
    }
  };
  const readJson = (ptr: number, len: number, what: string): Record<string, unknown> => {
    const text = read(ptr, len, what, ctx.limits.maxMessageBytes);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new HostAbort('bad_output', `${what} is not valid JSON: ${text.slice(0, 80)}`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HostAbort('bad_output', `${what} must be a JSON object`);
    return value as Record<string, unknown>;
  };
  const push = (effect: AgentEffect): void => {
    const effects = ctx.call()!.effects;
    if (effects.length >= MAX_EFFECTS_PER_MESSAGE) {
      throw new HostAbort('oversized_output', `more than ${MAX_EFFECTS_PER_MESSAGE} effects (sends, logs, ...) while handling one message`);
    }
    effects.push(effect);
  };
  const topicOf = (v: Record<string, unknown>, what: string): string => {
    if (typeof v.topic !== 'string' || !v.topic.startsWith('topic://'))
      throw new HostAbort('bad_output', `${what} needs a "topic" like "topic://a/b"`);
    return v.topic;
  };

  const all: Record<string, (...args: number[]) => unknown> = {
    send: (ptr, len) => {
      const record = ctx.call();
      if (record && ++record.sends > ctx.limits.maxSendsPerMessage) {
        throw new HostAbort('oversized_output', `send storm: more than ${ctx.limits.maxSendsPerMessage} sends while handling one message`);
      }
      const m = readJson(ptr, len, 'send');
      if (typeof m.performative !== 'string' || !(PERFORMATIVES as readonly string[]).includes(m.performative)) {
        throw new HostAbort('bad_output', `send: unknown performative ${JSON.stringify(m.performative)}`);
      }
      const r = m.receiver;
      const okReceiver =
        (typeof r === 'string' && r.length > 0) ||
        (Array.isArray(r) && r.length > 0 && r.every((x) => typeof x === 'string' && x.length > 0));
      if (!okReceiver)
        throw new HostAbort('bad_output', 'send: "receiver" must be an agent name, a list of names, "broadcast" or "topic://..."');
      push({ kind: 'send', message: { ...m, sender: ctx.name } as unknown as FipaMessage });
    },
    log: (level, ptr, len) => {
      const text = read(ptr, len, 'log', ctx.limits.maxMessageBytes);
      const lvl = LEVELS[Math.max(0, Math.min(3, level | 0))];
      if (lvl === 'error') ctx.call()!.lastError = text;
      push({ kind: 'log', level: lvl, text });
    },
    now: () => ctx.now(),
    random: () => ctx.random.next(),
    blackboard_read: (ptr, len) => {
      const v = readJson(ptr, len, 'blackboard_read');
      if (typeof v.key !== 'string') throw new HostAbort('bad_output', 'blackboard_read needs a string "key"');
      push({ kind: 'blackboard_read', key: v.key });
    },
    blackboard_write: (ptr, len) => {
      const v = readJson(ptr, len, 'blackboard_write');
      if (typeof v.key !== 'string') throw new HostAbort('bad_output', 'blackboard_write needs a string "key"');
      const expected = typeof v.expected_version === 'number' ? { expected_version: v.expected_version } : {};
      push({ kind: 'blackboard_write', key: v.key, value: v.value, ...expected });
    },
    subscribe: (ptr, len) => {
      const v = readJson(ptr, len, 'subscribe');
      const filter =
        v.filter && typeof v.filter === 'object' && !Array.isArray(v.filter) ? { filter: v.filter as Record<string, unknown> } : {};
      push({ kind: 'subscribe', topic: topicOf(v, 'subscribe'), ...filter });
    },
    unsubscribe: (ptr, len) => {
      push({ kind: 'unsubscribe', topic: topicOf(readJson(ptr, len, 'unsubscribe'), 'unsubscribe') });
    },
  };
  return Object.fromEntries(Object.entries(all).filter(([name]) => allowed.includes(name)));
}
