/**
 * Parse YAML / JSON files with positions and turn schema errors into problems a person can act on:
 * `file:line:col: what is wrong; the fix`, pointing at the key or value at fault.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { findNodeAtLocation, parseTree, type Node as JsonNode, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { allSchemas } from '../../schemas';

/** One problem in a workspace file (1-based line and column). */
export interface WorkspaceProblem { file: string; line: number; column: number; message: string }

/** `file:line:col: message`. */
export function formatProblem(p: WorkspaceProblem): string { return `${p.file}:${p.line}:${p.column}: ${p.message}`; }

let ajv: Ajv | undefined;
/** A validator for one of the schemas in schemas/ (by $id or $id#/pointer), compiled once. */
export function schemaValidator(ref: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    for (const s of allSchemas) ajv.addSchema(s);
  }
  return ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
}

type Locate = (path: Array<string | number>, keyOf?: string) => number;

/** Parse YAML and validate it; returns the value or the problems. */
export function parseYamlFile(file: string, text: string, validate: ValidateFunction, schemaName: string): { value?: unknown; problems: WorkspaceProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number): { line: number; column: number } => { const p = lines.linePos(offset); return { line: p.line, column: p.col }; };
  if (doc.errors.length) {
    return { problems: doc.errors.slice(0, 1).map((e) => ({ file, ...at(e.pos[0]), message: `not valid YAML: ${e.message.split('\n')[0]}; fix the syntax at this place` })) };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    // e.g. an alias bomb: the yaml library refuses to expand excessive aliases.
    return { problems: [{ file, line: 1, column: 1, message: `cannot read this YAML: ${(e as Error).message}; remove the aliases (*name) or expand them by hand` }] };
  }
  const locate: Locate = (path, keyOf) => yamlOffset(doc, path, keyOf);
  const problems = schemaProblems(validate, value, schemaName).map((p) => ({ file, ...at(locate(p.path, p.key)), message: p.message }));
  return problems.length ? { problems } : { value, problems };
}

/** Parse JSON and validate it; returns the value or the problems. */
export function parseJsonFile(file: string, text: string, validate: ValidateFunction, schemaName: string): { value?: unknown; problems: WorkspaceProblem[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const at = (offset: number): { line: number; column: number } => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  };
  if (errors.length || !root) {
    const e = errors[0];
    return { problems: [{ file, ...at(e?.offset ?? 0), message: `not valid JSON: ${e ? printParseErrorCode(e.error) : 'empty file'}; fix the syntax at this place` }] };
  }
  const value = JSON.parse(text) as unknown;
  const locate: Locate = (path, keyOf) => jsonOffset(root, path, keyOf);
  const problems = schemaProblems(validate, value, schemaName).map((p) => ({ file, ...at(locate(p.path, p.key)), message: p.message }));
  return problems.length ? { problems } : { value, problems };
}

interface RawProblem { path: Array<string | number>; key?: string; message: string }

/** The schema errors worth showing (the most specific one per place), phrased with the fix. */
function schemaProblems(validate: ValidateFunction, value: unknown, schemaName: string): RawProblem[] {
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).filter((e) => !['anyOf', 'if', 'oneOf', '$ref'].includes(e.keyword));
  const chosen = errors.length ? errors : validate.errors ?? [];
  const seen = new Set<string>();
  const out: RawProblem[] = [];
  for (const e of chosen) {
    const place = e.instancePath + (e.keyword === 'additionalProperties' ? `/${(e.params as { additionalProperty: string }).additionalProperty}` : '');
    if (seen.has(place)) continue;
    seen.add(place);
    out.push(describe(e, schemaName));
  }
  return out.slice(0, 5);
}

function describe(e: ErrorObject, schemaName: string): RawProblem {
  const path = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const where = path.length ? `\`${path.join('.')}\`` : 'the file';
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing \`${params.missingProperty}\` in ${where}; add it (see ${schemaName})` };
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {}).filter((k) => k !== '$schema');
      return { path, key: String(params.additionalProperty), message: `unknown key \`${params.additionalProperty}\` in ${where}; remove it or use one of: ${allowed.join(', ')}` };
    }
    case 'enum':
      return { path, message: `${where} is ${JSON.stringify(e.data)}; use one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'pattern': {
      const description = (e.parentSchema as { description?: string })?.description;
      return { path, message: `${where} ${JSON.stringify(e.data)} does not have the expected form${description ? ` (${description})` : ` (pattern ${params.pattern})`}` };
    }
    case 'type':
      return { path, message: `${where} must be ${params.type === 'array' ? 'a list' : `a ${params.type}`}, not ${JSON.stringify(e.data)}` };
    default:
      return { path, message: `${where} ${e.message ?? 'is invalid'} (see ${schemaName})` };
  }
}

function yamlOffset(doc: Document, path: Array<string | number>, keyOf?: string): number {
  let node: unknown = doc.contents;
  for (const part of path) {
    const next = isNode(node) && 'get' in node ? (node as unknown as { get(k: unknown, keep: boolean): unknown }).get(part, true) : undefined;
    if (!isNode(next)) break;
    node = next;
  }
  if (keyOf && isMap(node)) {
    const pair = node.items.find((p) => isNode(p.key) && (p.key as unknown as { value: unknown }).value === keyOf);
    if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return isNode(node) && node.range ? node.range[0] : 0;
}

function jsonOffset(root: JsonNode, path: Array<string | number>, keyOf?: string): number {
  let node = root;
  for (let i = path.length; i >= 0; i--) {
    const found = findNodeAtLocation(root, path.slice(0, i));
    if (found) { node = found; break; }
  }
  if (keyOf && node.type === 'object') {
    const prop = node.children?.find((c) => c.children?.[0]?.value === keyOf);
    if (prop?.children?.[0]) return prop.children[0].offset;
  }
  return node.offset;
}
