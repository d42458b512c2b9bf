/** Messages between the router's thread and an agent worker (runtime/sandbox/agentWorker.ts). */
import type { AgentEffect, AgentError, AgentUsage } from '../core/types';
import type { HostGrant } from '../../schemas';
import type { WasmModule } from './wasmApi';

export interface WorkerLimits {
  memoryBytes: number;
  fuelPerMessage: number;
  maxMessageBytes: number;
  maxOutputBytes: number;
  maxSendsPerMessage: number;
}

/** A TypeScript/JavaScript agent's code: its QuickJS bundle (runtime/build/buildJsAgent.ts) and how to run it. */
export interface JsCode {
  kind: 'js';
  /** The bundle: one script with an inline source map. */
  code: string;
  /** Its file name as stack traces show it before mapping (the built bundle's base name). */
  file: string;
  /** In-thread wall-clock backstop per call, ms (the pool's deadline stays the outer fence). */
  timeoutMs: number;
}

export type ToWorker =
  | {
      type: 'load';
      kind?: 'wasm';
      agent: string;
      id: number;
      name: string;
      module: WasmModule;
      grants: HostGrant[];
      limits: WorkerLimits;
      seed: number;
      metered: boolean;
    }
  | {
      type: 'load';
      kind: 'js';
      agent: string;
      id: number;
      name: string;
      js: JsCode;
      grants: HostGrant[];
      limits: WorkerLimits;
      seed: number;
    }
  | { type: 'handle'; agent: string; id: number; message: string; now: number }
  | { type: 'unload'; agent: string; id: number };

export type FromWorker =
  | { type: 'loaded'; id: number; memoryBytes: number }
  | { type: 'load_failed'; id: number; error: AgentError }
  | { type: 'result'; id: number; ok: true; effects: AgentEffect[]; usage: AgentUsage }
  | { type: 'result'; id: number; ok: false; error: AgentError; usage: AgentUsage }
  | { type: 'unloaded'; id: number };
