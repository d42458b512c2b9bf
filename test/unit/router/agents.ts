/** In-process test agents (router unit tests only; end-to-end tests use real wasm agents). */
import type { FipaMessage } from '../../../schemas';
import type { AgentEffect, AgentEndpoint, AgentResult } from '../../../runtime/core/types';

const usage = { fuel: 0, memoryBytes: 0, durationMs: 0 };

export interface ScriptedAgent extends AgentEndpoint {
  /** Every message handled, in order. */
  readonly received: FipaMessage[];
  disposed: boolean;
}

/** An agent whose handler returns effects (or throws, or fails with an AgentError). */
export function scriptedAgent(
  name: string,
  handler: (m: FipaMessage) => AgentEffect[] | Promise<AgentEffect[]> | AgentResult = () => [],
): ScriptedAgent {
  const agent: ScriptedAgent = {
    name,
    received: [],
    disposed: false,
    async handle(m: FipaMessage): Promise<AgentResult> {
      agent.received.push(m);
      const out = await handler(m);
      if (Array.isArray(out)) return { ok: true, effects: out, usage };
      return out;
    },
    async dispose(): Promise<void> {
      agent.disposed = true;
    },
  };
  return agent;
}

/** An agent answering each request with inform { echo: content } (in_reply_to set). */
export function echoAgent(name: string): ScriptedAgent {
  return scriptedAgent(name, (m) => [
    {
      kind: 'send',
      message: {
        performative: 'inform',
        sender: name,
        receiver: m.sender,
        content: { echo: m.content },
        in_reply_to: m.reply_with,
        conversation_id: m.conversation_id,
        protocol: m.protocol,
      },
    },
  ]);
}

/** Send effect shorthand. */
export function send(message: FipaMessage): AgentEffect {
  return { kind: 'send', message };
}

/** A failure result. */
export function fail(kind: 'trap' | 'fuel_exhausted' | 'not_running' = 'trap', message = 'unreachable executed'): AgentResult {
  return { ok: false, error: { kind, message }, usage };
}

/** A promise and its resolver, to hold an agent mid-message. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}
