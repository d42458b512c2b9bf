/**
 * What a run's trace adds up to: delivery counts, dead letters, agent states and conversation outcomes. The
 * coordinator folds the merged trace, so the figures are the same whether one shard or many produced it.
 */
import type { AgentState, DropCode, TraceEventInput } from '../../schemas';
import { ConversationLog } from '../conversations/conversationLog';
import { DeadLetterRecord } from '../router/deadLetters';

/** See the file comment. */
export class RunFold {
  readonly log = new ConversationLog();
  readonly deadLetters = new DeadLetterRecord();
  readonly states = new Map<string, AgentState>();
  delivered = 0;
  dropped = 0;
  timeouts = 0;
  violations = 0;

  constructor(private readonly systemName: string) {}

  /** Fold one event stamped `t` (clock ms; a dead letter keeps it), see TraceFold. */
  apply(e: TraceEventInput, t: number): { keep: boolean; then?: TraceEventInput[] } {
    switch (e.type) {
      case 'message_delivered':
        this.delivered++;
        break;
      case 'message_dropped': {
        this.dropped += e.count ?? 1;
        const code: DropCode = e.code ?? 'refused';
        this.deadLetters.add(
          {
            t,
            code,
            reason: e.reason,
            ...(e.to ? { to: e.to } : {}),
            message: e.message ?? { performative: 'inform', sender: '?', receiver: e.to ?? '?' },
          },
          e.count ?? 1,
        );
        break;
      }
      case 'timeout':
        this.timeouts++;
        break;
      case 'protocol_violation':
        this.violations++;
        break;
      case 'agent_state':
        this.states.set(e.agent, e.to);
        break;
      default:
        break;
    }
    return this.log.apply(e, this.systemName);
  }
}
