/**
 * TEST HARNESS: a minimal in-process MessageBus + CoordinationContext on a SimulatedClock, for unit tests of
 * resilience and workflows. It delivers to in-process AgentEndpoints and performs their `send` effects; it is
 * not the Runtime (runtime/runtime.ts) and skips sandboxing, mailboxes and protocol checks on purpose.
 */
import type { FipaMessage, TraceEventInput } from '../../../../schemas';
import { SimulatedClock } from '../../../../runtime/core/clock';
import { seededRandom } from '../../../../runtime/core/random';
import {
  RequestTimeoutError,
  silentLogger,
  type AgentEndpoint,
  type CoordinationContext,
  type MessageBus,
} from '../../../../runtime/core/types';

interface Pending {
  resolve: (m: FipaMessage) => void;
  reject: (e: Error) => void;
  timer: { id: number };
}

/** The harness: a context for the code under test, plus what the test inspects (clock, trace, sent messages). */
export class TestHarness implements MessageBus {
  readonly clock = new SimulatedClock();
  readonly events: TraceEventInput[] = [];
  readonly sent: FipaMessage[] = [];
  private readonly agents = new Map<string, AgentEndpoint>();
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  readonly ctx: CoordinationContext;

  constructor(seed = 42) {
    this.ctx = {
      bus: this,
      clock: this.clock,
      random: seededRandom(seed),
      logger: silentLogger,
      trace: {
        emit: (e) => {
          this.events.push(e);
        },
      },
      addAgent: (a) => {
        this.agents.set(a.name, a);
      },
      removeAgent: (n) => {
        this.agents.delete(n);
      },
      agentNames: () => [...this.agents.keys()],
    };
  }

  add(...agents: AgentEndpoint[]): this {
    for (const a of agents) this.agents.set(a.name, a);
    return this;
  }

  /** Trace events of one type, without the union noise. */
  eventsOf<T extends TraceEventInput['type']>(type: T): Array<Extract<TraceEventInput, { type: T }>> {
    return this.events.filter((e) => e.type === type) as Array<Extract<TraceEventInput, { type: T }>>;
  }

  send(message: FipaMessage): void {
    const m = { ...message, message_id: message.message_id ?? `m${this.nextId++}` };
    this.sent.push(m);
    if (m.in_reply_to && this.pending.has(m.in_reply_to)) {
      const p = this.pending.get(m.in_reply_to)!;
      this.pending.delete(m.in_reply_to);
      this.clock.clearTimer(p.timer);
      p.resolve(m);
      return;
    }
    for (const to of Array.isArray(m.receiver) ? m.receiver : [m.receiver]) {
      const agent = this.agents.get(to);
      if (agent) void this.deliver(agent, m);
    }
  }

  request(message: FipaMessage, options: { timeoutMs?: number } = {}): Promise<FipaMessage> {
    const replyWith = message.reply_with ?? `rw${this.nextId++}`;
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<FipaMessage>((resolve, reject) => {
      const timer = this.clock.setTimer(timeoutMs, () => {
        this.pending.delete(replyWith);
        reject(new RequestTimeoutError(String(message.receiver), timeoutMs, message.conversation_id));
      });
      this.pending.set(replyWith, { resolve, reject, timer });
      this.send({ ...message, reply_with: replyWith });
    });
  }

  /** Like the Runtime: effects are performed after handle(); a failed handle() is answered with `failure`. */
  private async deliver(agent: AgentEndpoint, m: FipaMessage): Promise<void> {
    const result = await agent.handle(m);
    if (!result.ok) {
      this.send({
        performative: 'failure',
        sender: agent.name,
        receiver: m.sender,
        in_reply_to: m.reply_with,
        conversation_id: m.conversation_id,
        content: { error: `${result.error.kind}: ${result.error.message}` },
      });
      return;
    }
    for (const fx of result.effects) if (fx.kind === 'send') this.send(fx.message);
  }
}
