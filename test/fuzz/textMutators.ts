/**
 * fast-check arbitraries for hostile editor text: the repo's real message, pipeline, agent and scenario files
 * mutated (flips, cuts, inserted brackets/quotes/unicode, deep nesting, duplicated slices), random JSON and
 * YAML, and random documents built from the schemas' own keys.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';
import { PERFORMATIVES } from '../../schemas';
import { examplesDir, fixturesDir } from '../support/paths';

export interface Seed {
  name: string;
  text: string;
}

const PATTERN = /\.(fipa\.json|pipeline\.ya?ml|agent\.yaml|scenario\.yaml)$/;

/** Every Caxton file under examples/ and test/fixtures/server (valid ones and the deliberately broken ones). */
export function seedFiles(): Seed[] {
  const out: Seed[] = [];
  const visit = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'build' && e.name !== 'node_modules') visit(p);
      else if (e.isFile() && PATTERN.test(e.name)) out.push({ name: e.name, text: fs.readFileSync(p, 'utf8') });
    }
  };
  visit(examplesDir);
  visit(path.join(fixturesDir, 'server'));
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** File names that select each kind of document (and one the service does not know). */
export const FILE_NAMES = ['m.fipa.json', 'p.pipeline.yaml', 'p.pipeline.yml', 'a.agent.yaml', 's.scenario.yaml', 'x.json'] as const;

/** Tokens that break parsers: brackets, quotes, YAML indicators, escapes, odd unicode (BOM, RTL, surrogates, NUL). */
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ':',
  ',',
  '-',
  '- ',
  '? ',
  '|',
  '>',
  '#',
  '&a ',
  '*a',
  '!!str ',
  '<<: ',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '\\',
  '\\u',
  '\\ud800',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '  ',
  '\u0000',
  '\uFEFF',
  '\u202E',
  '\u2028',
  '\uD800',
  '\uDFFF',
  '😀',
  '𝔘',
  'é',
  '\u0301',
  'null',
  'true',
  '-0',
  '1e999',
  'NaN',
  '0x1F',
  '"performative": ',
  'receiver: ',
  'topic://a/#',
  'broadcast',
  '$schema',
  '"$ref": "#"',
  'stages:\n  - ',
  '${x}',
  '{{',
  '}}',
];

const weirdChar = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }));

type Mutation = (text: string) => string;

/** One mutation; positions are fractions so they fit any text. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // byte (UTF-16 unit) flip
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 0xffff }))
      .map(([at, code]) => (t: string) => {
        const i = Math.floor(at * t.length);
        return t.slice(0, i) + String.fromCharCode(code) + t.slice(i + 1);
      }),
  },
  // truncation
  { weight: 4, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((at) => (t: string) => t.slice(0, Math.floor(at * t.length))) },
  // insertion of brackets, quotes, unicode, YAML indicators
  {
    weight: 4,
    arbitrary: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), weirdChar).map(([at, s]) => (t: string) => {
      const i = Math.floor(at * t.length);
      return t.slice(0, i) + s + t.slice(i);
    }),
  },
  // deletion of a slice
  {
    weight: 4,
    arbitrary: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 40 })).map(([at, n]) => (t: string) => {
      const i = Math.floor(at * t.length);
      return t.slice(0, i) + t.slice(i + n);
    }),
  },
  // duplicate a slice somewhere else
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 80 }))
      .map(([from, to, n]) => (t: string) => {
        const i = Math.floor(from * t.length);
        const j = Math.floor(to * t.length);
        return t.slice(0, j) + t.slice(i, i + n) + t.slice(j);
      }),
  },
  // deep nesting (rarer: yaml's error path makes these the slowest inputs; deep-nesting gets its own property)
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('[', '{"a":', '{a: ', '- ', '  - '),
        fc.integer({ min: 10, max: 120 }),
        fc.boolean(),
      )
      .map(([at, open, n, closed]) => (t: string) => {
        const i = Math.floor(at * t.length);
        const close = open === '[' ? ']' : open.startsWith('{') ? '}' : '';
        const nest = open.includes('-')
          ? Array.from({ length: Math.min(n, 60) }, (_, k) => ' '.repeat(k) + open.trim()).join('\n')
          : open.repeat(n) + '1' + (closed ? close.repeat(n) : '');
        return t.slice(0, i) + nest + t.slice(i);
      }),
  },
  // swap two lines
  {
    weight: 4,
    arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (t: string) => {
      const ls = t.split('\n');
      if (ls.length < 2) return t;
      const i = a % ls.length,
        j = b % ls.length;
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return ls.join('\n');
    }),
  },
  // re-indent a line (YAML structure changes)
  {
    weight: 4,
    arbitrary: fc.tuple(fc.nat(), fc.integer({ min: -4, max: 6 })).map(([a, d]) => (t: string) => {
      const ls = t.split('\n');
      const i = a % ls.length;
      ls[i] = d >= 0 ? ' '.repeat(d) + ls[i] : ls[i].replace(new RegExp(`^ {0,${-d}}`), '');
      return ls.join('\n');
    }),
  },
);

/** A seed file with 1 to 5 mutations, under its own name or (sometimes) another kind's. */
export function mutatedSeed(seeds: readonly Seed[]): fc.Arbitrary<Seed> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(mutation, { minLength: 1, maxLength: 5 }),
      fc.option(fc.constantFrom(...FILE_NAMES), { freq: 6 }),
    )
    .map(([seed, ms, rename]) => ({ name: rename ?? seed.name, text: ms.reduce((t, m) => m(t), seed.text) }));
}

const KEYS = [
  'performative',
  'sender',
  'receiver',
  'content',
  'conversation_id',
  'reply_with',
  'in_reply_to',
  'reply_by',
  'protocol',
  'language',
  'ontology',
  'message_id',
  'pipeline',
  'name',
  'stages',
  'agent',
  'parallel',
  'branches',
  'aggregate',
  'retry',
  'timeout',
  'circuit_breaker',
  'bulkhead',
  'compensation',
  'module',
  'limits',
  'memory',
  'host_functions',
  'subscriptions',
  'restart',
  'scenario',
  'messages',
  'expect',
  'at',
  'file',
  '$schema',
  'defaults',
  'on_failure',
  'max_attempts',
  'capabilities',
];
const VALUES = [
  'alice',
  'bob',
  'broadcast',
  'topic://events/alice',
  'fipa-request',
  'fipa-contract-net',
  '5s',
  '250ms',
  'reset',
  'all',
  ...PERFORMATIVES,
];

/** A JSON-like value whose keys and strings come from the schemas (so rules deep inside are reached). */
const schemaish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...VALUES),
    fc.integer({ min: -5, max: 1e6 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 7 }),
  ),
})).value;

/** Random documents: raw JSON, schema-shaped JSON and YAML, random text, each under a random Caxton file name. */
export const randomDocument: fc.Arbitrary<Seed> = fc
  .tuple(
    fc.oneof(
      fc.json({ maxDepth: 6 }),
      schemaish.map((v) => JSON.stringify(v, null, 2) ?? 'null'),
      schemaish.map((v) => {
        try {
          return yamlStringify(v);
        } catch {
          return String(v);
        }
      }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => {
        try {
          return yamlStringify(v);
        } catch {
          return String(v);
        }
      }),
      fc.string({ unit: 'binary', maxLength: 200 }),
    ),
    fc.constantFrom(...FILE_NAMES),
  )
  .map(([text, name]) => ({ name, text }));

/** Line breaks other than \n (CR, NEL, LS, PS, VT, FF) put in the middle of lines, where line-based code may trip. */
export function oddLineBreaks(seeds: readonly Seed[]): fc.Arbitrary<Seed> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.constantFrom('\r', '\u0085', '\u2028', '\u2029', '\u000b', '\u000c', '\r\r\n'),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([seed, cuts]) => ({
      name: seed.name,
      text: cuts.reduce((t, [at, br]) => {
        const i = Math.floor(at * t.length);
        return t.slice(0, i) + br + t.slice(i);
      }, seed.text),
    }));
}
