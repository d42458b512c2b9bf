/**
 * Every limit and default the platform enforces, declared once: the router, the sandbox, the loaders and the
 * language server import them from here. The manifest's `limits` defaults are also written in agent.schema.json
 * (`default`), for editors that read only the schema; a test holds the two equal. Pure: no imports.
 */

/** The longest delay a Node timer takes (2^31-1 ms, about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runtime limits and their defaults (an agent's manifest may lower or raise the per-agent ones). */
export const LIMITS = Object.freeze({
  /** Largest message, in bytes of its UTF-8 JSON (router on send, sandbox in and out, the editor's content check). */
  maxMessageBytes: 1024 * 1024,
  /** Messages queued per agent before senders get backpressure (`mailbox_full`). */
  mailbox: 256,
  /** Sends one handled message may produce; a send storm beyond it is stopped. */
  maxSendsPerMessage: 100,
  /** Effects of any kind (sends, logs, subscriptions, blackboard) one handled message may produce. */
  maxEffectsPerMessage: 1000,
  /** Agents one shard holds (a run spreads its agents over worker shards; docs/shards.md). */
  maxAgents: 100_000,
  /**
   * Wasm agents one process should hold: V8 refuses more than about 12,700 wasm memories per process (address-space
   * reservations, whatever the RAM); beyond this, spread the agents over processes (`caxton run --processes N`).
   */
  wasmAgentsPerProcess: 12_000,
  /** Replicas one manifest may declare (`replicas: N` starts name-0 .. name-(N-1)). */
  maxReplicas: 1_000_000,
  /** Receivers one message may name in a list (a longer list is refused whole; topics and broadcast reach more). */
  maxReceivers: 1000,
  /** Hops a chain of messages may take (each message an agent sends while handling one is one hop further): a loop ends. */
  maxHops: 1000,
  /** Sends one agent may make in one step (simulated) or one millisecond (real time) beyond one per message it handled: a storm is cut, others keep their share. */
  maxSendsPerTick: 10_000,
  /** Steps one simulated instant may take before time moves on to the next timer anyway (a storm cannot stop time). */
  maxStepsPerInstant: 10_000,
  /** Message ids remembered per agent for duplicate suppression. */
  dedupWindow: 1024,
  /** Linear memory cap of an agent, bytes (whole 64 KiB pages). */
  memoryBytes: 16 * 1024 * 1024,
  /** Metered fuel one message may use. */
  fuelPerMessage: 10_000_000,
  /** Wall-clock backstop for handling one message, ms. */
  timeoutMs: 1000,
  /** Bytes an agent may emit (sends + logs) while handling one message. */
  maxOutputBytes: 4 * 1024 * 1024,
  /** Largest WebAssembly module accepted, bytes (checked from stat, before reading). */
  maxModuleBytes: 16 * 1024 * 1024,
  /** How long a request waits for its reply by default, ms. */
  requestTimeoutMs: 30_000,
});

/**
 * Names no agent may take: the runtime's own (`caxton`, which signs notices) and the outside parties people speak as
 * (`user` in scenarios and Send, `cli`, `vscode`). An agent named `user` would otherwise receive every reply meant
 * for the person running the scenario.
 */
export const RESERVED_AGENT_NAMES: readonly string[] = Object.freeze(['caxton', 'user', 'cli', 'vscode']);

/** Sizes of the files Caxton reads, checked from stat before reading and again on the text. */
export const FILE_LIMITS = Object.freeze({
  /** YAML files (manifests, pipelines, scenarios) are small; the YAML parser takes seconds per MB. */
  yamlBytes: 1024 * 1024,
  /** Message files (one message or a conversation). */
  jsonBytes: 64 * 1024 * 1024,
  /** Values built into a file's tree; past it the file is refused (split it). */
  nodes: 200_000,
  /** Nesting depth of a file's tree. */
  depth: 128,
  /** Values YAML aliases (`*name`) may expand to in one file (an "alias bomb" is refused, never expanded). */
  aliasNodes: 10_000,
});

/** The manifest's `limits` keys, with the LIMITS default each one overrides (for hover and the schema check). */
export const MANIFEST_LIMIT_DEFAULTS: Readonly<Record<string, { default: number; unit: 'bytes' | 'ms' | 'count' }>> = Object.freeze({
  memory: { default: LIMITS.memoryBytes, unit: 'bytes' },
  fuel_per_message: { default: LIMITS.fuelPerMessage, unit: 'count' },
  timeout: { default: LIMITS.timeoutMs, unit: 'ms' },
  mailbox: { default: LIMITS.mailbox, unit: 'count' },
  max_message_bytes: { default: LIMITS.maxMessageBytes, unit: 'bytes' },
});

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)\s*$/;

/** Raised for a duration that is malformed, negative, or longer than a timer can wait. */
export class DurationError extends Error {
  constructor(
    readonly value: unknown,
    readonly where?: string,
    reason?: string,
  ) {
    super(
      `${where ? `${where}: ` : ''}${reason ?? `invalid duration ${JSON.stringify(value)}; write a number of milliseconds or a string such as '250ms', '5s', '2m', '1h'`}`,
    );
    this.name = 'DurationError';
  }
}

/** A duration in ms without range checks (undefined when malformed): `250ms`, `5s`, `1.5m`, `1h` or a number. */
export function durationToMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value);
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2]]) : undefined;
}

/** The `maxDurationMs` schema keyword: a duration of at most `maxMs` (a malformed one is the pattern's to refuse). */
export function durationWithin(value: unknown, maxMs: number): boolean {
  const ms = durationToMs(value);
  return ms === undefined || ms <= maxMs;
}

/** Why a duration cannot be used (malformed, or over MAX_TIMER_MS), or undefined when it can. */
export function durationProblem(value: unknown): string | undefined {
  const ms = durationToMs(value);
  if (ms === undefined)
    return `${JSON.stringify(value)} is not a duration; write a number of milliseconds or a string such as '250ms', '5s', '2m', '1h'`;
  if (ms > MAX_TIMER_MS)
    return `${JSON.stringify(value)} is ${formatCount(ms)} ms, longer than the longest timer (${formatCount(MAX_TIMER_MS)} ms, about 24.8 days); use at most 596h`;
  return undefined;
}

/** Parse a schema duration to ms; throws DurationError naming `where` when malformed or over MAX_TIMER_MS. */
export function parseDuration(value: number | string, where?: string): number {
  const ms = durationToMs(value);
  if (ms === undefined) throw new DurationError(value, where);
  if (ms > MAX_TIMER_MS) throw new DurationError(value, where, durationProblem(value));
  return ms;
}

/** Like parseDuration, but `undefined` gives `fallback`. */
export function durationOr(value: number | string | undefined, fallback: number, where?: string): number {
  return value === undefined ? fallback : parseDuration(value, where);
}

const BYTE_UNIT: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** A size in bytes (`16MiB`, `512KiB`, `65536`), or undefined when malformed. */
export function sizeToBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const m = typeof value === 'string' ? /^([0-9]+)(KiB|MiB|GiB|B)$/.exec(value.trim()) : null;
  return m ? Number(m[1]) * BYTE_UNIT[m[2]] : undefined;
}

/** Parse a size; throws naming `where` and the accepted forms. */
export function parseBytes(value: number | string, where: string): number {
  const n = sizeToBytes(value);
  if (n === undefined)
    throw new Error(`${where}: invalid size ${JSON.stringify(value)}; write bytes or a string such as '16MiB', '512KiB'`);
  return n;
}

/** `1.0 MiB`, `12.3 KiB`, `512 bytes`: sizes in messages. */
export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** `1,048,576`: counts in messages. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
