/** TEST HARNESS: in-process agents with injected faults (flaky, slow, trapping, silent) for workflow tests. */
import type { FipaMessage, Performative } from '../../../../schemas';
import type { Clock } from '../../../../runtime/core/clock';
import type { AgentEndpoint, AgentResult } from '../../../../runtime/core/types';

const usage = { fuel: 0, memoryBytes: 0, durationMs: 0 };

/** What a scripted agent does with one message: answer, fail, trap, stay silent, or answer later. */
export type Behaviour =
  | { reply: unknown; performative?: Performative; delayMs?: number }
  | { fail: string; delayMs?: number }
  | { trap: string }
  | { silent: true };

/** An agent whose behaviour is a function of the message content and how many messages it has had (1-based). */
export class ScriptedAgent implements AgentEndpoint {
  readonly received: FipaMessage[] = [];
  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly script: (
      content: { action?: string; input?: unknown } & Record<string, unknown>,
      call: number,
      m: FipaMessage,
    ) => Behaviour,
  ) {}

  get calls(): number {
    return this.received.length;
  }

  async handle(m: FipaMessage): Promise<AgentResult> {
    this.received.push(m);
    const b = this.script((m.content ?? {}) as { action?: string; input?: unknown }, this.received.length, m);
    if ('trap' in b) return { ok: false, error: { kind: 'trap', message: b.trap }, usage };
    if ('silent' in b) return { ok: true, effects: [], usage };
    if (b.delayMs) await new Promise<void>((r) => this.clock.setTimer(b.delayMs!, r));
    const performative = 'fail' in b ? 'failure' : (b.performative ?? 'inform');
    const content = 'fail' in b ? { error: b.fail } : b.reply;
    const reply: FipaMessage = {
      performative,
      sender: this.name,
      receiver: m.sender,
      in_reply_to: m.reply_with,
      conversation_id: m.conversation_id,
      content,
    };
    return { ok: true, effects: [{ kind: 'send', message: reply }], usage };
  }

  async dispose(): Promise<void> {}
}

/** Answers `fn(input, action)` with inform. */
export function echoAgent(name: string, clock: Clock, fn: (input: unknown, action?: string) => unknown = (i) => i): ScriptedAgent {
  return new ScriptedAgent(name, clock, (c) => ({ reply: fn(c.input, c.action) }));
}
/** Fails its first `k` messages with a failure reply, then answers like echoAgent. */
export function flakyAgent(name: string, clock: Clock, k: number, fn: (input: unknown) => unknown = (i) => i): ScriptedAgent {
  return new ScriptedAgent(name, clock, (c, n) => (n <= k ? { fail: `flaky failure ${n}` } : { reply: fn(c.input) }));
}
/** Answers after `delayMs` of clock time. */
export function slowAgent(name: string, clock: Clock, delayMs: number, fn: (input: unknown) => unknown = (i) => i): ScriptedAgent {
  return new ScriptedAgent(name, clock, (c) => ({ reply: fn(c.input), delayMs }));
}
/** Traps on every message (like a wasm `unreachable`). */
export function trappingAgent(name: string, clock: Clock): ScriptedAgent {
  return new ScriptedAgent(name, clock, () => ({ trap: 'unreachable executed' }));
}
/** Never answers. */
export function silentAgent(name: string, clock: Clock): ScriptedAgent {
  return new ScriptedAgent(name, clock, () => ({ silent: true }));
}
