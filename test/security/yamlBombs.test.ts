/**
 * Untrusted workspace files: a YAML "billion laughs" (aliases of aliases, 9^10 nodes when expanded) in a manifest,
 * pipeline or scenario must be answered with a clear problem naming the file, never expanded (memory) and never
 * thrown as a raw exception (crash). The language service sees the file as soon as it is opened, even untrusted.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from '../../server/service/languageService';
import { loadWorkspace } from '../../runtime/node/files/workspace';
import { parsePipeline } from '../../runtime/workflow/loadPipeline';
import { removeTemp, tempDir, writeFiles } from './securityFixtures';

/** `key:` holding ten levels of nine aliases each (about 3.5e9 strings if expanded). */
function laughs(indent: string): string {
  let y = `${indent}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < 10; i++)
    y += `${indent}a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(',')}]\n`;
  return y;
}

const MANIFEST = `name: bomb\nmodule: bomb.wasm\nconfig:\n${laughs('  ')}`;
const PIPELINE = `pipeline:\n  name: bomb\n  input:\n${laughs('    ')}  stages:\n    - agent: bomb\n`;
const SCENARIO = `scenario:\n  name: bomb\n  pattern:\n${laughs('    ')}`;

describe('security: YAML alias bombs in workspace files', function () {
  this.timeout(30_000);

  it('the language service handles them without expanding (every feature, every kind)', () => {
    const ls = getLanguageService();
    for (const [name, text] of [
      ['bomb.agent.yaml', MANIFEST],
      ['bomb.pipeline.yaml', PIPELINE],
      ['bomb.scenario.yaml', SCENARIO],
    ] as const) {
      const d = TextDocument.create(`file:///ws/${name}`, 'yaml', 1, text);
      const heap = process.memoryUsage().heapUsed;
      ls.doValidation(d);
      ls.findDocumentSymbols(d);
      for (let line = 0; line < d.lineCount; line += 3) {
        ls.doHover(d, { line, character: 4 });
        ls.doComplete(d, { line, character: 4 });
      }
      ls.doCodeActions(d, { start: { line: 0, character: 0 }, end: d.positionAt(text.length) }, { diagnostics: [] });
      assert.ok(process.memoryUsage().heapUsed - heap < 200 * 1024 * 1024, `${name}: no expansion in memory`);
    }
  });

  it('a manifest with an alias bomb is a workspace problem, not a thrown ReferenceError [runtime/node/schemaProblems.ts parseYamlFile]', async () => {
    // parseYamlFile calls doc.toJS(), which (rightly) refuses the bomb by throwing ReferenceError("Excessive alias
    // count…"); nothing catches it, so loadWorkspace, `caxton run` and the runtime host fail with a raw exception
    // instead of a problem naming the file. Fix: try { doc.toJS() } catch (e) { return { problems: [{ file, line: 1,
    // column: 1, message: `cannot be read: ${e.message}; remove the YAML aliases (&/*) that repeat data` }] } }.
    const dir = tempDir('bomb');
    try {
      writeFiles(dir, { 'agents/bomb.agent.yaml': MANIFEST, 'agents/bomb.wasm': new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) });
      const ws = await loadWorkspace(dir, { build: false });
      assert.deepEqual(ws.agents, []);
      assert.ok(
        ws.problems.some((p) => p.file === path.join(dir, 'agents/bomb.agent.yaml')),
        JSON.stringify(ws.problems),
      );
    } finally {
      removeTemp(dir);
    }
  });

  it('a pipeline with an alias bomb is a pipeline problem, not a thrown ReferenceError [runtime/workflow/loadPipeline.ts parsePipeline]', () => {
    // Same cause as above in parsePipeline (doc.toJS() unguarded). Fix: catch it and return it as a problem at 1:1.
    const r = parsePipeline(PIPELINE);
    assert.equal(r.pipeline, undefined);
    assert.ok(r.problems.length > 0);
  });
});
