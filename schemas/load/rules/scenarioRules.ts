/**
 * Scenario checks a schema cannot say: the files it names exist in its folder, the agents it starts, addresses and
 * auctions are declared there (with did-you-mean), its inline messages follow the message rules, and a Dutch
 * auction's price can fall. `caxton run` starts exactly the agents of the scenario's folder, so names are looked
 * up there, in the editor as in the runtime.
 */
import { child, str, type DocNode } from '../docTree';
import type { Problem } from '../types';
import { checkFileRef } from './fileRefs';
import { checkMessageValues } from './messageRules';
import { agentsUnder, checkAgentName, folderOf, type RuleContext } from './ruleContext';

/** Pattern fields that name agents the scenario must start (the coordinator is built in). */
export const PATTERN_AGENT_FIELDS = ['participants', 'bidders', 'counterpart', 'decider'];

/** Whether a scenario `agents:` entry is a manifest path (else an agent name). */
export function isManifestRef(entry: string): boolean {
  return /[/\\]|\.ya?ml$/.test(entry);
}

/** Checks a *.scenario.yaml tree. */
export function checkScenario(root: DocNode, ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  const scenario = child(root, 'scenario');
  if (scenario?.type !== 'object') return out;
  const local: RuleContext = { ...ctx, agents: agentsUnder(ctx.agents, folderOf(ctx.uri)) };
  for (const entry of child(scenario, 'agents')?.items ?? []) {
    if (entry.type !== 'string') continue;
    if (isManifestRef(String(entry.value))) checkFileRef(entry, local, out, 'agent manifest', 'agent', 'folder');
    else checkAgentName(entry, local, out, 'scenario agent', 'error');
  }
  for (const item of child(scenario, 'messages')?.items ?? []) {
    const file = child(item, 'file');
    if (file) checkFileRef(file, local, out, 'message file', 'message', 'folder');
    const message = child(item, 'message');
    if (message?.type === 'object') checkMessageValues(message, local, out);
  }
  const pipeline = child(scenario, 'pipeline');
  if (pipeline) checkFileRef(pipeline, local, out, 'pipeline', 'pipeline', 'folder');
  const pattern = child(scenario, 'pattern');
  if (pattern?.type === 'object') checkPattern(pattern, local, out);
  return out;
}

function checkPattern(pattern: DocNode, ctx: RuleContext, out: Problem[]): void {
  for (const field of PATTERN_AGENT_FIELDS) {
    const node = child(pattern, field);
    for (const n of node?.type === 'array' ? (node.items ?? []) : node ? [node] : [])
      checkAgentName(n, ctx, out, `pattern ${field.replace(/s$/, '')}`, 'error');
  }
  const start = child(pattern, 'start_price');
  const floor = child(pattern, 'floor');
  if (
    str(pattern, 'kind') === 'dutch_auction' &&
    start?.type === 'number' &&
    floor?.type === 'number' &&
    Number(floor.value) > Number(start.value)
  ) {
    out.push({
      start: floor.start,
      end: floor.end,
      severity: 'warning',
      code: 'auction-price-direction',
      message: `A Dutch auction's price falls from start_price to floor, but floor ${String(floor.value)} is above start_price ${String(start.value)}: the auction would end at once; lower the floor or raise start_price.`,
    });
  }
}
