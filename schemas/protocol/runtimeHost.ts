/**
 * The JSON-RPC protocol between the extension and the runtime host process (runtime/host/main.ts ->
 * dist/runtimeHost.js), declared once. The runtime runs in that child process, so a hostile agent can never freeze
 * the editor. Transport: vscode-jsonrpc over stdio (`--stdio`) or Node IPC (`--node-ipc`). The typed helpers at the
 * bottom take any connection with sendRequest/onRequest/..., so this file imports nothing.
 */
import type { FipaMessage } from '../index';
import type { TraceEvent } from '../trace';

/** Settings the runtime host honours (`caxton.runtime.*`), sent with `start`. */
export interface RuntimeHostSettings {
  /** Default reply timeout for Send and requests, ms. */
  requestTimeoutMs: number;
  /** Seed for the runtime's randomness (auctions, jitter), for reproducible runs. */
  seed: number;
  /** Folder (relative to the workspace) where run traces are written as *.trace.jsonl; '' to keep none. */
  traceDir: string;
  /** Trace events per notification batch (the host coalesces events for the inspector). */
  traceBatchSize: number;
  /** Worker shards agents are spread over (0: one per core; docs/shards.md). */
  workers: number;
  /**
   * A NATS server URL (nats://host:4222, credentials as in docs/nats.md); '' = none. When set, the session joins
   * that cluster as a node: its agents are reachable from other nodes, and Send reaches agents of other nodes.
   */
  nats?: string;
}

export const DEFAULT_RUNTIME_HOST_SETTINGS: RuntimeHostSettings = {
  requestTimeoutMs: 10_000,
  seed: 1,
  traceDir: '.caxton/traces',
  traceBatchSize: 200,
  workers: 0,
};

/** Setting ids, for package.json contributes.configuration and the client. */
export const RUNTIME_SETTING_IDS = {
  requestTimeoutMs: 'caxton.runtime.requestTimeoutMs',
  seed: 'caxton.runtime.seed',
  traceDir: 'caxton.runtime.traceDir',
  traceBatchSize: 'caxton.runtime.traceBatchSize',
  workers: 'caxton.runtime.workers',
  nats: 'caxton.runtime.nats',
} as const;

export interface AgentStatus {
  name: string;
  state: string;
}

/** One agent's outcome of a hot reload: `reloaded` (new module runs), `unchanged`, or `failed` (the old one runs). */
export interface AgentReloadResult {
  agent: string;
  status: 'reloaded' | 'unchanged' | 'failed';
  /** For AssemblyScript agents: compiled now or already up to date (build cache). */
  build?: 'built' | 'up to date';
  durationMs: number;
  /** Why it failed: one problem a line, each `file:line:col: message`. */
  error?: string;
  /** The same problems, structured (1-based line and column), for diagnostics and "go to". */
  problems?: Array<{ file: string; line: number; column: number; message: string }>;
}

/** Every request the extension sends: method name, params and result. */
export interface RuntimeHostRequests {
  /** Open a session on a workspace folder (builds nothing, loads nothing yet). */
  start: { params: { folder: string; settings: RuntimeHostSettings }; result: { version: string; agents: AgentStatus[] } };
  /** Load and run one agent from its manifest (*.agent.yaml) or a bare .wasm. */
  runAgent: { params: { file: string }; result: { agent: string; agents: AgentStatus[] } };
  /** Run a *.pipeline.yaml with an optional input; the report is the runtime's text report. */
  runPipeline: { params: { file: string; input?: unknown }; result: { ok: boolean; report: string; output?: unknown; error?: string } };
  /** Run a *.scenario.yaml. */
  runScenario: { params: { file: string }; result: { ok: boolean; report: string; traceFile?: string } };
  /** Send one message (from a *.fipa.json); waits for the reply when the message expects one. */
  send: { params: { message: FipaMessage; timeoutMs?: number }; result: { reply?: FipaMessage; error?: string; agents: AgentStatus[] } };
  /** Stop every agent and end the session's run (the trace is closed). */
  stop: { params: Record<string, never>; result: { stopped: string[]; traceFile?: string } };
  /** Build every agent of the folder from source (AssemblyScript -> wasm). */
  build: {
    params: { folder: string; force?: boolean };
    result: {
      ok: boolean;
      agents: Array<{
        name: string;
        ok: boolean;
        module?: string;
        error?: string;
        status?: 'built' | 'up to date' | 'failed';
        durationMs?: number;
      }>;
    };
  };
  /**
   * Hot reload after files changed (agent sources, .wasm modules, *.agent.yaml): rebuild what changed through the
   * build cache and swap the changed modules into the running session (drain, swap, keep queued messages).
   * Without a running session nothing is reloaded (`running: false`).
   */
  reloadAgents: { params: { files: string[] }; result: { running: boolean; results: AgentReloadResult[] } };
  /** What runs now. */
  status: { params: Record<string, never>; result: { running: boolean; agents: AgentStatus[] } };
}

/** Every notification the host sends. */
export interface RuntimeHostNotifications {
  /** A batch of trace events of the current run, in order. */
  trace: { events: TraceEvent[] };
  /** A line of the runtime's log. */
  log: { level: 'debug' | 'info' | 'warn' | 'error'; text: string };
  /** The set of agents or their states changed. */
  agents: { agents: AgentStatus[] };
  /** An agent failed at a line of its own source (a thrown exception, an abort): once per agent and place in a run. */
  agentError: { agent: string; file: string; line: number; column: number; message: string };
}

export type RuntimeHostRequest = keyof RuntimeHostRequests;
export type RuntimeHostNotification = keyof RuntimeHostNotifications;

/** Wire method names. */
export const RUNTIME_HOST_METHODS: { [K in RuntimeHostRequest | RuntimeHostNotification]: string } = {
  start: 'caxton/start',
  runAgent: 'caxton/runAgent',
  runPipeline: 'caxton/runPipeline',
  runScenario: 'caxton/runScenario',
  send: 'caxton/send',
  stop: 'caxton/stop',
  build: 'caxton/build',
  status: 'caxton/status',
  reloadAgents: 'caxton/reloadAgents',
  trace: 'caxton/trace',
  log: 'caxton/log',
  agents: 'caxton/agents',
  agentError: 'caxton/agentError',
};

/** The part of a vscode-jsonrpc MessageConnection the helpers need. */
export interface RpcConnection {
  sendRequest(method: string, params: unknown): Promise<unknown>;
  sendNotification(method: string, params: unknown): Promise<void> | void;
  onRequest(method: string, handler: (params: never) => unknown): void;
  onNotification(method: string, handler: (params: never) => void): void;
}

/**
 * The slice of a vscode-jsonrpc MessageConnection the typed helpers use, declared structurally so schemas/ imports
 * nothing; `asRpc` adapts a real connection (whose overloads defeat structural typing of RpcConnection directly).
 */
export interface JsonRpcConnectionLike {
  sendRequest(method: string, params: unknown): Promise<unknown>;
  sendNotification(method: string, params: unknown): Promise<void>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches vscode-jsonrpc's handler overloads
  onRequest(method: string, handler: (...params: any[]) => unknown): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches vscode-jsonrpc's handler overloads
  onNotification(method: string, handler: (...params: any[]) => void): unknown;
}

/** The typed helpers' view of a vscode-jsonrpc connection (client and host side alike). */
export function asRpc(c: JsonRpcConnectionLike): RpcConnection {
  return {
    sendRequest: (m, p) => c.sendRequest(m, p),
    sendNotification: (m, p) => c.sendNotification(m, p),
    onRequest: (m, h) => {
      c.onRequest(m, h as (params: unknown) => unknown);
    },
    onNotification: (m, h) => {
      c.onNotification(m, h as (params: unknown) => void);
    },
  };
}

/** Send a typed request. */
export function requestHost<K extends RuntimeHostRequest>(
  c: RpcConnection,
  method: K,
  params: RuntimeHostRequests[K]['params'],
): Promise<RuntimeHostRequests[K]['result']> {
  return c.sendRequest(RUNTIME_HOST_METHODS[method], params) as Promise<RuntimeHostRequests[K]['result']>;
}

/** Handle a typed request (host side). */
export function onHostRequest<K extends RuntimeHostRequest>(
  c: RpcConnection,
  method: K,
  handler: (params: RuntimeHostRequests[K]['params']) => Promise<RuntimeHostRequests[K]['result']>,
): void {
  c.onRequest(RUNTIME_HOST_METHODS[method], handler as (params: never) => unknown);
}

/** Send a typed notification (host side). */
export function notifyClient<K extends RuntimeHostNotification>(c: RpcConnection, method: K, params: RuntimeHostNotifications[K]): void {
  void c.sendNotification(RUNTIME_HOST_METHODS[method], params);
}

/** Handle a typed notification (client side). */
export function onHostNotification<K extends RuntimeHostNotification>(
  c: RpcConnection,
  method: K,
  handler: (params: RuntimeHostNotifications[K]) => void,
): void {
  c.onNotification(RUNTIME_HOST_METHODS[method], handler as (params: never) => void);
}
