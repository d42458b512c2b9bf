/** Hover, go-to-definition, references and the per-file index, all from the parsed tree. */
import { formatBytes, formatCount, MANIFEST_LIMIT_DEFAULTS } from '../../schemas';
import { findProtocol } from '../../schemas/protocolMachine';
import {
  AGENT_FIELDS,
  describeAt,
  isManifestRef,
  nodeAtOffset,
  pathOf,
  type DocNode,
  type LoadedFile as Analysis,
  type WorkspaceIndex,
} from '../../schemas/load';
import { FIELD_DOCS, performativeMarkdown } from './fipaDocs';

export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

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
    const schema = describeAt(a.kind, path) + limitDefault(a.kind, path);
    const text = fipa
      ? `**${keyOf.key}** (FIPA ACL field): ${fipa}${schema && schema !== fipa ? `\n\n${schema}` : ''}`
      : schema
        ? `**${keyOf.key}**: ${schema}`
        : '';
    return text ? { markdown: text, start: keyOf.keyStart, end: keyOf.keyEnd } : undefined;
  }
  if (!node || node.type !== 'string') return undefined;
  const value = String(node.value);
  const field = fieldOf(node);
  let md: string | undefined;
  if (field === 'performative') md = performativeMarkdown(value) ?? performativeMarkdown(value.replace(/-/g, '_'));
  else if (field === 'protocol') {
    const found = findProtocol(value);
    md = found
      ? `**${value}**: ${found.def.title}${found.name !== value ? ` (alias of ${found.name})` : ''}\n\nCaxton checks the order of messages against this protocol.`
      : undefined;
  } else if (field && AGENT_FIELDS.has(field) && ws) {
    const decls = ws.findAgent(value);
    md = decls.length
      ? `**${value}**: agent declared in ${decls.map((d) => d.uri).join(', ')}`
      : `**${value}**: no agent manifest declares this name`;
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
  const isScenarioAgent = a.kind === 'scenario' && field === 'agents' && !isManifestRef(String(node.value));
  if ((field && AGENT_FIELDS.has(field)) || isManifestName || isScenarioAgent) return { name: String(node.value), node };
  return undefined;
}

/** ` Default: 16.0 MiB (16,777,216 bytes).` for a manifest limit: the runtime's default, from the one limits module. */
function limitDefault(kind: string, path: ReadonlyArray<string | number>): string {
  const d = kind === 'agent' && path.length === 2 && path[0] === 'limits' ? MANIFEST_LIMIT_DEFAULTS[String(path[1])] : undefined;
  if (!d) return '';
  const shown =
    d.unit === 'bytes'
      ? `${formatBytes(d.default)} (${formatCount(d.default)} bytes)`
      : d.unit === 'ms'
        ? `${formatCount(d.default)} ms`
        : formatCount(d.default);
  return ` Default: ${shown}.`;
}
