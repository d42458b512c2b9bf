/**
 * Choosing a stage's agent by contract net: `agent: "@contract-net:<capability>"` sends a cfp to every running agent
 * (except those whose breaker is open), takes proposals until the bid window closes, awards the lowest `cost`
 * (or `price`; ties and missing costs by first to propose), and rejects the others.
 */
import type { CoordinationContext } from '../core/types';
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

/** Run the cfp round and award; emits `contract_net_proposals` and `contract_net_award`. */
export async function selectByContractNet(ctx: CoordinationContext, o: SelectionOptions): Promise<Selection> {
  const candidates = (o.candidates ?? ctx.agentNames()).filter((a) => a !== o.sender && !(o.skip?.(a)));
  const selection: Selection = { proposals: [], declined: [] };
  await Promise.all(candidates.map(async (agent) => {
    try {
      const reply = await ctx.bus.request({
        performative: 'cfp', sender: o.sender, receiver: agent, protocol: 'fipa-contract-net',
        conversation_id: o.conversationId, content: cfpContent(o),
      }, { timeoutMs: o.bidWindowMs });
      if (reply.performative === 'propose') selection.proposals.push({ agent, content: reply.content, cost: costOf(reply.content) });
      else selection.declined.push({ agent, reason: reply.performative });
    } catch (e) {
      selection.declined.push({ agent, reason: describeError(e) });
    }
  }));
  ctx.trace.emit({ type: 'contract_net_proposals', conversation_id: o.conversationId, proposals: selection.proposals.map(({ agent, content }) => ({ agent, content })) });
  const best = [...selection.proposals].sort((a, b) => (a.cost ?? Infinity) - (b.cost ?? Infinity))[0];
  selection.winner = best?.agent;
  ctx.trace.emit({
    type: 'contract_net_award', conversation_id: o.conversationId, winner: best?.agent, policy: 'lowest_cost',
    reason: best ? `lowest cost for ${o.capability}${best.cost === undefined ? ' (no cost given: first proposal)' : ` (${best.cost})`}` : `no agent proposed for ${o.capability}`,
  });
  for (const p of selection.proposals) {
    if (p.agent === best?.agent) continue;
    ctx.bus.send({ performative: 'reject_proposal', sender: o.sender, receiver: p.agent, protocol: 'fipa-contract-net', conversation_id: o.conversationId });
  }
  return selection;
}

/**
 * The cfp content: `{ capability, input }` for pipeline agents, plus `{ task, round }` as runtime/protocols'
 * contract net sends it, so an agent written for the `contract_net` pattern bids in pipelines unchanged.
 */
export function cfpContent(o: Pick<SelectionOptions, 'capability' | 'action' | 'input'>): Record<string, unknown> {
  return { capability: o.capability, input: o.input, task: { capability: o.capability, ...(o.action ? { action: o.action } : {}), input: o.input }, round: 1 };
}

function costOf(content: unknown): number | undefined {
  if (typeof content === 'number') return content;
  if (!content || typeof content !== 'object') return undefined;
  const c = content as Record<string, unknown>;
  for (const k of ['cost', 'price', 'bid']) if (typeof c[k] === 'number') return c[k] as number;
  return undefined;
}
