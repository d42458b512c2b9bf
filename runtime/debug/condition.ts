/**
 * The debugger's condition language (docs/debugging.md): `performative == "request" && content.x > 10`. Parsed by
 * jsep (a small expression parser that builds an AST and never evaluates), then checked against a whitelist and
 * evaluated here over plain data: no eval, no `new Function`, no calls, no prototype lookups (`a.constructor` is
 * undefined). Pure.
 *
 * Grammar: literals (numbers, "strings", true, false, null, [lists]), names and paths (`content.items[0].sku`,
 * `content["a key"]`), `!`, unary `-`, `+ - * / %`, comparisons `== != < <= > >=` (`===`/`!==` are the same as
 * `==`/`!=`), `in` (a value in a list or a key in an object, a substring in a string), `contains` (the reverse),
 * `&&`, `||`, `a ? b : c` and parentheses. `==` compares JSON values deeply and never converts types
 * ("10" != 10). A path that does not exist is `undefined`; ordering a non-number or non-string is false.
 */
import jsep from 'jsep';

jsep.addBinaryOp('in', 7);
jsep.addBinaryOp('contains', 7);

type Node = jsep.Expression;

/** A parsed condition: evaluate it against a context of plain data. */
export interface Condition {
  source: string;
  evaluate(context: Record<string, unknown>): unknown;
  test(context: Record<string, unknown>): boolean;
}

/** A condition that does not parse or uses what the language does not have; `column` is 1-based. */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}

const BINARY = new Set(['==', '!=', '===', '!==', '<', '<=', '>', '>=', 'in', 'contains', '&&', '||', '+', '-', '*', '/', '%']);
const UNARY = new Set(['!', '-', '+']);
const NOT_ALLOWED: Record<string, string> = {
  CallExpression: 'function calls',
  ThisExpression: '`this`',
  Compound: 'several expressions (`;` or `,`)',
  SequenceExpression: 'several expressions (`,`)',
};

/** Parse `source`; throws ConditionError naming the column and what to write instead. */
export function parseCondition(source: string): Condition {
  if (typeof source !== 'string' || !source.trim())
    throw new ConditionError('the condition is empty; write e.g. performative == "request"', 1);
  let ast: Node;
  try {
    ast = jsep(source);
  } catch (e) {
    const err = e as Error & { index?: number; description?: string };
    throw new ConditionError(
      `${err.description ?? err.message.replace(/ at character \d+$/, '')} (at column ${(err.index ?? 0) + 1})`,
      (err.index ?? 0) + 1,
    );
  }
  check(ast, source);
  return {
    source,
    evaluate: (context) => evaluate(ast, context),
    test: (context) => truthy(evaluate(ast, context)),
  };
}

/** Parse a path such as `content.items[0].sku` into its keys (for setExpression); throws ConditionError for anything else. */
export function parsePath(source: string): Array<string | number> {
  let ast: Node;
  try {
    ast = jsep(source);
  } catch (e) {
    throw new ConditionError(`${(e as Error).message}; write a path such as content.x`, ((e as { index?: number }).index ?? 0) + 1);
  }
  const keys: Array<string | number> = [];
  for (let n: Node = ast; ;) {
    if (n.type === 'Identifier') {
      keys.unshift(n.name as string);
      return keys;
    }
    if (n.type !== 'MemberExpression')
      throw new ConditionError(`'${source}' is not a path; write a field such as content.x or content.items[0]`, 1);
    const p = n.property as Node;
    keys.unshift(n.computed ? literalKey(p, source) : (p.name as string));
    n = n.object as Node;
  }
}

function literalKey(p: Node, source: string): string | number {
  if (p.type === 'Literal' && (typeof p.value === 'string' || typeof p.value === 'number')) return p.value;
  throw new ConditionError(`'${source}': an index must be a number or a "string"`, 1);
}

/** Reject what the language does not have, before anything runs. */
function check(n: Node, source: string): void {
  const at = () => Math.max(1, source.indexOf(String((n as { raw?: unknown }).raw ?? (n as { name?: unknown }).name ?? '')) + 1);
  switch (n.type) {
    case 'Literal':
      if (n.value instanceof RegExp) throw new ConditionError('regular expressions are not part of the language; use contains or in', at());
      return;
    case 'Identifier':
      return;
    case 'MemberExpression':
      check(n.object as Node, source);
      if (n.computed) check(n.property as Node, source);
      return;
    case 'ArrayExpression':
      for (const e of n.elements as Array<Node | null>) if (e) check(e, source);
      return;
    case 'UnaryExpression':
      if (!UNARY.has(n.operator as string))
        throw new ConditionError(`the operator ${String(n.operator)} is not part of the language`, at());
      check(n.argument as Node, source);
      return;
    case 'BinaryExpression':
      if (!BINARY.has(n.operator as string))
        throw new ConditionError(
          `the operator ${String(n.operator)} is not part of the language; use == != < <= > >= in contains && ||`,
          Math.max(1, source.indexOf(String(n.operator)) + 1),
        );
      check(n.left as Node, source);
      check(n.right as Node, source);
      return;
    case 'ConditionalExpression':
      check(n.test as Node, source);
      check(n.consequent as Node, source);
      check(n.alternate as Node, source);
      return;
    default:
      throw new ConditionError(`${NOT_ALLOWED[n.type] ?? n.type} are not part of the condition language`, 1);
  }
}

/** Read `key` of `value` only when it is the value's own data (never the prototype: `constructor`, `__proto__`). */
export function own(value: unknown, key: string | number): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'string' && key === 'length' ? value.length : undefined;
  if (Array.isArray(value) && key === 'length') return value.length;
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string | number, unknown>)[key] : undefined;
}

function evaluate(n: Node, ctx: Record<string, unknown>): unknown {
  switch (n.type) {
    case 'Literal':
      return n.value;
    case 'Identifier':
      return own(ctx, n.name as string);
    case 'MemberExpression': {
      const obj = evaluate(n.object as Node, ctx);
      const key = n.computed ? evaluate(n.property as Node, ctx) : (n.property as Node).name;
      return typeof key === 'string' || typeof key === 'number' ? own(obj, key) : undefined;
    }
    case 'ArrayExpression':
      return (n.elements as Array<Node | null>).map((e) => (e ? evaluate(e, ctx) : undefined));
    case 'UnaryExpression': {
      const v = evaluate(n.argument as Node, ctx);
      if (n.operator === '!') return !truthy(v);
      return typeof v === 'number' ? (n.operator === '-' ? -v : v) : undefined;
    }
    case 'ConditionalExpression':
      return truthy(evaluate(n.test as Node, ctx)) ? evaluate(n.consequent as Node, ctx) : evaluate(n.alternate as Node, ctx);
    case 'BinaryExpression':
      return binary(n.operator as string, n.left as Node, n.right as Node, ctx);
    default:
      return undefined;
  }
}

function binary(op: string, l: Node, r: Node, ctx: Record<string, unknown>): unknown {
  if (op === '&&') return truthy(evaluate(l, ctx)) && truthy(evaluate(r, ctx));
  if (op === '||') return truthy(evaluate(l, ctx)) || truthy(evaluate(r, ctx));
  const a = evaluate(l, ctx),
    b = evaluate(r, ctx);
  switch (op) {
    case '==':
    case '===':
      return same(a, b);
    case '!=':
    case '!==':
      return !same(a, b);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return false;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    case 'in':
      return includes(b, a);
    case 'contains':
      return includes(a, b);
    case '+':
      return typeof a === 'number' && typeof b === 'number' ? a + b : typeof a === 'string' && typeof b === 'string' ? a + b : undefined;
    default: {
      if (typeof a !== 'number' || typeof b !== 'number') return undefined;
      return op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
    }
  }
}

/** `item in container`: an element of a list, a key of an object, a substring of a string. */
function includes(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => same(x, item));
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item);
  if (container && typeof container === 'object')
    return (typeof item === 'string' || typeof item === 'number') && Object.prototype.hasOwnProperty.call(container, item);
  return false;
}

/** Deep equality of JSON values, no type conversion. */
export function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || (a === null && b === undefined) || (a === undefined && b === null)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => same(x, (b as unknown[])[i]));
  const ka = Object.keys(a),
    kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The language's truth: false, null, undefined, 0, NaN and "" are false. */
export function truthy(v: unknown): boolean {
  return !!v;
}
