/**
 * What a paused debugger shows besides the pending deliveries, folded from the trace as it streams: each
 * conversation with its protocol state (the runtime's own machine, schemas/protocolMachine.ts) and outcome, each
 * agent's state and last usage against its limits, and the events of the run so far. Pure.
 */
import type { Performative, TraceEvent } from '../../schemas';
import { findProtocol, startProtocol, stepProtocol, type ProtocolState } from '../../schemas/protocolMachine';

export interface ConversationWatch {
  id: string;
  protocol?: string;
  messages: number;
  participants: Set<string>;
  state?: ProtocolState;
  outcome?: string;
  timeouts: number;
  violations: number;
}

export interface AgentWatch {
  state?: string;
  reason?: string;
  handled: number;
  fuel?: number;
  fuelLimit?: number;
  memoryBytes?: number;
  memoryLimitBytes?: number;
  failures: number;
}

/** The fold: feed it every trace event. */
export class RunWatch {
  readonly conversations = new Map<string, ConversationWatch>();
  readonly agents = new Map<string, AgentWatch>();
  /** The seq of each message's message_sent, by message_id (the inspector highlights a pending message by it). */
  readonly sentSeq = new Map<string, number>();
  /** The last event's seq (-1 before any). */
  lastSeq = -1;

  add(e: TraceEvent): void {
    this.lastSeq = e.seq;
    switch (e.type) {
      case 'message_sent': {
        this.sentSeq.set(e.id, e.seq);
        const id = e.message.conversation_id;
        if (!id) return;
        let c = this.conversations.get(id);
        if (!c) {
          c = { id, protocol: e.message.protocol, messages: 0, participants: new Set(), timeouts: 0, violations: 0 };
          this.conversations.set(id, c);
        }
        c.messages++;
        c.participants.add(e.message.sender);
        for (const to of e.to) c.participants.add(to);
        const found = findProtocol(c.protocol ?? e.message.protocol);
        if (found) {
          c.protocol = found.name;
          c.state = stepProtocol(c.state ?? startProtocol(found.name, e.message.sender), {
            performative: e.message.performative as Performative,
            sender: e.message.sender,
            receivers: e.to,
          }).state;
        }
        return;
      }
      case 'conversation_ended': {
        const c = this.conversations.get(e.conversation_id);
        if (c) c.outcome = e.outcome;
        return;
      }
      case 'timeout': {
        const c = e.conversation_id ? this.conversations.get(e.conversation_id) : undefined;
        if (c) c.timeouts++;
        return;
      }
      case 'protocol_violation': {
        const c = e.conversation_id ? this.conversations.get(e.conversation_id) : undefined;
        if (c) c.violations++;
        return;
      }
      case 'agent_state': {
        const a = this.agent(e.agent);
        a.state = e.to;
        a.reason = e.reason;
        if (e.to === 'failed') a.failures++;
        return;
      }
      case 'agent_usage': {
        const a = this.agent(e.agent);
        a.handled++;
        a.fuel = e.fuel;
        a.memoryBytes = e.memory_bytes;
        if (e.fuel_limit !== undefined) a.fuelLimit = e.fuel_limit;
        if (e.memory_limit_bytes !== undefined) a.memoryLimitBytes = e.memory_limit_bytes;
        return;
      }
      default:
    }
  }

  private agent(name: string): AgentWatch {
    let a = this.agents.get(name);
    if (!a) {
      a = { handled: 0, failures: 0 };
      this.agents.set(name, a);
    }
    return a;
  }
}
