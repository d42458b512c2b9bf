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

  const bad: Array<[string, string, string]> = [
    ['an unknown key, at the key', good.replace('      action: validate', '      acton: validate'), "8:7: /pipeline/stages/0: unknown key 'acton'; remove it or check its spelling"],
    ['a bad duration, at the value', good.replace('timeout: 5s', 'timeout: 5 sec'), '4:14: /pipeline/defaults/timeout:'],
    ['a bad enum, at the value', good.replace('jitter: full', 'jitter: fuzzy'), '5:61: /pipeline/defaults/retry/jitter: must be one of none, full, equal, decorrelated'],
    ['a missing name, at the parent', good.replace('  name: data_processing\n', ''), "1:1: /pipeline: missing 'name'; add it"],
    ['first_n without count', good.replace('aggregate: quorum', 'aggregate: first_n'), "10:7: stage 2: aggregate first_n needs 'count'; add count: N"],
    ['a stage with both agent and parallel', good.replace('    - agent: validator\n', '    - agent: validator\n      parallel: { branches: [{ agent: x }] }\n'), '7:7: /pipeline/stages/0: a stage needs exactly one of `agent` (one call) or `parallel` (scatter-gather)'],
    ['a stage with neither', good.replace('    - agent: validator\n      action: validate\n', '    - name: nothing\n'), '7:7: /pipeline/stages/0: a stage needs exactly one of `agent` (one call) or `parallel` (scatter-gather)'],
    ['an unknown selector', good.replace('"@contract-net:pricing"', '"@auction:pricing"'), '14:20: /pipeline/stages/1/parallel/branches/1/agent: must be an agent name (letters, digits, _.@:-) or @contract-net:<capability>'],
    ['a YAML syntax error', good.replace('    - agent: validator', '    - agent: [validator'), '8:7: Flow sequence in block collection'],
  ];
  for (const [what, text, expected] of bad) {
    it(`reports ${what} with line and column`, () => {
      assert.throws(() => loadPipeline(text, 'data.pipeline.yaml'), (e: unknown) => {
        assert.ok(e instanceof PipelineLoadError);
        assert.ok(e.message.includes(`data.pipeline.yaml:${expected}`), e.message);
        return true;
      });
    });
  }

  it('parsePipeline returns problems instead of throwing', () => {
    const r = parsePipeline('pipeline: { name: x, stages: [] }');
    assert.equal(r.pipeline, undefined);
    assert.deepEqual(r.problems.map((p) => [p.line, p.col, p.message]), [[1, 30, '/pipeline/stages: must NOT have fewer than 1 items']]);
  });
});
