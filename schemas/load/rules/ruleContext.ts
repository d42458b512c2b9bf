/** What every rule gets (the file, settings, injected workspace knowledge) and the checks several rules share. */
import type { DocNode } from '../docTree';
import { didYouMean } from '../spelling';
import type { AgentDirectory, FileLookup, LoadSettings, Problem, Severity } from '../types';

export interface RuleContext {
  /** The file's uri (file:// for files on disk): names it to injected lookups and in messages. */
  uri: string;
  text: string;
  settings: LoadSettings;
  /** The agents the workspace declares; without it, agent names are not checked. */
  agents?: AgentDirectory;
  /** Other files (a scenario's message files, pipeline, manifests); without it, references are not checked. */
  files?: FileLookup;
  newId: (prefix: string) => string;
  /** Renders a string value for this file's syntax (JSON quotes, plain YAML when safe). */
  quote: (s: string) => string;
}

/** Agent names a manifest may declare (the schema's pattern), so a malformed name is not also "unknown". */
export const AGENT_NAME = /^[A-Za-z_][A-Za-z0-9_.@:-]*$/;

/** Receiver values that name agents (not `broadcast`, not topics). */
export function receiverNodes(receiver: DocNode | undefined): DocNode[] {
  if (!receiver) return [];
  const nodes = receiver.type === 'array' ? (receiver.items ?? []) : [receiver];
  return nodes.filter(
    (n) => n.type === 'string' && n.value !== 'broadcast' && !String(n.value).startsWith('topic://') && String(n.value).length > 0,
  );
}

/**
 * Flags an agent name that no manifest declares (only once the workspace knows at least one manifest), with
 * did-you-mean and a quick fix. `severity` is an error where the runtime cannot go on without the agent.
 */
export function checkAgentName(node: DocNode, ctx: RuleContext, out: Problem[], role: string, severity: Severity = 'warning'): void {
  const ws = ctx.agents;
  if (!ws || node.type !== 'string' || ws.agentNames().length === 0) return;
  const name = String(node.value);
  // A malformed name already has a schema error (one diagnostic per mistake); `@contract-net:<capability>`
  // picks an agent at run time, so there is no manifest to find.
  if (ws.findAgent(name).length || !AGENT_NAME.test(name) || name.startsWith('@')) return;
  const names = ws.agentNames();
  const guess = didYouMean(name, names);
  out.push({
    start: node.start,
    end: node.end,
    severity,
    code: 'unknown-agent',
    message: `No agent manifest declares ${role} '${name}'${guess ? `: did you mean '${guess}'?` : `. Known agents: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}; add a ${name}.agent.yaml or fix the name.`}`,
    fixes: guess
      ? [
          {
            title: `Change '${name}' to '${guess}'`,
            edits: [{ start: node.start, end: node.end, newText: ctx.quote(guess) }],
            preferred: true,
          },
        ]
      : [],
  });
}

/** The folder of a file uri, with its trailing slash. */
export function folderOf(uri: string): string {
  return uri.slice(0, uri.lastIndexOf('/') + 1);
}

/** The part of a directory declared under `folder` (a scenario starts only the agents of its own folder). */
export function agentsUnder(agents: AgentDirectory | undefined, folder: string): AgentDirectory | undefined {
  if (!agents) return undefined;
  let names: string[] | undefined;
  return {
    agentNames: () => (names ??= agents.agentNames().filter((n) => agents.findAgent(n).some((d) => d.uri.startsWith(folder)))),
    findAgent: (name) => agents.findAgent(name).filter((d) => d.uri.startsWith(folder)),
  };
}
