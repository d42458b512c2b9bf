/** One stage call: a request whose content is `{ action, input }`; an `inform` reply's content is the output. */
import type { FipaMessage, Performative } from '../../schemas';
import type { MessageBus } from '../core/types';

/** Raised when the agent answered, but with failure / refuse / not_understood (its content says why). */
export class AgentReplyError extends Error {
  constructor(
    readonly agent: string,
    readonly performative: Performative,
    readonly content: unknown,
  ) {
    super(`${agent} replied ${performative}${content === undefined ? '' : `: ${reasonOf(content)}`}`);
    this.name = 'AgentReplyError';
  }
}

const FAILED: ReadonlySet<Performative> = new Set(['failure', 'refuse', 'not_understood', 'disconfirm']);

export interface CallOptions {
  sender: string;
  agent: string;
  action?: string;
  input: unknown;
  performative?: Performative;
  conversationId: string;
  /** Passed to bus.request so the router forgets the pending request when we stop waiting. */
  timeoutMs?: number;
  protocol?: string;
  /** Extra content fields (e.g. `task` / `accepted` on a contract-net award). */
  extra?: Record<string, unknown>;
}

/** Ask `agent` to do `action` on `input`; resolves with the reply's content, rejects on a failure reply or timeout. */
export async function callAgent(bus: MessageBus, o: CallOptions): Promise<unknown> {
  const message: FipaMessage = {
    performative: o.performative ?? 'request',
    sender: o.sender,
    receiver: o.agent,
    content: { action: o.action ?? null, input: o.input, ...o.extra },
    protocol: o.protocol ?? 'fipa-request',
    conversation_id: o.conversationId,
  };
  if (message.content && (message.content as { action: unknown }).action === null) delete (message.content as { action?: unknown }).action;
  const reply = await bus.request(message, o.timeoutMs === undefined ? undefined : { timeoutMs: o.timeoutMs });
  if (FAILED.has(reply.performative)) throw new AgentReplyError(o.agent, reply.performative, reply.content);
  if (reply.performative === 'agree') {
    // bus.request ends at the first reply, so a later inform would be lost: say so instead of passing `agree` on.
    throw Object.assign(
      new Error(`${o.agent} replied agree; a pipeline stage takes its result from the first reply, so reply inform with the result`),
      { retryable: false },
    );
  }
  return reply.content;
}

/** The human reason in a failure reply's content (`{ error }`, `{ reason }`, a string, or the JSON). */
export function reasonOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content && typeof content === 'object') {
    const c = content as Record<string, unknown>;
    // The runtime's own notices carry a code and a reason ({ error: 'agent_failed', reason: 'trap: ...' }): keep both.
    const parts = ['error', 'reason', 'message'].map((k) => c[k]).filter((v): v is string => typeof v === 'string' && v !== '');
    if (parts.length) return parts.join(': ');
  }
  try {
    return JSON.stringify(content);
  } catch {
    return String(content);
  }
}
