/** Sandbox limits: defaults (from the one limits module), and the manifest's `limits`/`restart` turned into numbers (deny by default). */
import type { AgentManifest } from '../../schemas';
import { LIMITS, parseBytes, parseDuration } from '../../schemas/limits';

export const WASM_PAGE = 65536;

export interface SandboxLimits {
  /** Linear memory cap in bytes (a multiple of 64 KiB). */
  memoryBytes: number;
  /** Metered fuel one message may use. */
  fuelPerMessage: number;
  /** Wall-clock backstop for one message, in ms. */
  timeoutMs: number;
  /** Largest message in or out, in bytes of UTF-8 JSON. */
  maxMessageBytes: number;
  /** Total bytes an agent may emit (sends + logs) while handling one message. */
  maxOutputBytes: number;
  /** Sends allowed while handling one message (a send storm beyond it fails the message). */
  maxSendsPerMessage: number;
  /** Messages queued for the agent before `handle` answers `mailbox_full`. */
  mailbox: number;
  /** Largest module accepted, in bytes. */
  maxModuleBytes: number;
}

export interface RestartPolicy {
  policy: 'reset' | 'fail';
  maxRestarts: number;
  backoffMs: number;
}

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryBytes: LIMITS.memoryBytes,
  fuelPerMessage: LIMITS.fuelPerMessage,
  timeoutMs: LIMITS.timeoutMs,
  maxMessageBytes: LIMITS.maxMessageBytes,
  maxOutputBytes: LIMITS.maxOutputBytes,
  maxSendsPerMessage: LIMITS.maxSendsPerMessage,
  mailbox: LIMITS.mailbox,
  maxModuleBytes: LIMITS.maxModuleBytes,
});

/** Granularity of `now` as agents see it, in ms (real-time runs would otherwise hand out a microsecond timer). */
export const NOW_GRANULARITY_MS = 1;

/** The time an agent's `now` returns for runtime time `ms`: coarse on purpose, as a fine clock is a timer for side channels. */
export function agentNow(ms: number): number {
  return Math.floor(ms / NOW_GRANULARITY_MS) * NOW_GRANULARITY_MS;
}

/** The most linear memory a manifest may ask for (`limits.memory`): above it the manifest is refused. */
export const MAX_MANIFEST_MEMORY_BYTES = 256 * 1024 * 1024;

/**
 * Module-bomb limits, checked by a cheap section scan (moduleShape.ts) before the module is compiled or instrumented.
 * Tables live on the worker's V8 heap (about 16 bytes an element), unlike linear memory, so they are capped per module
 * and summed over the agents of a worker pool, well below the worker's heap limit.
 */
export const MODULE_LIMITS = Object.freeze({
  /** Functions one module may define. */
  maxFunctions: 50_000,
  /** Bytes of code (the code section). */
  maxCodeBytes: 8 * 1024 * 1024,
  /** Bytes of one function body. */
  maxFunctionBodyBytes: 1024 * 1024,
  /** Locals declared by one function (V8 refuses above 50,000). */
  maxLocalsPerFunction: 10_000,
  /** Table elements one module may declare (initial, and maximum when given), all tables together. */
  maxTableElements: 100_000,
  /** Table elements of all agents in one worker pool together (about 16 MiB of worker heap). */
  maxTableElementsPerWorker: 1_000_000,
  /** Wall-clock deadline for instrumenting and compiling one module off the main thread, in ms. */
  prepareTimeoutMs: 30_000,
});

export const DEFAULT_RESTART: Readonly<RestartPolicy> = { policy: 'reset', maxRestarts: 5, backoffMs: 0 };

export { parseBytes };

/** The manifest's limits over the defaults, then explicit overrides; memory rounded down to whole pages. */
export function resolveLimits(manifest: AgentManifest, overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const l = manifest.limits ?? {};
  const resolved: SandboxLimits = {
    ...DEFAULT_LIMITS,
    ...(l.memory !== undefined ? { memoryBytes: parseBytes(l.memory, 'limits.memory') } : {}),
    ...(l.fuel_per_message !== undefined ? { fuelPerMessage: l.fuel_per_message } : {}),
    ...(l.timeout !== undefined ? { timeoutMs: parseDuration(l.timeout, 'limits.timeout') } : {}),
    ...(l.max_message_bytes !== undefined ? { maxMessageBytes: l.max_message_bytes } : {}),
    ...(l.mailbox !== undefined ? { mailbox: l.mailbox } : {}),
    ...overrides,
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`limit ${key} must be a positive number, got ${value}`);
  }
  if (resolved.memoryBytes > MAX_MANIFEST_MEMORY_BYTES) {
    throw new Error(
      `limits.memory of ${resolved.memoryBytes} bytes is above the ${MAX_MANIFEST_MEMORY_BYTES / 1024 ** 2}MiB most an agent may have; ask for at most '256MiB'`,
    );
  }
  resolved.memoryBytes = Math.max(WASM_PAGE, Math.floor(resolved.memoryBytes / WASM_PAGE) * WASM_PAGE);
  resolved.fuelPerMessage = Math.min(Math.floor(resolved.fuelPerMessage), Number.MAX_SAFE_INTEGER);
  return resolved;
}

/** The manifest's restart policy over the defaults. */
export function resolveRestart(manifest: AgentManifest): RestartPolicy {
  const r = manifest.restart ?? {};
  return {
    policy: r.policy ?? DEFAULT_RESTART.policy,
    maxRestarts: r.max_restarts ?? DEFAULT_RESTART.maxRestarts,
    backoffMs: r.backoff !== undefined ? parseDuration(r.backoff, 'restart.backoff') : DEFAULT_RESTART.backoffMs,
  };
}

/** Delay before restart number `n` (1-based): the backoff doubled per restart, at most 30 s. */
export function restartDelay(policy: RestartPolicy, n: number): number {
  if (policy.backoffMs <= 0) return 0;
  return Math.min(30_000, policy.backoffMs * 2 ** Math.max(0, n - 1));
}
