/**
 * One position-aware tree for JSON (jsonc-parser) and YAML (`yaml`), so schema mapping and rules work on both.
 * Parsers recurse, so nesting is measured first with iterative scans and capped: deep input gets a
 * `nesting-too-deep` diagnostic instead of a stack overflow.
 */
import { printParseErrorCode, visit } from 'jsonc-parser';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { FILE_LIMITS, formatCount } from '../limits';
import type { Problem } from './types';

export type NodeType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export interface DocProperty {
  key: string;
  keyStart: number;
  keyEnd: number;
  value?: DocNode;
  parent: DocNode;
}

export interface DocNode {
  type: NodeType;
  start: number;
  end: number;
  value?: string | number | boolean | null;
  properties?: DocProperty[];
  items?: DocNode[];
  parent?: DocNode;
  /** Set when this node is the value of a property. */
  ownerProperty?: DocProperty;
  /** A JSON payload (`content`) kept as a span, not built into a tree: its value is the text's JSON. */
  opaque?: boolean;
}

export interface ParsedDocument {
  text: string;
  yaml: boolean;
  root?: DocNode;
  syntax: Problem[];
  tooDeep: boolean;
}

/** Deeper than this, the tree is cut and a diagnostic says so (ajv and the rules recurse through it). */
export const MAX_TREE_DEPTH = FILE_LIMITS.depth;
/** Deeper than this, the parser itself is not run (jsonc-parser and yaml recurse per level). */
const MAX_PARSE_DEPTH = 400;
/** YAML files (pipelines, manifests, scenarios) are small; the `yaml` parser takes seconds per MB, so larger ones are refused. */
export const MAX_YAML_CHARS = FILE_LIMITS.yamlBytes;
/** At most this many values are built into the tree; a larger file is refused (and the rest is not checked). */
export const MAX_NODES = FILE_LIMITS.nodes;

/** Parses JSON or YAML text into a DocNode tree plus syntax diagnostics; never throws. */
export function parseText(text: string, yaml: boolean): ParsedDocument {
  if (yaml && text.length > MAX_YAML_CHARS) {
    const message = `This YAML file is ${(text.length / 1024 / 1024).toFixed(1)} MB; Caxton reads YAML files up to ${MAX_YAML_CHARS / 1024 / 1024} MB (pipelines and manifests are small): split it or move data out of it.`;
    return { text, yaml, syntax: [fileProblem(text, 'file-too-large', message)], tooDeep: true };
  }
  const deep = yaml ? yamlFlowDepthOver(text, MAX_PARSE_DEPTH) : jsonDepthOver(text, MAX_PARSE_DEPTH);
  if (deep !== undefined) {
    return { text, yaml, syntax: [tooDeep(deep, MAX_PARSE_DEPTH)], tooDeep: true };
  }
  try {
    return yaml ? parseYaml(text) : parseJson(text);
  } catch (e) {
    // A parser blew its stack or hit something unforeseen: report it on the first character, keep serving.
    const reason = e instanceof RangeError ? 'the file is nested too deeply to check' : `the file could not be parsed (${String(e)})`;
    return {
      text,
      yaml,
      syntax: [fileProblem(text, 'nesting-too-deep', `Caxton stopped: ${reason}. Flatten the structure.`)],
      tooDeep: true,
    };
  }
}

/** An error about the whole file, shown on its first character. */
export function fileProblem(text: string, code: string, message: string): Problem {
  return { start: 0, end: Math.min(1, text.length), severity: 'error', code, message };
}

function tooDeep(offset: number, limit: number): Problem {
  return {
    start: offset,
    end: offset + 1,
    severity: 'error',
    code: 'nesting-too-deep',
    message: `Nesting too deep: more than ${limit} levels here; Caxton files never need this, flatten the structure.`,
  };
}

/** The offset of the bracket that first exceeds `limit` levels of JSON nesting, or undefined (one pass, no recursion). */
function jsonDepthOver(text: string, limit: number): number | undefined {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34 || d === 10) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if (c === 93 || c === 125) depth = depth > 0 ? depth - 1 : 0;
  }
  return undefined;
}

/** The same for YAML flow collections (`[[[...`), skipping quoted strings and comments. */
function yamlFlowDepthOver(text: string, limit: number): number | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Message-level keys whose values are opaque payload: kept as a span, not built into a tree. */
const OPAQUE_KEYS = new Set(['content']);

function parseJson(text: string): ParsedDocument {
  const syntax: Problem[] = [];
  let lastErrorOffset = -1;
  let root: DocNode | undefined;
  const stack: DocNode[] = [];
  const pending: Array<DocProperty | undefined> = [];
  const keys: Array<Set<string>> = [];
  let skipDepth = 0;
  let skipped: DocNode | undefined;
  let cutReported = false;
  let nodes = 0;
  let truncatedAt = -1;

  const attach = (node: DocNode): void => {
    if (++nodes === MAX_NODES) truncatedAt = node.start;
    const parent = stack[stack.length - 1];
    if (!parent) {
      root ??= node;
      return;
    }
    node.parent = parent;
    if (parent.items) parent.items.push(node);
    else {
      const p = pending[pending.length - 1];
      if (p && !p.value) {
        p.value = node;
        node.ownerProperty = p;
      }
      pending[pending.length - 1] = undefined;
    }
  };
  const open = (type: 'object' | 'array', offset: number): void => {
    if (skipDepth > 0) {
      skipDepth++;
      return;
    }
    const node: DocNode = { type, start: offset, end: text.length };
    attach(node);
    const key = node.ownerProperty?.key;
    const tooDeepHere = stack.length >= MAX_TREE_DEPTH;
    if (tooDeepHere || truncatedAt >= 0 || (key && OPAQUE_KEYS.has(key) && stack.length <= 2)) {
      // Opaque or too deep: keep the span, skip the inside.
      if (tooDeepHere) {
        node.type = 'null';
        node.value = null;
        if (!cutReported) {
          syntax.push(tooDeep(offset, MAX_TREE_DEPTH));
          cutReported = true;
        }
      } else {
        if (type === 'object') node.properties = [];
        else node.items = [];
        node.opaque = truncatedAt < 0;
      }
      skipDepth = 1;
      skipped = node;
      return;
    }
    if (type === 'object') {
      node.properties = [];
      keys.push(new Set());
    } else {
      node.items = [];
      keys.push(new Set());
    }
    pending.push(undefined);
    stack.push(node);
  };
  const close = (end: number): void => {
    if (skipDepth > 0) {
      if (--skipDepth === 0 && skipped) {
        skipped.end = end;
        skipped = undefined;
      }
      return;
    }
    const node = stack.pop();
    pending.pop();
    keys.pop();
    if (node) node.end = end;
  };
  visit(
    text,
    {
      onObjectBegin: (offset) => open('object', offset),
      onArrayBegin: (offset) => open('array', offset),
      onObjectEnd: (offset, length) => close(offset + length),
      onArrayEnd: (offset, length) => close(offset + length),
      onObjectProperty: (key, offset, length) => {
        if (skipDepth > 0) return;
        const parent = stack[stack.length - 1];
        if (!parent?.properties) return;
        const seen = keys[keys.length - 1];
        if (seen.has(key)) {
          syntax.push(duplicateKey(key, offset, offset + length));
        }
        seen.add(key);
        const prop: DocProperty = { key, keyStart: offset, keyEnd: offset + length, parent };
        parent.properties.push(prop);
        pending[pending.length - 1] = prop;
      },
      onLiteralValue: (value: unknown, offset, length) => {
        if (skipDepth > 0 || truncatedAt >= 0) return;
        const type: NodeType =
          value === null
            ? 'null'
            : typeof value === 'string'
              ? 'string'
              : typeof value === 'number'
                ? 'number'
                : typeof value === 'boolean'
                  ? 'boolean'
                  : 'null';
        attach({ type, value: value as DocNode['value'], start: offset, end: offset + length });
      },
      onComment: (offset, length) => {
        syntax.push({
          start: offset,
          end: offset + length,
          severity: 'error',
          code: 'json-comment',
          message:
            'Comments are not allowed in JSON (other tools and agents cannot read them): remove it, or put the note in a field such as "ontology".',
          fixes: [{ title: 'Remove the comment', edits: [{ start: offset, end: offset + length, newText: '' }], preferred: true }],
        });
      },
      onError: (error, offset, length) => {
        if (offset === lastErrorOffset) return; // one message per place: recovery often reports several
        lastErrorOffset = offset;
        syntax.push({
          start: offset,
          end: offset + Math.max(1, length),
          severity: 'error',
          code: 'syntax-error',
          message: `JSON syntax error: ${describeJsonError(printParseErrorCode(error))}`,
        });
      },
    },
    { allowTrailingComma: false, disallowComments: false },
  );
  if (truncatedAt >= 0) {
    syntax.push({
      start: truncatedAt,
      end: truncatedAt + 1,
      severity: 'error',
      code: 'file-too-large',
      message: `More than ${formatCount(MAX_NODES)} values: Caxton reads files up to that size and checked this one up to here. Split the conversation into smaller files.`,
    });
  }
  return { text, yaml: false, root, syntax, tooDeep: false };
}

function describeJsonError(code: string): string {
  const words: Record<string, string> = {
    PropertyNameExpected: 'a property name in double quotes is expected here',
    ValueExpected: 'a value is expected here',
    ColonExpected: "':' is expected after the property name",
    CommaExpected: "',' is expected between entries",
    CloseBraceExpected: "'}' is expected to close the object",
    CloseBracketExpected: "']' is expected to close the array",
    EndOfFileExpected: 'unexpected text after the end of the JSON value',
    InvalidSymbol: 'unexpected character',
    UnexpectedEndOfString: "the string is not closed with '\"'",
  };
  return words[code] ?? code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function duplicateKey(key: string, start: number, end: number): Problem {
  return {
    start,
    end,
    severity: 'error',
    code: 'duplicate-key',
    message: `Duplicate key '${key}': a key may appear once in an object; remove one of them.`,
  };
}

function parseYaml(text: string): ParsedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const syntax: Problem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const [s, t] = e.pos;
    const isError = doc.errors.includes(e as never);
    if (e.code === 'DUPLICATE_KEY') continue; // reported with the key's full span while the tree is built
    const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    syntax.push({
      start: s,
      end: Math.max(t, s + 1),
      severity: isError ? 'error' : 'warning',
      code: 'syntax-error',
      message: `YAML ${isError ? 'syntax error' : 'warning'}: ${first}`,
    });
  }
  const build: YamlBuild = { doc, syntax, text, aliasNodes: 0, expanding: new Set(), aliasReported: false };
  const root = doc.contents ? fromYaml(doc.contents as YamlNode, undefined, 0, build, false) : undefined;
  return { text, yaml: true, root, syntax, tooDeep: false };
}

interface YamlBuild {
  doc: Document;
  syntax: Problem[];
  text: string;
  /** Values built through aliases so far (bounded: an alias bomb is refused, never expanded). */
  aliasNodes: number;
  /** Anchored nodes being expanded on the current path (an alias inside its own anchor is a cycle). */
  expanding: Set<unknown>;
  aliasReported: boolean;
}

/**
 * Builds the tree from a YAML node. An alias (`*name`) is resolved to its anchor's value, so schema checks and
 * rules see what the runtime gets; its nodes keep the anchor's positions (where the value is written), so a
 * mistake in an anchored value is reported once, there, however often it is used.
 */
function fromYaml(n: unknown, parent: DocNode | undefined, depth: number, b: YamlBuild, viaAlias: boolean): DocNode {
  const range = (n as { range?: [number, number, number] }).range ?? [0, 0, 0];
  const node: DocNode = { type: 'null', start: range[0], end: range[1], parent, value: null };
  if (viaAlias && ++b.aliasNodes > FILE_LIMITS.aliasNodes) {
    if (!b.aliasReported) {
      b.aliasReported = true;
      b.syntax.push({
        start: node.start,
        end: Math.max(node.end, node.start + 1),
        severity: 'error',
        code: 'alias-too-large',
        message: `YAML aliases here expand to more than ${formatCount(FILE_LIMITS.aliasNodes)} values (an "alias bomb"?): Caxton does not expand them; write the values out or use fewer aliases.`,
      });
    }
    return node;
  }
  if ((isMap(n) || isSeq(n)) && depth >= MAX_TREE_DEPTH) {
    b.syntax.push(tooDeep(range[0], MAX_TREE_DEPTH));
    return node;
  }
  if (isAlias(n)) {
    const target = n.resolve(b.doc);
    if (!target) return node; // the yaml parser already reported the unknown anchor
    if (b.expanding.has(target)) {
      b.syntax.push({
        start: range[0],
        end: Math.max(range[1], range[0] + 1),
        severity: 'error',
        code: 'alias-cycle',
        message: `The alias *${n.source} refers to a value that contains it: write the value out instead.`,
      });
      return node;
    }
    b.expanding.add(target);
    const resolved = fromYaml(target, parent, depth, b, true);
    b.expanding.delete(target);
    return resolved;
  }
  const inner = (c: unknown, d: number): DocNode => fromYaml(c, node, d, b, viaAlias);
  if (isMap(n)) {
    node.type = 'object';
    delete node.value;
    node.properties = [];
    const seen = new Set<string>();
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as YamlNode | null;
      const kr = (k as { range?: [number, number, number] } | null)?.range;
      const keyText = isScalar(k) ? String(k.value) : kr ? b.text.slice(kr[0], kr[1]) : '';
      const prop: DocProperty = { key: keyText, keyStart: kr?.[0] ?? node.start, keyEnd: kr?.[1] ?? node.start, parent: node };
      if (seen.has(keyText) && !viaAlias) b.syntax.push(duplicateKey(keyText, prop.keyStart, Math.max(prop.keyEnd, prop.keyStart + 1)));
      seen.add(keyText);
      if (pair.value !== null && pair.value !== undefined) {
        prop.value = inner(pair.value, depth + 1);
        prop.value.ownerProperty = prop;
      } else {
        // `key:` with nothing after it is null in YAML: give it an empty node right after the key.
        prop.value = { type: 'null', value: null, start: prop.keyEnd, end: prop.keyEnd, parent: node, ownerProperty: prop };
      }
      node.properties.push(prop);
    }
  } else if (isSeq(n)) {
    node.type = 'array';
    delete node.value;
    node.items = n.items.map((c) => inner(c, depth + 1));
  } else if (isScalar(n)) {
    const v = n.value;
    if (typeof v === 'string') {
      node.type = 'string';
      node.value = v;
    } else if (typeof v === 'number' || typeof v === 'bigint') {
      node.type = 'number';
      node.value = Number(v);
    } else if (typeof v === 'boolean') {
      node.type = 'boolean';
      node.value = v;
    } else if (v === null || v === undefined) {
      node.type = 'null';
      node.value = null;
    } else {
      node.type = 'string';
      node.value = String(v);
    }
  }
  return node;
}

/**
 * The plain JS value of a node; depth is already capped by the tree. With `text`, opaque payloads (a JSON message's
 * `content`) are read from the text; without it they stay `{}`/`[]`, which is all the schema needs to see.
 */
export function toValue(node: DocNode | undefined, text?: string): unknown {
  if (!node) return null;
  if (node.opaque && text !== undefined) {
    try {
      return JSON.parse(text.slice(node.start, node.end)) as unknown;
    } catch {
      // Broken inside (the file has syntax errors then): fall back to the empty shell.
    }
  }
  if (node.type === 'object') {
    const o: Record<string, unknown> = {};
    for (const p of node.properties ?? []) o[p.key] = toValue(p.value, text);
    return o;
  }
  if (node.type === 'array') return (node.items ?? []).map((c) => toValue(c, text));
  return node.value ?? null;
}

/** The property named `key` of an object node (the last one, as in the value, when a key is duplicated). */
export function prop(node: DocNode | undefined, key: string): DocProperty | undefined {
  const props = node?.properties;
  if (!props) return undefined;
  for (let i = props.length - 1; i >= 0; i--) if (props[i].key === key) return props[i];
  return undefined;
}

/** The value node of property `key`. */
export function child(node: DocNode | undefined, key: string): DocNode | undefined {
  return prop(node, key)?.value;
}

/** The string value of property `key`, if it is a string. */
export function str(node: DocNode | undefined, key: string): string | undefined {
  const v = child(node, key);
  return v?.type === 'string' ? (v.value as string) : undefined;
}

/** The node at a JSON pointer path such as `/0/receiver/1`. */
export function nodeAtPointer(root: DocNode | undefined, pointer: string): DocNode | undefined {
  if (!pointer) return root;
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node) return undefined;
    if (node.type === 'array') node = node.items?.[Number(seg)];
    else if (node.type === 'object') node = child(node, seg);
    else return undefined;
  }
  return node;
}

/** The innermost node whose span contains the offset, and the property whose key contains it (iterative). */
export function nodeAtOffset(root: DocNode | undefined, offset: number): { node?: DocNode; keyOf?: DocProperty } {
  let node = root;
  if (!node || offset < node.start || offset > node.end) return {};
  for (;;) {
    let next: DocNode | undefined;
    if (node.properties) {
      for (const p of node.properties) {
        if (offset >= p.keyStart && offset <= p.keyEnd) return { node, keyOf: p };
        if (p.value && offset >= p.value.start && offset <= p.value.end && (p.value.end > p.value.start || offset === p.value.start)) {
          next = p.value;
          break;
        }
      }
    } else if (node.items) {
      next = node.items.find((c) => offset >= c.start && offset <= c.end);
    }
    if (!next) return { node };
    node = next;
  }
}

/** The path of keys and indexes from the root to a node. */
export function pathOf(node: DocNode): Array<string | number> {
  const path: Array<string | number> = [];
  for (let n: DocNode | undefined = node; n?.parent; n = n.parent) {
    if (n.ownerProperty) path.unshift(n.ownerProperty.key);
    else if (n.parent.items) path.unshift(n.parent.items.indexOf(n));
  }
  return path;
}

/**
 * Where a person would point for "this object": its key in the parent, else `{` in JSON, else its first key
 * in a YAML block map.
 */
export function anchorOf(node: DocNode, text: string): { start: number; end: number } {
  if (node.ownerProperty) return { start: node.ownerProperty.keyStart, end: node.ownerProperty.keyEnd };
  if (text[node.start] === '{' || text[node.start] === '[') return { start: node.start, end: node.start + 1 };
  const first = node.properties?.[0];
  if (first) return { start: first.keyStart, end: first.keyEnd };
  return { start: node.start, end: Math.max(node.start + 1, node.end) };
}
