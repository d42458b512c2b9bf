/**
 * Maps ajv errors onto the node a person would point at: an unknown key -> that key; a missing key -> the
 * parent's key or `{`; a wrong value -> the value. anyOf/oneOf noise is collapsed to one sentence.
 */
import type { ErrorObject } from 'ajv';
import { anchorOf, nodeAtPointer, toValue, type DocNode } from './docTree';
import { branchValidator, requiredOf, typesOf, type Schema } from './schemaRegistry';
import { didYouMean } from './spelling';
import type { Fix, Problem } from './types';

type AjvError = ErrorObject & { parentSchema?: Record<string, unknown>; schema?: unknown; data?: unknown };

/** Friendly names for the schema patterns people get wrong. */
const PATTERN_WORDS: Record<string, string> = {
  '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$': 'a duration such as 250ms, 5s, 2m or 1h (or a number of milliseconds)',
  '^[A-Za-z_][A-Za-z0-9_.@:-]*$': 'an agent name: a letter or _ followed by letters, digits or _ . @ : -',
  '^([A-Za-z_][A-Za-z0-9_.@:-]*|@contract-net:[A-Za-z0-9_.-]+)$':
    'an agent name (a letter or _ followed by letters, digits or _ . @ : -) or @contract-net:<capability>',
  '^topic://[A-Za-z0-9_.*#+-]+(/[A-Za-z0-9_.*#+-]+)*$': 'a topic such as topic://events/orders/created',
  '\\.(wasm|ts)$': 'a path ending in .wasm (a built module) or .ts (an AssemblyScript source)',
  '^topic://': 'a topic starting with topic://',
  '^[0-9]+(KiB|MiB|GiB|B)$': 'a size such as 16MiB, 512KiB or 65536 (bytes)',
};

/** Turns ajv errors into diagnostics on the right nodes; `quote` renders replacement text for the file's syntax. */
export function mapSchemaErrors(
  errors: readonly ErrorObject[],
  root: DocNode | undefined,
  text: string,
  quote: (s: string) => string,
): Problem[] {
  const kept = collapseAlternatives(
    (errors as AjvError[]).filter((e) => e.keyword !== 'if' && e.keyword !== 'not'),
    root,
  );
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const d = toDiagnostic(e, root, text, quote);
    if (!d) continue;
    const id = `${d.start}:${d.end}:${d.code}:${d.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(d);
    }
  }
  return out;
}

/**
 * Keeps the errors of the one branch whose type fits the value; otherwise one error for the whole anyOf/oneOf.
 * Branch errors are found by validating the value against each branch alone (ajv reports $ref'd branches under
 * the target's schemaPath, so paths cannot tell them from sibling keywords' errors).
 */
function collapseAlternatives(errors: AjvError[], root: DocNode | undefined, depth = 0): AjvError[] {
  const removed = new Set<AjvError>();
  const added: AjvError[] = [];
  const keyOf = (e: ErrorObject) => `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
  const alts = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.instancePath.length - b.instancePath.length);
  for (const alt of alts) {
    if (removed.has(alt) || !alt.parentSchema) continue;
    const node = nodeAtPointer(root, alt.instancePath);
    const branches = Array.isArray(alt.schema) ? (alt.schema as Schema[]) : [];
    const value = toValue(node);
    const perBranch = branches.map((_, i) => {
      const v = branchValidator(alt.parentSchema as object, alt.keyword as 'anyOf' | 'oneOf', i);
      if (!v || v(value)) return [];
      return ((v.errors ?? []) as AjvError[]).map((e) => ({ ...e, instancePath: alt.instancePath + e.instancePath }));
    });
    const keys = new Set(perBranch.flat().map(keyOf));
    for (const e of errors) if (e !== alt && keys.has(keyOf(e))) removed.add(e);
    if (alt.keyword === 'oneOf' && perBranch.every((b) => b.length === 0)) continue; // several branches matched
    let fitting = branches
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => {
        const t = typesOf(b);
        return !t || t.some((x) => fits(x, node));
      });
    if (fitting.length > 1 && node?.type === 'object') {
      // Several object branches: the one whose required keys are all present is the one the author meant.
      const keys = new Set((node.properties ?? []).map((p) => p.key));
      const byKeys = fitting.filter(({ b }) => {
        const r = requiredOf(b);
        return r !== undefined && r.length > 0 && r.every((k) => keys.has(k));
      });
      if (byKeys.length === 1) fitting = byKeys;
    }
    if (fitting.length !== 1) continue;
    const keep = perBranch[fitting[0].i].filter((e) => !(e.keyword === 'type' && e.instancePath === alt.instancePath));
    if (!keep.length) continue;
    removed.add(alt);
    added.push(
      ...(depth < 4 ? collapseAlternatives(keep, root, depth + 1) : keep.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf')),
    );
  }
  return [...errors.filter((e) => !removed.has(e)), ...added];
}

function fits(type: string, node: DocNode | undefined): boolean {
  if (!node) return false;
  if (type === 'integer') return node.type === 'number' && Number.isInteger(node.value);
  return type === node.type;
}

function fieldName(pointer: string): string {
  const segs = pointer.split('/').filter(Boolean);
  for (let i = segs.length - 1; i >= 0; i--)
    if (!/^\d+$/.test(segs[i])) return `'${segs[i].replace(/~1/g, '/').replace(/~0/g, '~')}'${i < segs.length - 1 ? ' item' : ''}`;
  return segs.length ? `message ${Number(segs[segs.length - 1]) + 1}` : 'the document';
}

function typeOf(node: DocNode | undefined): string {
  if (!node) return 'nothing';
  return node.type === 'null' ? 'empty (null)' : node.type === 'object' ? 'an object' : node.type === 'array' ? 'a list' : `a ${node.type}`;
}

function toDiagnostic(e: AjvError, root: DocNode | undefined, text: string, quote: (s: string) => string): Problem | undefined {
  const node = nodeAtPointer(root, e.instancePath);
  if (!node) return undefined;
  const field = fieldName(e.instancePath);
  const at = (n: DocNode) => ({ start: n.start, end: Math.max(n.end, n.start + 1) });
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const p = node.properties?.find((x) => x.key === key);
      const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {}).filter((k) => k !== '$schema');
      const guess = didYouMean(key, allowed);
      const fixes: Fix[] =
        guess && p
          ? [
              {
                title: `Rename '${key}' to '${guess}'`,
                edits: [{ start: p.keyStart, end: p.keyEnd, newText: text[p.keyStart] === '"' ? JSON.stringify(guess) : guess }],
                preferred: true,
              },
            ]
          : [];
      return {
        ...(p ? { start: p.keyStart, end: Math.max(p.keyEnd, p.keyStart + 1) } : anchorOf(node, text)),
        severity: 'error',
        code: 'unknown-key',
        message: guess
          ? `Unknown key '${key}': did you mean '${guess}'?`
          : `Unknown key '${key}': remove it, or use one of ${allowed.map((k) => `'${k}'`).join(', ')}.`,
        fixes,
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      return {
        ...anchorOf(node, text),
        severity: 'error',
        code: 'missing-required',
        message: `Missing required key '${key}': add "${key}" to ${node.ownerProperty ? `'${node.ownerProperty.key}'` : 'this object'}.`,
      };
    }
    case 'enum': {
      const allowed = ((params.allowedValues as unknown[]) ?? []).map(String);
      const value = node.type === 'string' ? String(node.value) : JSON.stringify(toShort(node));
      const canonical = value.replace(/-/g, '_');
      if (node.type === 'string' && value.includes('-') && allowed.includes(canonical)) {
        return {
          ...at(node),
          severity: 'information',
          code: 'hyphenated-performative',
          message: `'${value}' is FIPA's hyphenated spelling; Caxton writes '${canonical}'. Use the quick fix to normalise it.`,
          fixes: [{ title: `Change '${value}' to '${canonical}'`, edits: [{ ...at(node), newText: quote(canonical) }], preferred: true }],
        };
      }
      const guess = node.type === 'string' ? didYouMean(value, allowed) : undefined;
      return {
        ...at(node),
        severity: 'error',
        code: 'bad-enum',
        message: `${guess ? `'${value}' is not allowed for ${field}: did you mean '${guess}'? ` : `'${value}' is not allowed for ${field}. `}Allowed: ${allowed.join(', ')}.`,
        fixes: guess
          ? [{ title: `Change '${value}' to '${guess}'`, edits: [{ ...at(node), newText: quote(guess) }], preferred: true }]
          : [],
      };
    }
    case 'type':
      return {
        ...at(node),
        severity: 'error',
        code: 'wrong-type',
        message: `${capital(field)} must be ${article(String(params.type))}, not ${typeOf(node)}.`,
      };
    case 'pattern': {
      const description = typeof e.parentSchema?.description === 'string' ? e.parentSchema.description.replace(/\.$/, '') : undefined;
      const words =
        PATTERN_WORDS[String(params.pattern)] ?? (description ? `valid (${description})` : `text matching ${String(params.pattern)}`);
      return {
        ...at(node),
        severity: 'error',
        code: field === "'module'" ? 'bad-module-path' : 'bad-pattern',
        message: `${capital(field)} must be ${words}; got ${JSON.stringify(node.value)}.`,
      };
    }
    case 'minLength':
      return { ...at(node), severity: 'error', code: 'empty-value', message: `${capital(field)} must not be empty.` };
    case 'maxLength':
      return {
        ...at(node),
        severity: 'error',
        code: 'out-of-range',
        message: `${capital(field)} is too long: at most ${String(params.limit)} characters.`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        ...at(node),
        severity: 'error',
        code: 'out-of-range',
        message: `${capital(field)} must be ${String(params.comparison)} ${String(params.limit)}; got ${String(node.value)}.`,
      };
    case 'minItems':
      return {
        ...at(node),
        severity: 'error',
        code: 'empty-list',
        message: `${capital(field)} needs at least ${String(params.limit)} item(s).`,
      };
    case 'uniqueItems': {
      // ajv names the two equal indexes; point at the later one, the one to delete.
      const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return {
        ...at(node.items?.[second] ?? node),
        severity: 'error',
        code: 'duplicate-item',
        message: `${capital(field)} lists the same item twice (items ${first + 1} and ${second + 1}); remove one.`,
      };
    }
    case 'maxDurationMs':
      return { ...at(node), severity: 'error', code: 'duration-too-long', message: `${capital(field)}: ${e.message ?? 'is too long'}.` };
    case 'oneOf':
    case 'anyOf':
      return alternatives(e, node, field, text);
    default:
      return { ...at(node), severity: 'error', code: 'invalid-value', message: `${capital(field)} ${e.message ?? 'is invalid'}.` };
  }
}

function alternatives(e: AjvError, node: DocNode, field: string, text: string): Problem {
  const branches = Array.isArray(e.schema) ? (e.schema as Array<{ required?: string[] }>) : [];
  const names = branches.flatMap((b) => b.required ?? []);
  if (names.length === branches.length && names.length > 1 && node.type === 'object') {
    const present = names.filter((n) => node.properties?.some((p) => p.key === n));
    const second = node.properties?.filter((p) => names.includes(p.key))[1];
    const list = names.map((n) => `'${n}'`).join(' or ');
    return {
      ...(present.length > 1 && second ? { start: second.keyStart, end: second.keyEnd } : anchorOf(node, text)),
      severity: 'error',
      code: 'one-of',
      message:
        present.length > 1
          ? `Use either ${list}, not both: remove '${second?.key}' or move it to its own stage.`
          : `Add ${list}: one is required here.`,
    };
  }
  const description = typeof e.parentSchema?.description === 'string' ? e.parentSchema.description : '';
  return {
    start: node.start,
    end: Math.max(node.end, node.start + 1),
    severity: 'error',
    code: 'invalid-value',
    message: `${capital(field)} has the wrong form${description ? `: ${description.replace(/\.$/, '')}` : ''}.`,
  };
}

function toShort(node: DocNode): unknown {
  return node.type === 'object' ? '{...}' : node.type === 'array' ? '[...]' : node.value;
}

function article(t: string): string {
  const words: Record<string, string> = {
    object: 'an object',
    array: 'a list',
    integer: 'a whole number',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    null: 'null',
  };
  return t
    .split(',')
    .map((x) => words[x] ?? x)
    .join(' or ');
}

function capital(s: string): string {
  return s.startsWith("'") ? s : s.charAt(0).toUpperCase() + s.slice(1);
}
