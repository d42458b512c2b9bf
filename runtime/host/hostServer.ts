/**
 * The runtime host's protocol side: registers a typed handler for every request of schemas/protocol/runtimeHost.ts,
 * batches trace events into notifications, and turns failures into clear JSON-RPC errors. The backend (what the
 * requests do) is injected, so this file knows nothing of how agents run.
 */
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import type { TraceEvent } from '../../schemas';
import {
  asRpc,
  DEFAULT_RUNTIME_HOST_SETTINGS,
  notifyClient,
  onHostRequest,
  type AgentStatus,
  type RuntimeHostNotifications,
  type RuntimeHostRequest,
  type RuntimeHostRequests,
} from '../../schemas/protocol/runtimeHost';

/** What the host does for each request. */
export type HostBackend = {
  [K in RuntimeHostRequest]: (params: RuntimeHostRequests[K]['params']) => Promise<RuntimeHostRequests[K]['result']>;
};

/** How a backend reports what happens, as it happens. */
export interface HostEvents {
  trace(event: TraceEvent): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', text: string): void;
  agents(agents: AgentStatus[]): void;
  agentError(error: RuntimeHostNotifications['agentError']): void;
}

/** A JSON-RPC error code for "the runtime refused" (bad file, no session...), distinct from protocol errors. */
export const RUNTIME_ERROR = -32001;

/** A request failed for a reason the user can fix; the message names the file and the fix. */
export class HostRequestError extends Error {}

const METHODS: RuntimeHostRequest[] = [
  'start',
  'runAgent',
  'runPipeline',
  'runScenario',
  'send',
  'stop',
  'build',
  'status',
  'reloadAgents',
];

/** Serve the protocol on `connection` with the backend `create` makes; returns a flush for pending trace events. */
export function serveRuntimeHost(connection: MessageConnection, create: (events: HostEvents) => HostBackend): { flush(): void } {
  const rpc = asRpc(connection);
  let pending: TraceEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let batchSize = DEFAULT_RUNTIME_HOST_SETTINGS.traceBatchSize;
  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    notifyClient(rpc, 'trace', { events });
  };
  const backend = create({
    trace(event) {
      pending.push(event);
      if (pending.length >= batchSize) flush();
      else timer ??= setTimeout(flush, 20);
    },
    log(level, text) {
      notifyClient(rpc, 'log', { level, text });
    },
    agents(agents) {
      notifyClient(rpc, 'agents', { agents });
    },
    agentError(error) {
      // After the trace events before it, so the inspector already shows the failure the diagnostic points at.
      flush();
      notifyClient(rpc, 'agentError', error);
    },
  });
  for (const method of METHODS) {
    // One generic wrapper for every method: the table type (HostBackend) keeps each handler's params and result paired.
    const handler = async (params: unknown): Promise<unknown> => {
      if (method === 'start')
        batchSize = Math.max(1, (params as RuntimeHostRequests['start']['params']).settings?.traceBatchSize ?? batchSize);
      try {
        const result = await (backend[method] as (p: unknown) => Promise<unknown>)(params ?? {});
        // Events caused by the request reach the client before its reply.
        flush();
        return result;
      } catch (e) {
        flush();
        const err = e as Error;
        throw new ResponseError(RUNTIME_ERROR, err instanceof HostRequestError ? err.message : `${method} failed: ${err.message}`);
      }
    };
    onHostRequest(
      rpc,
      method,
      handler as unknown as (p: RuntimeHostRequests[typeof method]['params']) => Promise<RuntimeHostRequests[typeof method]['result']>,
    );
  }
  return { flush };
}
