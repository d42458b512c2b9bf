/**
 * trace-event.schema.json is exact and cannot drift from schemas/trace.ts: each TraceEvent variant (parsed from the
 * TS source) has a schema branch with the same fields, optionality and types, and vice versa; every fixture trace and
 * every event the real runtime emits on five examples validates; malformed events fail at the offending field.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { traceEventSchema, type TraceEvent } from '../../schemas';
import { validatorOf } from '../../schemas/load';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { examplesDir, fixturesDir, repoRoot } from '../support/paths';

type Json = Record<string, unknown>;
interface Field {
  name: string;
  optional: boolean;
  type: string;
}

/** Split `text` at top-level occurrences of `sep` (outside {}, <>, (), []). */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0,
    start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ('{<(['.includes(c)) depth++;
    else if ('}>)]'.includes(c)) depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** The fields of an object type literal `{ a: string; b?: number }`. */
function fieldsOf(objectType: string): Field[] {
  const body = objectType.trim().replace(/^\{/, '').replace(/\}$/, '');
  return splitTop(body, ';').map((f) => {
    const m = /^(\w+)(\?)?:\s*([\s\S]+)$/.exec(f);
    assert.ok(m, `trace.ts: cannot parse field "${f}"`);
    return { name: m[1], optional: m[2] === '?', type: m[3].trim() };
  });
}

const source = fs.readFileSync(path.join(repoRoot, 'schemas', 'trace.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
/** Named string-literal unions of trace.ts (AgentState, BreakerState). */
const aliases = new Map([...source.matchAll(/export type (\w+) = ((?:\s*\|?\s*'[^']*')+);/g)].map((m) => [m[1], m[2]]));
const unionText = /export type TraceEvent = Base & \(([\s\S]*?)\n\);/.exec(source)?.[1];
/** Every variant of the TraceEvent union, by its `type` literal. */
const variants = new Map(
  splitTop(unionText ?? '', '|').map((v) => {
    const fields = fieldsOf(v);
    const type = /^'([a-z_]+)'$/.exec(fields.find((f) => f.name === 'type')?.type ?? '')?.[1];
    assert.ok(type, `trace.ts: variant without a literal type: ${v}`);
    return [type, fields.filter((f) => f.name !== 'type')] as const;
  }),
);

/** The JSON Schema a TS field type must have in trace-event.schema.json. */
function schemaOfTs(type: string): unknown {
  const alias = aliases.get(type);
  if (alias) return schemaOfTs(alias);
  const literals = splitTop(type, '|');
  if (literals.length > 1 || /^'/.test(type)) return { type: 'string', enum: literals.map((l) => l.replace(/^'|'$/g, '')) };
  const arrayOf = /^Array<([\s\S]+)>$/.exec(type)?.[1] ?? /^(\w+)\[\]$/.exec(type)?.[1];
  if (arrayOf) return { type: 'array', items: schemaOfTs(arrayOf) };
  if (type.startsWith('{')) {
    const fields = fieldsOf(type);
    return {
      type: 'object',
      required: fields.filter((f) => !f.optional).map((f) => f.name),
      additionalProperties: false,
      properties: Object.fromEntries(fields.map((f) => [f.name, schemaOfTs(f.type)])),
    };
  }
  const simple: Record<string, unknown> = {
    string: { type: 'string' },
    number: { type: 'number' },
    boolean: { type: 'boolean' },
    unknown: {},
    FipaMessage: { $ref: 'message.schema.json#/definitions/message' },
  };
  assert.ok(type in simple, `trace.ts: no schema mapping for TS type "${type}"; extend schemaOfTs`);
  return simple[type];
}

const schema = traceEventSchema as unknown as Json & { allOf: Array<{ if: Json; then: Json }>; definitions: Record<string, unknown> };
/** Resolve this schema's local `#/definitions/x` refs, recursively, so inline and shared enums compare equal. */
const deref = (s: unknown): unknown => {
  if (Array.isArray(s)) return s.map(deref);
  if (typeof s !== 'object' || s === null) return s;
  const ref = (s as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/definitions/')) return deref(schema.definitions[ref.slice(14)]);
  return Object.fromEntries(
    Object.entries(s)
      .filter(([k]) => k !== 'description')
      .map(([k, v]) => [k, deref(v)]),
  );
};
/** The schema's `then` branch per `type` const. */
const branches = new Map(schema.allOf.map((b) => [((b.if.properties as Json).type as Json).const as string, b.then]));

/** The trace schema from the one registry every part validates with (its keywords included). */
function validator(): ValidateFunction {
  return validatorOf(traceEventSchema.$id);
}
/** The errors that name a field (drop ajv's generic "must match then schema"). */
const fieldErrors = (errors: ErrorObject[] | null | undefined): ErrorObject[] => (errors ?? []).filter((e) => e.keyword !== 'if');
const explain = (e: unknown, errors: ErrorObject[] | null | undefined): string =>
  `${JSON.stringify(e).slice(0, 300)}\n  ${fieldErrors(errors)
    .map((x) => `${x.instancePath || '/'} ${x.message} ${JSON.stringify(x.params)}`)
    .join('\n  ')}`;

describe('trace-event.schema.json matches schemas/trace.ts', () => {
  it('parses the TraceEvent union', () => assert.ok(variants.size >= 27, `found ${variants.size} variants`));

  it('has one branch per variant and an enum of exactly the variants', () => {
    const enumTypes = ((schema.properties as Json).type as { enum: string[] }).enum;
    assert.deepEqual([...enumTypes].sort(), [...variants.keys()].sort(), 'the type enum lists the TS variants');
    assert.deepEqual([...branches.keys()].sort(), [...variants.keys()].sort(), 'allOf has a branch per TS variant');
  });

  for (const [type, fields] of variants) {
    it(`${type}: same fields, optionality and types`, () => {
      const then = branches.get(type);
      assert.ok(then, `no schema branch for ${type}`);
      assert.equal(then.additionalProperties, false, `${type}: closed, like the TS type`);
      assert.deepEqual(
        [...(then.required as string[])].sort(),
        fields
          .filter((f) => !f.optional)
          .map((f) => f.name)
          .sort(),
        `${type}: required`,
      );
      const props = then.properties as Json;
      assert.deepEqual(
        Object.keys(props).sort(),
        ['seq', 't', 'tick', 'node', 'type', ...fields.map((f) => f.name)].sort(),
        `${type}: properties`,
      );
      for (const f of fields) assert.deepEqual(deref(props[f.name]), schemaOfTs(f.type), `${type}.${f.name}: ${f.type}`);
    });
  }
});

describe('trace-event.schema.json validates real traces', () => {
  const validate = validator();

  it('accepts every line of every fixture trace', () => {
    const files = fs.readdirSync(path.join(fixturesDir, 'traces')).filter((f) => f.endsWith('.trace.jsonl'));
    assert.ok(files.length >= 5);
    let count = 0;
    for (const file of files) {
      fs.readFileSync(path.join(fixturesDir, 'traces', file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim() === '') return;
          const e: unknown = JSON.parse(line);
          count++;
          assert.ok(validate(e), `${file}:${i + 1}: ${explain(e, validate.errors)}`);
        });
    }
    console.log(`      checked ${count} fixture events in ${files.length} traces`);
  });

  it('accepts every event the runtime emits on five examples (simulated clock, seed 7)', async function () {
    this.timeout(300_000); // a fresh clone builds these examples' agents (AssemblyScript) first
    const examples = ['calculator', 'english-auction', 'contract-net/contract-net.scenario.yaml', 'resilience', 'saga'];
    const seen = new Set<string>();
    let count = 0;
    for (const example of examples) {
      const dir = path.join(examplesDir, example);
      const file = example.endsWith('.yaml')
        ? dir
        : path.join(
            dir,
            fs.readdirSync(dir).find((f) => f.endsWith('.scenario.yaml'))!,
          );
      const events: TraceEvent[] = [];
      await runScenario(file, { clock: 'simulated', seed: 7, onTrace: (e) => events.push(e) });
      assert.ok(events.length > 0, `${example}: no events`);
      for (const e of events) {
        assert.ok(validate(e), `${example}: ${explain(e, validate.errors)}`);
        seen.add(e.type);
      }
      count += events.length;
    }
    // The runs cover the coordination and resilience branches, not just message traffic.
    for (const t of ['auction_round', 'contract_net_award', 'retry', 'breaker_state', 'saga_step', 'pipeline_result'])
      assert.ok(seen.has(t), `no ${t} event`);
    console.log(`      checked ${count} runtime events of ${seen.size} types`);
  });
});

describe('trace-event.schema.json rejects malformed events at the field', () => {
  const validate = validator();
  const cases: Array<[string, Json, string, string, Json?]> = [
    ['a missing required field', { seq: 0, t: 0, type: 'run_started', name: 'x' }, '', 'required', { missingProperty: 'agents' }],
    ['a bad agent state', { seq: 1, t: 0, type: 'agent_state', agent: 'a', from: 'loaded', to: 'sleeping' }, '/to', 'enum'],
    [
      'a field of another variant',
      { seq: 2, t: 0, type: 'message_delivered', id: 'm1', to: 'b', colour: 'red' },
      '',
      'additionalProperties',
      { additionalProperty: 'colour' },
    ],
    [
      'a bad message inside',
      { seq: 3, t: 0, type: 'message_sent', id: 'm1', to: ['b'], message: { performative: 'shout', sender: 'a', receiver: 'b' } },
      '/message/performative',
      'enum',
    ],
    [
      'a bid of the wrong type',
      { seq: 4, t: 0, type: 'auction_round', auction_id: 'x', kind: 'english', round: 1, price: 5, bids: [{ bidder: 'b', amount: '6' }] },
      '/bids/0/amount',
      'type',
    ],
    ['an unknown type', { seq: 5, t: 0, type: 'agent_dreamt', agent: 'a' }, '/type', 'enum'],
    ['a negative seq', { seq: -1, t: 0, type: 'message_delivered', id: 'm1', to: 'b' }, '/seq', 'minimum'],
    ['a node name that is not a string', { seq: 1, t: 0, type: 'message_delivered', id: 'm1', to: 'b', node: 5 }, '/node', 'type'],
  ];
  for (const [what, event, at, keyword, params] of cases) {
    it(`rejects ${what} at ${at || 'the event'}`, () => {
      assert.equal(validate(event), false);
      const hit = fieldErrors(validate.errors).find((e) => e.instancePath === at && e.keyword === keyword);
      assert.ok(hit, `expected ${keyword} at "${at}", got ${explain(event, validate.errors)}`);
      if (params) for (const [k, v] of Object.entries(params)) assert.equal((hit.params as Json)[k], v);
    });
  }
});
