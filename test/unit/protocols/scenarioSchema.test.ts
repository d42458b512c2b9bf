import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import YAML from 'yaml';
import { allSchemas, scenarioSchema } from '../../../schemas';
import { examplesDir } from '../../support/paths';

const PATTERN_EXAMPLES = [
  'contract-net',
  'iterated-contract-net',
  'english-auction',
  'dutch-auction',
  'vickrey-auction',
  'bargaining',
  'blackboard',
  'pubsub',
  'fire-and-forget',
  'query',
];

describe('scenario schema: pattern blocks', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const s of allSchemas) ajv.addSchema(s);
  const validate = ajv.getSchema(scenarioSchema.$id)!;

  for (const example of PATTERN_EXAMPLES) {
    it(`accepts examples/${example}`, () => {
      const folder = path.join(examplesDir, example);
      const files = fs.readdirSync(folder).filter((f) => f.endsWith('.scenario.yaml'));
      assert.ok(files.length >= 1);
      for (const file of files) {
        const doc: unknown = YAML.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
        assert.equal(validate(doc), true, `${file}: ${JSON.stringify(validate.errors)}`);
      }
      assert.ok(fs.existsSync(path.join(folder, 'README.md')));
    });
  }

  const bad: Array<{ name: string; pattern: unknown; path: string }> = [
    { name: 'an unknown kind', pattern: { kind: 'auction' }, path: '/scenario/pattern/kind' },
    { name: 'a misspelt option', pattern: { kind: 'english_auction', start_prize: 10 }, path: '/scenario/pattern' },
    { name: 'a Dutch auction without step', pattern: { kind: 'dutch_auction', start_price: 10 }, path: '/scenario/pattern' },
    {
      name: 'a negative increment',
      pattern: { kind: 'english_auction', start_price: 10, increment: -1 },
      path: '/scenario/pattern/increment',
    },
    { name: 'bargaining without a counterpart', pattern: { kind: 'bargaining', opening: 1, limit: 2 }, path: '/scenario/pattern' },
  ];
  for (const b of bad) {
    it(`rejects ${b.name}, pointing at the place`, () => {
      assert.equal(validate({ scenario: { name: 'x', pattern: b.pattern } }), false);
      assert.ok(
        validate.errors!.some((e) => e.instancePath === b.path),
        JSON.stringify(validate.errors),
      );
    });
  }
});
