/** What a loaded file declares (agents) and references (agent names, topics), for the workspace index. */
import { child, type DocNode } from './docTree';
import { LineIndex } from './lineIndex';
import type { LoadedFile } from './loadText';
import { stageAgents } from './rules/pipelineRules';
import { receiverNodes } from './rules/ruleContext';
import { isManifestRef, PATTERN_AGENT_FIELDS } from './rules/scenarioRules';
import type { AgentReference, FileIndex, LineRange } from './types';

/** Fields whose values are agent names (messages, pipelines, scenario patterns). */
export const AGENT_FIELDS = new Set(['sender', 'receiver', 'reply_to', 'agent', ...PATTERN_AGENT_FIELDS]);

type ToRange = (start: number, end: number) => LineRange;

/** What a file declares and references; ranges by `toRange` (the editor's document), else counted from the text. */
export function indexFile(a: LoadedFile, toRange?: ToRange): FileIndex {
  const index: FileIndex = { declarations: [], references: [], topics: [] };
  const root = a.parsed?.root;
  if (!root || !a.kind) return index;
  const range =
    toRange ??
    (
      (lines) => (s: number, e: number) =>
        lines.rangeOf(s, e)
    )(new LineIndex(a.parsed!.text));
  const uri = a.uri;
  const ref = (n: DocNode): AgentReference => ({ name: String(n.value), uri, range: range(n.start, n.end) });
  const messageRefs = (m: DocNode): void => {
    const sender = child(m, 'sender');
    if (sender?.type === 'string') index.references.push(ref(sender));
    for (const r of receiverNodes(child(m, 'receiver'))) index.references.push(ref(r));
    for (const r of receiverNodes(child(m, 'reply_to'))) index.references.push(ref(r));
    const receiver = child(m, 'receiver');
    for (const r of receiver?.type === 'array' ? (receiver.items ?? []) : receiver ? [receiver] : []) {
      if (r.type === 'string' && String(r.value).startsWith('topic://')) index.topics.push(String(r.value));
    }
  };
  if (a.kind === 'agent') {
    const name = child(root, 'name');
    if (name?.type === 'string' && String(name.value))
      index.declarations.push({ name: String(name.value), uri, range: range(name.start, name.end) });
    for (const s of child(root, 'subscriptions')?.items ?? []) if (s.type === 'string') index.topics.push(String(s.value));
  } else if (a.kind === 'message') {
    for (const m of root.type === 'array' ? (root.items ?? []) : [root]) messageRefs(m);
  } else if (a.kind === 'pipeline') {
    for (const stage of child(child(root, 'pipeline'), 'stages')?.items ?? [])
      for (const n of stageAgents(stage)) index.references.push(ref(n));
  } else if (a.kind === 'scenario') {
    const scenario = child(root, 'scenario');
    for (const n of child(scenario, 'agents')?.items ?? []) {
      if (n.type === 'string' && !isManifestRef(String(n.value))) index.references.push(ref(n));
    }
    for (const item of child(scenario, 'messages')?.items ?? []) {
      const m = child(item, 'message');
      if (m?.type === 'object') messageRefs(m);
    }
    const pattern = child(scenario, 'pattern');
    for (const field of PATTERN_AGENT_FIELDS) {
      const node = child(pattern, field);
      for (const n of node?.type === 'array' ? (node.items ?? []) : node ? [node] : [])
        if (n.type === 'string') index.references.push(ref(n));
    }
  }
  return index;
}
