/** The workflow examples' files are valid: pipelines load, scenarios and manifests match their schemas. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { agentSchema, allSchemas, scenarioSchema, type ScenarioFile } from '../../../schemas';
import { loadPipeline } from '../../../runtime/workflow';
import { examplesDir } from '../../support/paths';

const ajv = new Ajv({ allErrors: true, strict: false });
for (const s of allSchemas) ajv.addSchema(s);

for (const example of ['data-pipeline', 'saga', 'resilience']) {
  describe(`examples/${example}`, () => {
    const dir = path.join(examplesDir, example);
    const files = fs.readdirSync(dir);
    const scenarios = files.filter((f) => f.endsWith('.scenario.yaml'));
    it('has a scenario naming a pipeline that loads and agents whose manifests are valid', () => {
      assert.equal(scenarios.length, 1);
      const scenario = parseYaml(fs.readFileSync(path.join(dir, scenarios[0]), 'utf8')) as ScenarioFile;
      assert.equal(ajv.validate(scenarioSchema.$id, scenario), true, ajv.errorsText());
      const pipelinePath = path.join(dir, scenario.scenario.pipeline!);
      const pipeline = loadPipeline(fs.readFileSync(pipelinePath, 'utf8'), pipelinePath);
      const names = new Set<string>();
      for (const rel of scenario.scenario.agents ?? []) {
        const manifest = parseYaml(fs.readFileSync(path.join(dir, rel), 'utf8')) as { name: string; module: string };
        assert.equal(ajv.validate(agentSchema.$id, manifest), true, `${rel}: ${ajv.errorsText()}`);
        assert.ok(fs.existsSync(path.join(dir, path.dirname(rel), manifest.module)), `${rel}: module ${manifest.module}`);
        names.add(manifest.name);
      }
      const used = pipeline.pipeline.stages.flatMap((s) => [
        s.agent,
        s.compensation?.agent,
        ...(s.parallel?.branches.map((b) => b.agent) ?? []),
      ]);
      for (const a of used) if (a && !a.startsWith('@')) assert.ok(names.has(a), `${example}: stage agent ${a} is started by the scenario`);
    });
  });
}
