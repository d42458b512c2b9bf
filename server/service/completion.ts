/** Completion: keys with docs, performatives with docs, agent names, protocol names and topics seen. */
import { getLocation } from 'jsonc-parser';
import { KNOWN_PROTOCOLS, PROTOCOLS } from '../../schemas';
import {
  AGENT_FIELDS,
  enumAt,
  nodeAtPointer,
  propertiesAt,
  type DocNode,
  type FileKind,
  type LoadedFile as Analysis,
  type WorkspaceIndex,
} from '../../schemas/load';
import { FIELD_DOCS, performativeMarkdown } from './fipaDocs';
import { yamlCursor } from './yamlContext';

export interface CompletionCandidate {
  label: string;
  kind: 'key' | 'value' | 'agent' | 'protocol' | 'topic';
  detail?: string;
  documentation?: string;
  newText: string;
  start: number;
  end: number;
}

/** Completion candidates at an offset, in offsets. */
export function complete(a: Analysis, offset: number, workspace: WorkspaceIndex | undefined): CompletionCandidate[] {
  const kind = a.kind;
  const parsed = a.parsed;
  if (!kind || !parsed || parsed.tooDeep) return [];
  const text = parsed.text;
  if (parsed.yaml) {
    const cur = yamlCursor(text, offset);
    if (cur.key !== undefined) return values(kind, [...cur.path, cur.key], cur.replaceStart, cur.replaceEnd, false, workspace, parsed.root);
    const props = propertiesAt(kind, cur.path);
    if (props.size) {
      // Over an existing `key: value` (cursor in the key): replace the key only, keep its colon and value.
      const existing = /^([^\s:#'"][^:#]*?)\s*:(\s|$)/.exec(text.slice(cur.replaceStart, cur.replaceEnd));
      if (existing)
        return keys(
          kind,
          props,
          without(existingKeys(parsed.root, cur.path), existing[1]),
          cur.replaceStart,
          cur.replaceStart + existing[1].length,
          false,
          true,
        );
      return keys(kind, props, existingKeys(parsed.root, cur.path), cur.replaceStart, cur.replaceEnd, false);
    }
    return values(kind, cur.path, cur.replaceStart, cur.replaceEnd, false, workspace, parsed.root);
  }
  const loc = getLocation(text, offset);
  const prev = loc.previousNode;
  const within = prev && offset >= prev.offset && offset <= prev.offset + prev.length;
  const start = within ? prev.offset : offset;
  const end = within ? prev.offset + prev.length : offset;
  if (loc.isAtPropertyKey) {
    const objectPath = loc.path.slice(0, -1);
    // Over an existing key: replace the key and keep the colon that follows it (one colon, never two).
    const hasColon = /^\s*:/.test(text.slice(end, end + 256));
    // The key being replaced is offered again (it is present only because the cursor is on it).
    const current = within && typeof prev?.value === 'string' ? prev.value : undefined;
    return keys(kind, propertiesAt(kind, objectPath), without(existingKeys(parsed.root, objectPath), current), start, end, true, hasColon);
  }
  if (!loc.path.length) return [];
  return values(kind, loc.path, start, end, true, workspace, parsed.root);
}

function without(keys: Set<string>, key: string | undefined): Set<string> {
  if (key !== undefined) keys.delete(key);
  return keys;
}

function existingKeys(root: DocNode | undefined, path: ReadonlyArray<string | number>): Set<string> {
  const node = nodeAtPointer(root, path.map((p) => `/${String(p)}`).join(''));
  return new Set((node?.properties ?? []).map((p) => p.key));
}

function keys(
  kind: FileKind,
  props: Map<string, string>,
  existing: Set<string>,
  start: number,
  end: number,
  json: boolean,
  colonFollows = false,
): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  for (const [name, description] of props) {
    if (existing.has(name) || name === '$schema') continue;
    const doc =
      kind === 'message' && FIELD_DOCS[name]
        ? `${FIELD_DOCS[name]}${description && !FIELD_DOCS[name].startsWith(description) ? `\n\n${description}` : ''}`
        : description;
    const key = json ? JSON.stringify(name) : name;
    out.push({ label: name, kind: 'key', documentation: doc, newText: colonFollows ? key : `${key}: `, start, end });
  }
  return out;
}

function values(
  kind: FileKind,
  path: ReadonlyArray<string | number>,
  start: number,
  end: number,
  json: boolean,
  ws: WorkspaceIndex | undefined,
  root: DocNode | undefined,
): CompletionCandidate[] {
  const q = (s: string) => (json ? JSON.stringify(s) : s);
  const field = [...path].reverse().find((p): p is string => typeof p === 'string') ?? '';
  const out: CompletionCandidate[] = [];
  for (const v of enumAt(kind, path)) {
    out.push({
      label: v,
      kind: 'value',
      documentation: field === 'performative' ? performativeMarkdown(v) : undefined,
      newText: q(v),
      start,
      end,
    });
  }
  if (AGENT_FIELDS.has(field)) {
    for (const name of ws?.agentNames() ?? []) {
      const decl = ws?.findAgent(name)[0];
      out.push({
        label: name,
        kind: 'agent',
        detail: 'agent',
        documentation: decl ? `Declared in ${decl.uri}` : undefined,
        newText: q(name),
        start,
        end,
      });
    }
    if (field === 'receiver') {
      out.push({
        label: 'broadcast',
        kind: 'value',
        documentation: 'Every running agent but the sender.',
        newText: q('broadcast'),
        start,
        end,
      });
      for (const t of ws?.topics() ?? []) out.push({ label: t, kind: 'topic', detail: 'topic', newText: q(t), start, end });
    }
  }
  if (field === 'protocol' && kind === 'message') {
    for (const p of KNOWN_PROTOCOLS)
      out.push({ label: p, kind: 'protocol', detail: PROTOCOLS[p]?.title ?? 'protocol', newText: q(p), start, end });
  }
  if (field === 'in_reply_to' && root) {
    const seen = new Set<string>();
    for (const m of root.type === 'array' ? (root.items ?? []) : [root]) {
      const rw = m.properties?.find((p) => p.key === 'reply_with')?.value;
      if (rw?.type === 'string' && !seen.has(String(rw.value))) {
        seen.add(String(rw.value));
        out.push({
          label: String(rw.value),
          kind: 'value',
          detail: 'reply_with of an earlier message',
          newText: q(String(rw.value)),
          start,
          end,
        });
      }
    }
  }
  return out;
}
