/** An in-process JS agent for benchmarks: answers every message with inform, the same content, in_reply_to its reply_with. */
import type { AgentEndpoint } from '../runtime/core/types';

const NO_USAGE = { fuel: 0, memoryBytes: 0, durationMs: 0 };

/** See the file comment. */
export function jsEcho(name: string): AgentEndpoint {
  return {
    name,
    handle: async (m) => ({
      ok: true,
      usage: NO_USAGE,
      effects: [
        {
          kind: 'send',
          message: {
            performative: 'inform',
            sender: name,
            receiver: m.sender,
            content: m.content,
            ...(m.reply_with ? { in_reply_to: m.reply_with } : {}),
            ...(m.conversation_id ? { conversation_id: m.conversation_id } : {}),
          },
        },
      ],
    }),
    dispose: async () => {},
  };
}
