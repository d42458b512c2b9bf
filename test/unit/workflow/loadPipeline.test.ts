import * as assert from 'node:assert/strict';
import { loadPipeline, parsePipeline, PipelineLoadError } from '../../../runtime/workflow';

const good = `pipeline:
  name: data_processing
  defaults:
    timeout: 5s
    retry: { max_attempts: 3, initial_delay: 100ms, jitter: full }
  stages:
    - agent: validator
      action: validate
    - name: quotes
      parallel:
        aggregate: quorum
        branches:
          - agent: p1
          - agent: "@contract-net:pricing"
`;

describe('loadPipeline', () => {
  it('loads a valid pipeline, contract-net selectors included', () => {
    const f = loadPipeline(good, 'data.pipeline.yaml');
    assert.equal(f.pipeline.stages.length, 2);
    assert.equal(f.pipeline.stages[1].parallel!.branches[1].agent, '@contract-net:pricing');
  });

  // The same messages the editor shows (one loader, schemas/load), at the same places.
  const bad: Array<[string, string, string]> = [
    [
      'an unknown key, at the key',
      good.replace('      action: validate', '      acton: validate'),
      "8:7: Unknown key 'acton': did you mean 'action'?",
    ],
    ['a bad duration, at the value', good.replace('timeout: 5s', 'timeout: 5 sec'), "4:14: 'timeout' must be a duration such as 250ms"],
    [
      'a duration no timer can wait, at the value',
      good.replace('timeout: 5s', 'timeout: 1000h'),
      '4:14: \'timeout\': "1000h" is 3,600,000,000 ms, longer than the longest timer',
    ],
    [
      'a bad enum, at the value',
      good.replace('jitter: full', 'jitter: fuzzy'),
      "5:61: 'fuzzy' is not allowed for 'jitter'. Allowed: none, full, equal, decorrelated.",
    ],
    [
      'a missing name, at the parent',
      good.replace('  name: data_processing\n', ''),
      "1:1: Missing required key 'name': add \"name\" to 'pipeline'.",
    ],
    ['first_n without count', good.replace('aggregate: quorum', 'aggregate: first_n'), '11:20: aggregate \'first_n\' needs "count"'],
    [
      'a stage with both agent and parallel',
      good.replace('    - agent: validator\n', '    - agent: validator\n      parallel: { branches: [{ agent: x }] }\n'),
      "8:7: Use either 'agent' or 'parallel', not both",
    ],
    [
      'a stage with neither',
      good.replace('    - agent: validator\n      action: validate\n', '    - name: nothing\n'),
      "7:7: Add 'agent' or 'parallel': one is required here.",
    ],
    [
      'an unknown selector',
      good.replace('"@contract-net:pricing"', '"@auction:pricing"'),
      "14:20: 'agent' must be an agent name (a letter or _ followed by letters, digits or _ . @ : -) or @contract-net:<capability>",
    ],
    [
      'a YAML syntax error',
      good.replace('    - agent: validator', '    - agent: [validator'),
      '8:7: YAML syntax error: Flow sequence in block collection',
    ],
  ];
  for (const [what, text, expected] of bad) {
    it(`reports ${what} with line and column`, () => {
      assert.throws(
        () => loadPipeline(text, 'data.pipeline.yaml'),
        (e: unknown) => {
          assert.ok(e instanceof PipelineLoadError);
          assert.ok(e.message.includes(`data.pipeline.yaml:${expected}`), e.message);
          return true;
        },
      );
    });
  }

  it('parsePipeline returns problems instead of throwing', () => {
    const r = parsePipeline('pipeline: { name: x, stages: [] }');
    assert.equal(r.pipeline, undefined);
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.col, p.message, p.code]),
      [[1, 30, "'stages' needs at least 1 item(s).", 'empty-list']],
    );
  });
});
