/**
 * Choosing a stage's agent by contract net: `agent: "@contract-net:<capability>"` runs the one contract net
 * machine of runtime/protocols (cfp with reply_by, propose/refuse, lowest cost, rejects) in its `caller` award
 * mode: the agents that propose are asked with MessageBus.request, and the pipeline then gives the winner the work
 * itself (accept_proposal, under the stage's timeout, retry and breaker). Agents whose breaker is open are not asked.
 */
import type { FipaMessage } from '../../schemas';
import type { CoordinationContext } from '../core/types';
import { contractNetMachine } from '../protocols/contractNet';
import { machineLoop } from '../protocols/driver';
import { numberIn } from '../protocols/machine';
import { describeError } from '../resilience/errors';

export const CONTRACT_NET_PREFIX = '@contract-net:';

/** The capability named by a `@contract-net:<capability>` agent selector, or undefined for a plain agent name. */
export function contractNetCapability(agent: string): string | undefined {
  return agent.startsWith(CONTRACT_NET_PREFIX) ? agent.slice(CONTRACT_NET_PREFIX.length) : undefined;
}

export interface SelectionOptions {
  sender: string;
  capability: string;
  action?: string;
  input: unknown;
  conversationId: string;
  bidWindowMs: number;
  /** Agents that may be asked (default: every running agent but the sender). */
  candidates?: string[];
  /** Skip an agent (e.g. its breaker is open). */
  skip?: (agent: string) => boolean;
}

export interface Selection {
  winner?: string;
  proposals: Array<{ agent: string; content: unknown; cost?: number }>;
  declined: Array<{ agent: string; reason: string }>;
}

/** Run the cfp round and award (emits `contract_net_proposals` and `contract_net_award`); the winner is not yet called. */
export function selectByContractNet(ctx: CoordinationContext, o: SelectionOptions): Promise<Selection> {
  const participants = (o.candidates ?? ctx.agentNames()).filter((a) => a !== o.sender && !o.skip?.(a));
  const machine = contractNetMachine({
    manager: o.sender,
    conversationId: o.conversationId,
    participants,
    task: cfpContent(o).task,
    deadlineMs: o.bidWindowMs,
    resultTimeoutMs: 0,
    policy: 'lowest_cost',
    costField: 'cost',
    qualityField: 'quality',
    maxRounds: 1,
    awardBy: 'caller',
    cfpExtra: { capability: o.capability, input: o.input },
  });
  const selection: Selection = { proposals: [], declined: [] };
  return new Promise<Selection>((resolve) => {
    // The protocol driver's step loop; only the sends differ: a cfp is a request whose reply (or failure) is fed back.
    const loop = machineLoop(machine, ctx, {
      send: (m) => {
        if (m.performative !== 'cfp') {
          ctx.bus.send(m);
          return;
        }
        const to = String(m.receiver);
        ctx.bus.request(m, { timeoutMs: o.bidWindowMs }).then(
          (reply) => {
            if (reply.performative === 'propose')
              selection.proposals.push({ agent: to, content: reply.content, cost: numberIn(reply.content, ['cost', 'price']) });
            else selection.declined.push({ agent: to, reason: reply.performative });
            loop.feed({ type: 'message', message: reply, at: loop.at() });
          },
          (err: unknown) => failed(m, to, describeError(err)),
        );
      },
      done: (outcome) => {
        loop.stop();
        selection.winner = outcome.ok ? outcome.winner : undefined;
        resolve(selection);
      },
    });
    // A participant that fails or does not answer in time is a refusal, as the runtime's notice would say.
    const failed = (cfp: FipaMessage, agent: string, error: string): void => {
      selection.declined.push({ agent, reason: error });
      loop.feed({
        type: 'message',
        at: loop.at(),
        message: {
          performative: 'failure',
          sender: `${o.sender}/runtime`,
          receiver: o.sender,
          conversation_id: o.conversationId,
          in_reply_to: cfp.reply_with,
          content: { error, receiver: agent },
        },
      });
    };
    loop.feed({ type: 'start', at: loop.at() });
  });
}

/**
 * The cfp content: `{ capability, input }` for pipeline agents, plus `{ task, round }` as runtime/protocols'
 * contract net sends it, so an agent written for the `contract_net` pattern bids in pipelines unchanged.
 */
export function cfpContent(o: Pick<SelectionOptions, 'capability' | 'action' | 'input'>): Record<string, unknown> {
  return {
    capability: o.capability,
    input: o.input,
    task: { capability: o.capability, ...(o.action ? { action: o.action } : {}), input: o.input },
    round: 1,
  };
}
