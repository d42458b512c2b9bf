/** Recognises Caxton files by name pattern, or failing that by their `$schema`. */
import type { FileKind } from './types';

const NAME_PATTERNS: Array<[RegExp, FileKind]> = [
  [/\.fipa\.json$/i, 'message'],
  [/\.pipeline\.ya?ml$/i, 'pipeline'],
  [/\.agent\.ya?ml$/i, 'agent'],
  [/\.scenario\.ya?ml$/i, 'scenario'],
];

const SCHEMA_NAMES: Array<[string, FileKind]> = [
  ['message.schema.json', 'message'],
  ['pipeline.schema.json', 'pipeline'],
  ['agent.schema.json', 'agent'],
  ['scenario.schema.json', 'scenario'],
];

/** The kind of a Caxton file from its uri or path alone, or undefined. */
export function kindFromName(uriOrPath: string): FileKind | undefined {
  const clean = uriOrPath.replace(/[?#].*$/, '');
  return NAME_PATTERNS.find(([re]) => re.test(clean))?.[1];
}

/** The kind a `$schema` value names, or undefined. */
export function kindFromSchemaUri(schema: string): FileKind | undefined {
  return SCHEMA_NAMES.find(([name]) => schema.endsWith(name) || schema.includes(`/${name}`))?.[1];
}

/** Whether the text is YAML rather than JSON, judged by the name (JSON when unsure and it starts with `{`/`[`). */
export function isYamlName(uriOrPath: string, text: string): boolean {
  if (/\.ya?ml$/i.test(uriOrPath.replace(/[?#].*$/, ''))) return true;
  if (/\.json[c5]?$/i.test(uriOrPath.replace(/[?#].*$/, ''))) return false;
  return !/^\s*[[{]/.test(text.slice(0, 256));
}

/** The kind of a document: by name pattern first, then by a `$schema` near the top. */
export function detectFileKind(uriOrPath: string, text: string): FileKind | undefined {
  const byName = kindFromName(uriOrPath);
  if (byName) return byName;
  const head = text.slice(0, 4096);
  const m = /"\$schema"\s*:\s*"([^"]+)"/.exec(head) ?? /^\$schema\s*:\s*["']?([^\s"']+)/m.exec(head);
  return m ? kindFromSchemaUri(m[1]) : undefined;
}
