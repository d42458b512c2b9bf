/** The schemas compiled once with ajv, plus a small resolver that walks them for completion and hover. */
import Ajv, { type ValidateFunction } from 'ajv';
import { agentSchema, allSchemas, messageSchema, pipelineSchema, scenarioSchema } from '..';
import { durationProblem, durationToMs, durationWithin } from '../limits';
import * as compiled from './compiledValidators';
import type { FileKind } from './types';

export type Schema = Record<string, unknown> & {
  $ref?: string;
  $id?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  then?: Schema;
  else?: Schema;
  description?: string;
  type?: string | string[];
  required?: string[];
  definitions?: Record<string, Schema>;
};

const ROOTS: Record<FileKind, Schema> = {
  message: messageSchema as unknown as Schema,
  pipeline: pipelineSchema as unknown as Schema,
  agent: agentSchema as unknown as Schema,
  scenario: scenarioSchema as unknown as Schema,
};

let ajv: Ajv | undefined;
const validators = new Map<FileKind, ValidateFunction>();

/**
 * The one ajv instance, with every schema registered, for every part: the loaders, the router's check of sent
 * messages, the trace schema. `maxDurationMs` (in duration.schema.json) refuses durations no timer can wait.
 */
export function schemaRegistry(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    ajv.addKeyword({
      keyword: 'maxDurationMs',
      schemaType: 'number',
      errors: true,
      validate: function check(max: number, data: unknown): boolean {
        if (durationWithin(data, max)) return true;
        (check as unknown as { errors: unknown[] }).errors = [
          { keyword: 'maxDurationMs', message: durationProblem(data) ?? 'is too long', params: { limit: max, ms: durationToMs(data) } },
        ];
        return false;
      },
    });
    for (const s of allSchemas) ajv.addSchema(s);
  }
  return ajv;
}

/** The ajv validator for a kind of file (compiled on first use, shared). */
export function validatorFor(kind: FileKind): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    v = schemaRegistry().getSchema(ROOTS[kind].$id as string) as ValidateFunction;
    validators.set(kind, v);
  }
  return v;
}

/**
 * The verdict alone, from the validators compiled ahead of time (compiledValidators.ts, the same schemas): true
 * when the value is valid. Nothing is compiled at run time; a false verdict is explained by the registry.
 */
export function isValid(name: FileKind | 'messageItem', value: unknown): boolean {
  return (compiled[name] as (data: unknown) => boolean)(value);
}

/** The validator of a schema by `$id` or `$id#/pointer` (compiled once by the registry). */
export function validatorOf(ref: string): ValidateFunction {
  const registry = schemaRegistry();
  return registry.getSchema(ref) ?? registry.compile({ $ref: ref });
}

/** The validator of one message (for checking a conversation item by item: ajv slows down badly with many errors). */
export function messageItemValidator(): ValidateFunction {
  return validatorOf(`${String(ROOTS.message.$id)}#/definitions/message`);
}

/** The root schema of a kind of file. */
export function rootSchema(kind: FileKind): Schema {
  return ROOTS[kind];
}

const byFile = new Map<string, Schema>();
for (const s of allSchemas as unknown as Schema[]) byFile.set(String(s.$id).split('/').pop() as string, s);

interface Located {
  schema: Schema;
  root: Schema;
}

function resolveRef(ref: string, root: Schema): Located | undefined {
  const [file, pointer] = ref.split('#');
  const target = file ? byFile.get(file.split('/').pop() as string) : root;
  if (!target) return undefined;
  let s: unknown = target;
  for (const seg of (pointer ?? '').split('/').filter(Boolean)) s = (s as Record<string, unknown>)?.[seg];
  return s ? { schema: s as Schema, root: target } : undefined;
}

/** Expands $ref, anyOf/oneOf/allOf and if/then/else into the plain schemas a value may follow (bounded). */
function expand(start: Located[]): Located[] {
  const out: Located[] = [];
  const queue = [...start];
  const seen = new Set<Schema>();
  while (queue.length && out.length < 64) {
    const cur = queue.shift() as Located;
    if (seen.has(cur.schema)) continue;
    seen.add(cur.schema);
    const s = cur.schema;
    if (s.$ref) {
      const r = resolveRef(s.$ref, cur.root);
      if (r) queue.push(r);
      // A $ref with a sibling description still documents the value.
      if (s.description) out.push({ schema: { description: s.description }, root: cur.root });
      continue;
    }
    out.push(cur);
    for (const k of ['anyOf', 'oneOf', 'allOf'] as const) for (const b of s[k] ?? []) queue.push({ schema: b, root: cur.root });
    if (s.then) queue.push({ schema: s.then, root: cur.root });
    if (s.else) queue.push({ schema: s.else, root: cur.root });
  }
  return out;
}

/** The schemas that apply at a path of keys and indexes in a kind of file. */
export function schemasAt(kind: FileKind, path: ReadonlyArray<string | number>): Schema[] {
  let cur = expand([{ schema: ROOTS[kind], root: ROOTS[kind] }]);
  for (const seg of path) {
    const next: Located[] = [];
    for (const { schema, root } of cur) {
      if (typeof seg === 'number' && schema.items) next.push({ schema: schema.items, root });
      if (typeof seg === 'string' && schema.properties?.[seg]) next.push({ schema: schema.properties[seg], root });
    }
    cur = expand(next);
    if (!cur.length) return [];
  }
  return cur.map((l) => l.schema);
}

/** Properties allowed at a path: name -> description (first found). */
export function propertiesAt(kind: FileKind, path: ReadonlyArray<string | number>): Map<string, string> {
  const props = new Map<string, string>();
  for (const s of schemasAt(kind, path)) {
    for (const name of Object.keys(s.properties ?? {})) {
      if (!props.has(name) || !props.get(name)) props.set(name, describeAt(kind, [...path, name]));
    }
  }
  return props;
}

/** The first description found for a path. */
export function describeAt(kind: FileKind, path: ReadonlyArray<string | number>): string {
  return schemasAt(kind, path).find((s) => typeof s.description === 'string')?.description ?? '';
}

/** Enum values allowed at a path. */
export function enumAt(kind: FileKind, path: ReadonlyArray<string | number>): string[] {
  const values = new Set<string>();
  for (const s of schemasAt(kind, path)) for (const v of s.enum ?? []) if (typeof v === 'string') values.add(v);
  return [...values];
}

/** The JSON types a schema admits (following $ref and anyOf), or undefined when it does not say. */
export function typesOf(schema: Schema, depth = 0): string[] | undefined {
  if (depth > 8) return undefined;
  if (schema.type) return Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.$ref) {
    const [file, pointer] = schema.$ref.split('#');
    const candidates = file ? [byFile.get(file.split('/').pop() as string)] : [...byFile.values()];
    for (const c of candidates) {
      const r = c && resolveRef(`#${pointer ?? ''}`, c);
      if ((r && r.schema !== c) || (r && file)) return typesOf(r.schema, depth + 1);
    }
    return undefined;
  }
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) {
    const all = alts.map((a) => typesOf(a, depth + 1));
    return all.some((t) => !t) ? undefined : [...new Set(all.flat() as string[])];
  }
  return undefined;
}

let locations: Map<object, string> | undefined;

/** The ajv validator for branch `index` of the anyOf/oneOf in `parentSchema` (found by identity in our schemas). */
export function branchValidator(parentSchema: object, keyword: 'anyOf' | 'oneOf', index: number): ValidateFunction | undefined {
  if (!locations) {
    locations = new Map();
    for (const rootSchema of allSchemas as unknown as Schema[]) {
      const stack: Array<[unknown, string]> = [[rootSchema, '']];
      while (stack.length) {
        const [node, pointer] = stack.pop() as [unknown, string];
        if (!node || typeof node !== 'object') continue;
        locations.set(node, `${String(rootSchema.$id)}#${pointer}`);
        for (const [k, v] of Object.entries(node)) if (v && typeof v === 'object') stack.push([v, `${pointer}/${k}`]);
      }
    }
  }
  const at = locations.get(parentSchema);
  if (!at) return undefined;
  try {
    return schemaRegistry().getSchema(`${at}/${keyword}/${index}`) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The required keys of a schema (following $ref), or undefined when it does not say. */
export function requiredOf(schema: Schema): string[] | undefined {
  if (schema.required) return schema.required;
  if (!schema.$ref) return undefined;
  const [file, pointer] = schema.$ref.split('#');
  const target = file ? byFile.get(file.split('/').pop() as string) : undefined;
  const r = target ? resolveRef(`#${pointer ?? ''}`, target) : undefined;
  return r?.schema.required;
}
