/** Settings normalisation and file recognition, the handler layer's pure parts. */
import * as assert from 'node:assert/strict';
import { normalizeSettings } from '../../../server/handlers/settings';
import { detectFileKind } from '../../../schemas/load';
import { DEFAULT_SETTINGS } from '../../../schemas/protocol/lsp';

describe('server settings', () => {
  const cases: Array<[string, unknown, object]> = [
    ['nothing -> defaults', undefined, DEFAULT_SETTINGS],
    [
      'valid values are kept',
      { validation: { enable: false, debounceMs: 0 }, maxContentBytes: 2048 },
      { validation: { enable: false, debounceMs: 0 }, maxContentBytes: 2048 },
    ],
    ['bad values fall back one by one', { validation: { enable: 'yes', debounceMs: -5 }, maxContentBytes: 'big' }, DEFAULT_SETTINGS],
    ['NaN and huge numbers fall back', { validation: { debounceMs: NaN }, maxContentBytes: 1e15 }, DEFAULT_SETTINGS],
  ];
  for (const [name, raw, expected] of cases) it(name, () => assert.deepEqual(normalizeSettings(raw), expected));
});

describe('file recognition', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['a/b/order.fipa.json', '{}', 'message'],
    ['file:///w/x.pipeline.yml', '', 'pipeline'],
    ['x.pipeline.yaml', '', 'pipeline'],
    ['bob.agent.yaml', '', 'agent'],
    ['demo.scenario.yaml', '', 'scenario'],
    ['plain.json', '{ "$schema": "https://caxton.dev/schemas/pipeline.schema.json" }', 'pipeline'],
    ['plain.yaml', '$schema: https://caxton.dev/schemas/agent.schema.json\nname: a', 'agent'],
    ['plain.yaml', 'name: a', undefined],
    ['package.json', '{"name": "x"}', undefined],
  ];
  for (const [name, text, kind] of cases) it(`${name} -> ${String(kind)}`, () => assert.equal(detectFileKind(name, text), kind));
});
