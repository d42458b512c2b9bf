/** Hover, go-to-definition, references and the per-file index, all from the parsed tree. */
import { PROTOCOLS, PROTOCOL_ALIASES } from '../../schemas';
import type { Analysis } from './analyze';
import { AGENT_FIELDS } from './completion';
import { child, nodeAtOffset, pathOf, type DocNode } from './docTree';
import { FIELD_DOCS, performativeMarkdown } from './fipaDocs';
import { receiverNodes } from './messageRules';
import { stageAgents } from './pipelineRules';
import { describeAt } from './schemaRegistry';
import type { AgentDeclaration, AgentReference, FileIndex } from './types';
import type { WorkspaceIndex } from './workspaceIndex';

export interface HoverResult { markdown: string; start: number; end: number }

/** The field a value belongs to (for list items, the list's key). */
function fieldOf(node: DocNode): string | undefined {
  if (node.ownerProperty) return node.ownerProperty.key;
  return node.parent?.ownerProperty?.key;
}

/** Hover text at an offset: a field's FIPA meaning, a performative's meaning, a protocol, an agent. */
export function hover(a: Analysis, offset: number, ws: WorkspaceIndex | undefined): HoverResult | undefined {
  const root = a.parsed?.root;
  if (!a.kind || !root) return undefined;
  const { node, keyOf } = nodeAtOffset(root, offset);
  if (keyOf && node) {
    const path = [...pathOf(node), keyOf.key];
    const fipa = a.kind === 'message' ? FIELD_DOCS[keyOf.key] : undefined;
    const schema = describeAt(a.kind, path);
    const text = fipa ? `**${keyOf.key}** (FIPA ACL field): ${fipa}${schema && schema !== fipa ? `\n\n${schema}` : ''}` : schema ? `**${keyOf.key}**: ${schema}` : '';
    return text ? { markdown: text, start: keyOf.keyStart, end: keyOf.keyEnd } : undefined;
  }
  if (!node || node.type !== 'string') return undefined;
  const value = String(node.value);
  const field = fieldOf(node);
  let md: string | undefined;
  if (field === 'performative') md = performativeMarkdown(value) ?? performativeMarkdown(value.replace(/-/g, '_'));
  else if (field === 'protocol') {
    const canonical = PROTOCOL_ALIASES[value] ?? value;
    const def = PROTOCOLS[canonical];
    md = def ? `**${value}**: ${def.title}${canonical !== value ? ` (alias of ${canonical})` : ''}\n\nCaxton checks the order of messages against this protocol.` : undefined;
  } else if (field && AGENT_FIELDS.has(field) && ws) {
    const decls = ws.findAgent(value);
    md = decls.length ? `**${value}**: agent declared in ${decls.map((d) => d.uri).join(', ')}` : `**${value}**: no agent manifest declares this name`;
  }
  if (!md && field) {
    const d = describeAt(a.kind, pathOf(node));
    md = d ? `**${field}**: ${d}` : undefined;
  }
  return md ? { markdown: md, start: node.start, end: node.end } : undefined;
}

/** The agent name under the cursor, if the cursor is on an agent-name value (or a manifest's name). */
export function agentNameAt(a: Analysis, offset: number): { name: string; node: DocNode } | undefined {
  const root = a.parsed?.root;
  if (!root) return undefined;
  const { node, keyOf } = nodeAtOffset(root, offset);
  if (keyOf || !node || node.type !== 'string') return undefined;
  const field = fieldOf(node);
  const isManifestName = a.kind === 'agent' && node.ownerProperty?.key === 'name' && node.parent === root;
  const isScenarioAgent = a.kind === 'scenario' && field === 'agents' && !/[/\\]|\.ya?ml$/.test(String(node.value));
  if ((field && AGENT_FIELDS.has(field)) || isManifestName || isScenarioAgent) return { name: String(node.value), node };
  return undefined;
}

type ToRange = (start: number, end: number) => AgentDeclaration['range'];

/** What a file declares and references, for the workspace index. */
export function indexFile(a: Analysis, uri: string, toRange: ToRange): FileIndex {
  const index: FileIndex = { declarations: [], references: [], topics: [] };
  const root = a.parsed?.root;
  if (!root || !a.kind) return index;
  const ref = (n: DocNode): AgentReference => ({ name: String(n.value), uri, range: toRange(n.start, n.end) });
  if (a.kind === 'agent') {
    const name = child(root, 'name');
    if (name?.type === 'string' && String(name.value)) index.declarations.push({ name: String(name.value), uri, range: toRange(name.start, name.end) });
    for (const s of child(root, 'subscriptions')?.items ?? []) if (s.type === 'string') index.topics.push(String(s.value));
  } else if (a.kind === 'message') {
    for (const m of root.type === 'array' ? root.items ?? [] : [root]) {
      const sender = child(m, 'sender');
      if (sender?.type === 'string') index.references.push(ref(sender));
      for (const r of receiverNodes(child(m, 'receiver'))) index.references.push(ref(r));
      for (const r of receiverNodes(child(m, 'reply_to'))) index.references.push(ref(r));
      const receiver = child(m, 'receiver');
      for (const r of receiver?.type === 'array' ? receiver.items ?? [] : receiver ? [receiver] : []) {
        if (r.type === 'string' && String(r.value).startsWith('topic://')) index.topics.push(String(r.value));
      }
    }
  } else if (a.kind === 'pipeline') {
    for (const stage of child(child(root, 'pipeline'), 'stages')?.items ?? []) for (const n of stageAgents(stage)) index.references.push(ref(n));
  } else if (a.kind === 'scenario') {
    for (const n of child(child(root, 'scenario'), 'agents')?.items ?? []) {
      if (n.type === 'string' && !/[/\\]|\.ya?ml$/.test(String(n.value))) index.references.push(ref(n));
    }
  }
  return index;
}
