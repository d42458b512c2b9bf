/** What every agent host (a worker-backed WasmAgent, an in-thread shard agent) is given, counts, and how it decides to restart. */
import type { AgentError, AgentResult } from '../core/types';
import { restartDelay, type RestartPolicy, type SandboxLimits } from './limits';
import type { HostGrant } from '../../schemas';
import type { JsCode } from './workerProtocol';
import type { WasmModule } from './wasmApi';

/** A sandboxed agent as every host starts it: its code, grants, limits, restart policy and seed. */
export interface SandboxedAgent {
  /** A wasm module, or a TypeScript/JavaScript agent's QuickJS bundle (runtime/sandbox/js). */
  module: WasmModule | JsCode;
  grants: HostGrant[];
  limits: SandboxLimits;
  restart: RestartPolicy;
  /** The agent's own seed (derived from the run seed and its name). */
  seed: number;
  metered: boolean;
}

/** Totals since the agent was loaded. */
export interface AgentTotals {
  messages: number;
  failures: number;
  restarts: number;
  fuel: number;
  durationMs: number;
  memoryBytes: number;
}

/** Fresh totals. */
export function newTotals(): AgentTotals {
  return { messages: 0, failures: 0, restarts: 0, fuel: 0, durationMs: 0, memoryBytes: 0 };
}

/** Add one handled message to the totals. */
export function account(totals: AgentTotals, result: AgentResult): void {
  totals.messages++;
  totals.fuel += result.usage.fuel;
  totals.durationMs += result.usage.durationMs;
  if (result.usage.memoryBytes) totals.memoryBytes = result.usage.memoryBytes;
  if (!result.ok && result.error.kind !== 'bad_input') totals.failures++;
}

/**
 * Whether a failure is the agent crashing (its lifecycle goes to `failed`, a restart is counted). Running out of
 * fuel is not: an expensive message fails alone, so senders cannot spend an agent's restart budget (SECURITY.md).
 * Refusing a message before it ran (too large, mailbox full) and not understanding it are not either.
 */
export function isCrash(error: AgentError): boolean {
  return !['fuel_exhausted', 'oversized_input', 'mailbox_full', 'bad_input', 'not_running'].includes(error.kind);
}

/** After a crash: restart (counting it, after the policy's backoff) or fail for good. */
export function decideRestart(totals: AgentTotals, policy: RestartPolicy): { restart: false } | { restart: true; delayMs: number } {
  if (policy.policy !== 'reset' || totals.restarts >= policy.maxRestarts) return { restart: false };
  totals.restarts++;
  return { restart: true, delayMs: restartDelay(policy, totals.restarts) };
}
