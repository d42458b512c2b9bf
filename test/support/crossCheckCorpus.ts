/**
 * Generated Caxton files for the editor/runtime cross-check (fast-check, fixed seed): documents built from the
 * schemas' shapes with the mistakes the decisions of docs/files.md are about (JSON comments, YAML aliases, duplicate
 * keys, hyphenated performatives, stray protocol messages, impossible reply_by dates, deadlines out of order,
 * auction prices moving the wrong way, durations no timer can wait, breakers without thresholds, deadline
 * aggregates, missing and escaping file references, unknown agents), plus the repo's files mutated and random text.
 */
import * as fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';
import { mutatedSeed, randomDocument, seedFiles, type Seed } from '../fuzz/textMutators';

// Valid values come several times, so about half the structured files pass.
const AGENTS = ['alice', 'bob', 'alice', 'bob', 'carol', 'alcie'];
const PERFS = [
  'request',
  'agree',
  'inform',
  'failure',
  'refuse',
  'cfp',
  'propose',
  'accept_proposal',
  'reject_proposal',
  'not-understood',
  'query_ref',
  'accept-proposal',
  'subscribe',
];
const DATES = [
  '2026-01-31T17:00:00Z',
  '2026-01-31T16:00:00Z',
  '2024-02-29',
  '20260131T170000000Z',
  '2026-01-31T17:00:00+02:00',
  '2026-02-30T10:00:00Z',
  '2025-02-29',
  '2026-13-01',
];
const DURATIONS: unknown[] = [
  '5s',
  '250ms',
  '596h',
  2147483647,
  '1.5m',
  0,
  '5s',
  '250ms',
  '2s',
  '100ms',
  1000,
  '1m',
  '1000h',
  '597h',
  2147483648,
  '5 sec',
];
const PROTOCOLS = [
  'fipa-request',
  'fipa-contract-net',
  'fipa-dutch-auction',
  'fipa-english-auction',
  'fipa-request-when',
  'fipa-reqest',
  undefined,
];
const REFS = [
  'messages/hello.fipa.json',
  'messages/helo.fipa.json',
  '../outside.fipa.json',
  'flow.pipeline.yaml',
  'flw.pipeline.yaml',
  'agents/alice.agent.yaml',
  'agents/alise.agent.yaml',
  'missing/x.fipa.json',
];

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
/** `arb` one time in `n`, else null (for mistakes that should stay rare). */
const rare = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

/** One message as a plain object, sometimes with a key missing or misspelled. */
const message = fc
  .record({
    performative: pick(PERFS),
    sender: pick(AGENTS),
    receiver: fc.oneof(pick(AGENTS), fc.array(pick(AGENTS), { minLength: 1, maxLength: 3 }), fc.constant('topic://events/a')),
    conversation_id: fc.option(pick(['c1', 'c2']), { freq: 5 }),
    protocol: pick(PROTOCOLS),
    reply_with: fc.option(pick(['r1', 'r2', 'r3']), { freq: 2 }),
    in_reply_to: rare(pick(['r1', 'r2', 'r9']), 4),
    reply_by: fc.option(pick(DATES), { freq: 2 }),
    content: fc.option(
      fc.oneof(
        fc.record({ price: fc.integer({ min: 100, max: 600 }) }),
        fc.record({ ask: fc.integer({ min: 100, max: 600 }) }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      { freq: 2 },
    ),
    extra: rare(pick(['recever', 'colour', 'ontology']), 4),
  })
  .map((m) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m)) if (v !== null && v !== undefined && k !== 'extra') out[k] = v;
    if (m.extra) out[m.extra] = 'x';
    return out;
  });

/** A protocol-shaped conversation (request/agree/inform, a contract net, auction rounds) with a stray message sometimes first. */
const conversation = fc
  .tuple(
    pick(['request', 'cnet', 'dutch', 'english']),
    fc.boolean(),
    fc.array(fc.integer({ min: 100, max: 600 }), { minLength: 2, maxLength: 4 }),
    fc.array(message, { maxLength: 2 }),
  )
  .map(([kind, stray, prices, noise]) => {
    const base = { conversation_id: 'c1' };
    const msgs: Array<Record<string, unknown>> = [];
    if (stray)
      msgs.push({
        ...base,
        performative: 'inform',
        sender: 'bob',
        receiver: 'alice',
        protocol: kind === 'request' ? 'fipa-request' : undefined,
      });
    if (kind === 'request') {
      msgs.push({
        ...base,
        performative: 'request',
        sender: 'alice',
        receiver: 'bob',
        protocol: 'fipa-request',
        reply_with: 'r1',
        reply_by: '2026-01-31T17:00:00Z',
      });
      msgs.push({
        ...base,
        performative: 'agree',
        sender: 'bob',
        receiver: 'alice',
        protocol: 'fipa-request',
        in_reply_to: 'r1',
        reply_by: '2026-01-31T16:00:00Z',
      });
      msgs.push({ ...base, performative: 'inform', sender: 'bob', receiver: 'alice', protocol: 'fipa-request', in_reply_to: 'r1' });
    } else if (kind === 'cnet') {
      msgs.push({
        ...base,
        performative: 'cfp',
        sender: 'alice',
        receiver: ['bob', 'carol'],
        protocol: 'fipa-contract-net',
        reply_with: 'r1',
        reply_by: '2026-01-31T17:00:00Z',
      });
      msgs.push({
        ...base,
        performative: 'propose',
        sender: 'bob',
        receiver: 'alice',
        protocol: 'fipa-contract-net',
        in_reply_to: 'r1',
        reply_with: 'r2',
      });
      msgs.push({
        ...base,
        performative: 'accept_proposal',
        sender: 'alice',
        receiver: 'carol',
        protocol: 'fipa-contract-net',
        in_reply_to: 'r2',
      });
    } else {
      prices.forEach((price, i) =>
        msgs.push({
          ...base,
          performative: 'cfp',
          sender: 'alice',
          receiver: ['bob', 'carol'],
          protocol: kind === 'dutch' ? 'fipa-dutch-auction' : 'fipa-english-auction',
          reply_with: `r${i}`,
          content: kind === 'dutch' ? { price } : { ask: price },
        }),
      );
    }
    return [...msgs, ...noise].map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)));
  });

const manifest = fc
  .record({
    name: pick([...AGENTS, 'erin', 'frank', 'gina']),
    module: pick(['alice.wasm', 'bob.wasm', 'alice.wasm', 'bob.wasm', 'missing.wasm', '../escape.wasm', 'alice.wsm', 'src/agent.ts']),
    host_functions: fc.option(fc.subarray(['subscribe', 'blackboard_write', 'blackboard_read', 'subscrib']), { freq: 2 }),
    subscriptions: rare(fc.constant(['topic://events/a']), 4),
    limits: fc.option(
      fc.record(
        { timeout: pick(DURATIONS), memory: pick(['16MiB', 100000, '8GiB', 65536, '1MiB']), mailbox: pick([1, 256, 0, 64]) },
        { requiredKeys: [] },
      ),
      { freq: 2 },
    ),
    restart: fc.option(fc.record({ backoff: pick(DURATIONS) }), { freq: 2 }),
  })
  .map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null)));

const breaker = fc
  .record({
    consecutive_failures: fc.option(fc.integer({ min: 1, max: 5 })),
    half_open_max_calls: fc.option(fc.integer({ min: 1, max: 3 })),
    reset_timeout: fc.option(pick(DURATIONS)),
  })
  .map((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== null)));

const pipeline = fc
  .record({
    defaults: fc.option(fc.record({ timeout: fc.option(pick(DURATIONS)), circuit_breaker: fc.option(breaker) }), { freq: 2 }),
    stages: fc.array(
      fc.oneof(
        fc.record({
          agent: pick([...AGENTS, '@contract-net:pay', '@auction:x']),
          timeout: fc.option(pick(DURATIONS)),
          circuit_breaker: fc.option(breaker),
        }),
        fc.record({
          name: pick(['gather', 'quotes']),
          timeout: fc.option(pick(DURATIONS)),
          parallel: fc.record({
            branches: fc.array(fc.record({ agent: pick(AGENTS) }), { minLength: 1, maxLength: 3 }),
            aggregate: pick(['all', 'deadline', 'first_n', 'quorum']),
            count: fc.option(fc.integer({ min: 1, max: 4 })),
          }),
        }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map((p) => ({ pipeline: clean({ name: 'gen', ...p }) }));

const scenario = fc
  .record({
    agents: fc.option(fc.array(pick(['alice', 'bob', 'alise', 'agents/alice.agent.yaml', 'agents/alise.agent.yaml']), { maxLength: 3 }), {
      freq: 2,
    }),
    messages: fc.option(
      fc.array(fc.oneof(fc.record({ file: pick(REFS) }), fc.record({ message, at: fc.option(pick(DURATIONS)) })), { maxLength: 3 }),
      { freq: 2 },
    ),
    pipeline: fc.option(pick(REFS.filter((r) => r.includes('pipeline'))), { freq: 3 }),
    pattern: fc.option(
      fc.record({
        kind: fc.constant('dutch_auction'),
        start_price: fc.integer({ min: 100, max: 500 }),
        step: fc.constant(25),
        floor: fc.integer({ min: 50, max: 600 }),
        bidders: fc.array(pick(AGENTS), { maxLength: 2 }),
      }),
      { freq: 3 },
    ),
    run_for: fc.option(pick(DURATIONS), { freq: 3 }),
  })
  .map((s) => ({ scenario: clean({ name: 'gen', ...s }) }));

function clean(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    out[k] = Array.isArray(v)
      ? v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? clean(x as Record<string, unknown>) : x))
      : v && typeof v === 'object'
        ? clean(v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** JSON text, sometimes with a comment or a duplicated key. */
function jsonText(value: unknown, twist: number): string {
  const text = JSON.stringify(value, null, 2);
  if (twist === 1) return text.replace('{', '{\n  // a note for people');
  if (twist === 2) return text.replace(/\n(\s+)"sender": ("[^"]*")/, '\n$1"sender": $2,\n$1"sender": "carol"');
  return text;
}

/** YAML text, sometimes with an anchor reused through an alias, or a duplicated key. */
function yamlText(value: unknown, twist: number): string {
  let text = yamlStringify(value);
  if (twist === 1) {
    // The first duration gets an anchor; later ones become aliases of it.
    let anchored = false;
    text = text.replace(
      /^(\s*(?:- )?)(timeout|reset_timeout|backoff|run_for|at): (.+)$/gm,
      (_line, ind: string, key: string, val: string) => {
        if (anchored) return `${ind}${key}: *t`;
        anchored = true;
        return `${ind}${key}: &t ${val}`;
      },
    );
  }
  if (twist === 2) text = text.replace(/^(\s*)name: (.*)$/m, '$1name: $2\n$1name: dup');
  return text;
}

/** Structured documents of every kind, written with the twists above. */
export const structuredDocument: fc.Arbitrary<Seed> = fc
  .tuple(
    fc.integer({ min: 0, max: 7 }),
    fc.oneof(
      fc.tuple(fc.constant('m.fipa.json'), fc.oneof(message, conversation)),
      fc.tuple(fc.constant('a.agent.yaml'), manifest),
      fc.tuple(fc.constant('p.pipeline.yaml'), pipeline),
      fc.tuple(fc.constant('s.scenario.yaml'), scenario),
    ),
  )
  .map(([twist, [name, value]]) => ({ name, text: name.endsWith('.json') ? jsonText(value, twist) : yamlText(value, twist) }));

/** The generated corpus: `n` files from a fixed seed (structured, mutated repo files, random text), named per kind. */
export function generatedCorpus(n: number, seed: number): Seed[] {
  const structured = fc.sample(structuredDocument, { seed, numRuns: Math.ceil(n * 0.65) });
  const mutated = fc.sample(mutatedSeed([...seedFiles(), ...structured.slice(0, 200)]), { seed: seed + 1, numRuns: Math.ceil(n * 0.27) });
  const random = fc.sample(randomDocument, { seed: seed + 2, numRuns: Math.ceil(n * 0.08) });
  const kinds: Array<[RegExp, string]> = [
    [/\.json$/, 'fipa.json'],
    [/\.pipeline\.ya?ml$/, 'pipeline.yaml'],
    [/\.agent\.yaml$/, 'agent.yaml'],
    [/\.scenario\.yaml$/, 'scenario.yaml'],
  ];
  return [...structured, ...mutated, ...random].slice(0, n).map((s, i) => {
    const ext = kinds.find(([re]) => re.test(s.name))?.[1] ?? 'agent.yaml';
    return { name: `g${String(i).padStart(4, '0')}.${ext}`, text: s.text };
  });
}
