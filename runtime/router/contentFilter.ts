/**
 * Content filters on subscriptions: `{ "order.status": "paid", "amount": { "$gt": 100 } }`. Each key is a dotted
 * path into the message content; a plain value must be deep-equal, an object of operators compares.
 * Supported operators: $eq $ne $gt $gte $lt $lte $in $nin $exists.
 */
export type ContentFilter = Record<string, unknown>;

const OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);

/** Whether `content` passes every condition of `filter` (an empty or missing filter passes everything). */
export function matchesFilter(content: unknown, filter: ContentFilter | undefined): boolean {
  if (!filter) return true;
  for (const [path, condition] of Object.entries(filter)) {
    const found = lookup(content, path);
    if (isOperatorObject(condition)) {
      for (const [op, arg] of Object.entries(condition)) if (!applyOperator(op, found, arg)) return false;
    } else if (!found.exists || !deepEqual(found.value, condition)) {
      return false;
    }
  }
  return true;
}

/** Why a filter is malformed (unknown operator, $in without a list), or undefined when it is fine. */
export function checkFilter(filter: unknown): string | undefined {
  if (filter === undefined) return undefined;
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return 'a content filter must be an object of field paths to values';
  for (const [path, condition] of Object.entries(filter)) {
    if (!isOperatorObject(condition)) continue;
    for (const [op, arg] of Object.entries(condition)) {
      if (!OPERATORS.has(op)) return `unknown operator '${op}' on '${path}'; use one of ${[...OPERATORS].join(' ')}`;
      if ((op === '$in' || op === '$nin') && !Array.isArray(arg)) return `'${op}' on '${path}' needs a list of values`;
    }
  }
  return undefined;
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function lookup(content: unknown, path: string): { exists: boolean; value?: unknown } {
  let cur: unknown = content;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return { exists: false };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { exists: true, value: cur };
}

function applyOperator(op: string, found: { exists: boolean; value?: unknown }, arg: unknown): boolean {
  const v = found.value;
  switch (op) {
    case '$exists':
      return found.exists === Boolean(arg);
    case '$eq':
      return found.exists && deepEqual(v, arg);
    case '$ne':
      return !found.exists || !deepEqual(v, arg);
    case '$in':
      return found.exists && Array.isArray(arg) && arg.some((a) => deepEqual(v, a));
    case '$nin':
      return !found.exists || (Array.isArray(arg) && !arg.some((a) => deepEqual(v, a)));
    case '$gt':
      return compare(v, arg, (a, b) => a > b);
    case '$gte':
      return compare(v, arg, (a, b) => a >= b);
    case '$lt':
      return compare(v, arg, (a, b) => a < b);
    case '$lte':
      return compare(v, arg, (a, b) => a <= b);
    default:
      return false;
  }
}

function compare(a: unknown, b: unknown, cmp: (x: number | string, y: number | string) => boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return cmp(a, b);
  if (typeof a === 'string' && typeof b === 'string') return cmp(a, b);
  return false;
}

/** Structural equality of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || !a || !b || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object),
    kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
