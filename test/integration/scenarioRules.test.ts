/**
 * Scenario rules with real files (the language service with the disk lookup the server injects, and `caxton run`
 * through the same loader): missing message files, pipelines and manifests, unknown agents (listed, inline
 * receivers, pattern bidders) with did-you-mean and quick fixes; inline messages in definition/references.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextEdit } from 'vscode-languageserver-types';
import { WorkspaceIndex } from '../../schemas/load';
import { createFileLookup } from '../../platform/fileLookup';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { WorkspaceError } from '../../runtime/node/files/workspace';
import { getLanguageService, type LanguageService } from '../../server/service/languageService';
import { removeTemp, tempDir, writeFiles } from '../security/securityFixtures';

const SCENARIO = [
  'scenario:',
  '  name: s',
  '  agents: [calculater, agents/echo.agent.yml]',
  '  messages:',
  '    - file: messages/ad.fipa.json',
  '    - message: {performative: request, sender: user, receiver: calculatr, conversation_id: c, reply_with: q}',
  '  pipeline: flw.pipeline.yaml',
  '',
].join('\n');

describe('scenario rules (real files, both ends)', function () {
  this.timeout(60_000);
  let dir: string;
  let ls: LanguageService;
  const open = (rel: string, text: string) => TextDocument.create(pathToFileURL(path.join(dir, rel)).href, 'yaml', 1, text);

  beforeEach(() => {
    dir = tempDir('scenario');
    writeFiles(dir, {
      'agents/calculator.agent.yaml': 'name: calculator\nmodule: calculator.wasm\n',
      'agents/calculator.wasm': new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
      'agents/echo.agent.yaml': 'name: echo\nmodule: calculator.wasm\n',
      'messages/add.fipa.json':
        '{"performative": "request", "sender": "user", "receiver": "calculator", "conversation_id": "a", "reply_with": "r"}\n',
      'flow.pipeline.yaml': 'pipeline:\n  name: flow\n  stages:\n    - agent: calculator\n',
    });
    ls = getLanguageService({ workspace: new WorkspaceIndex(), files: createFileLookup(() => dir) });
    for (const f of ['agents/calculator.agent.yaml', 'agents/echo.agent.yaml']) {
      const d = open(f, fs.readFileSync(path.join(dir, f), 'utf8'));
      ls.workspace.update(d.uri, ls.indexDocument(d));
    }
  });
  afterEach(() => removeTemp(dir));

  it('flags each mistake on its value, with did-you-mean, and a quick fix that removes it', () => {
    const d = open('s.scenario.yaml', SCENARIO);
    const diags = ls.doValidation(d);
    assert.deepEqual(
      diags.map((x) => [x.code, x.severity, x.range.start.line, d.getText(x.range)]),
      [
        ['unknown-agent', 1, 2, 'calculater'],
        ['missing-file', 1, 2, 'agents/echo.agent.yml'],
        ['missing-file', 1, 4, 'messages/ad.fipa.json'],
        ['unknown-agent', 2, 5, 'calculatr'],
        ['missing-file', 1, 6, 'flw.pipeline.yaml'],
      ],
    );
    assert.match(String(diags[0].message), /No agent manifest declares scenario agent 'calculater': did you mean 'calculator'\?/);
    assert.match(
      String(diags[2].message),
      /message file 'messages\/ad\.fipa\.json' does not exist: did you mean 'messages\/add\.fipa\.json'\?/,
    );
    let text = SCENARIO;
    for (const diag of diags) {
      const doc = TextDocument.create(d.uri, 'yaml', 2, text);
      const mine = ls.doValidation(doc).find((x) => x.code === diag.code && x.range.start.line === diag.range.start.line)!;
      const [fix] = ls.doCodeActions(doc, mine.range, { diagnostics: [mine] }) as CodeAction[];
      assert.ok(fix, `a quick fix for ${diag.code} on line ${diag.range.start.line}`);
      text = TextDocument.applyEdits(doc, (fix.edit?.changes?.[doc.uri] ?? []) as TextEdit[]);
    }
    assert.deepEqual(ls.doValidation(TextDocument.create(d.uri, 'yaml', 3, text)), [], text);
  });

  it('caxton run refuses the same scenario with the same messages, at the same lines', async () => {
    fs.writeFileSync(path.join(dir, 's.scenario.yaml'), SCENARIO);
    const editor = ls
      .doValidation(open('s.scenario.yaml', SCENARIO))
      .filter((x) => x.severity === 1)
      .map((x) => `${x.range.start.line + 1}:${x.range.start.character + 1}: error: ${x.message} [${x.code}]`);
    await assert.rejects(runScenario(path.join(dir, 's.scenario.yaml'), { maxWallMs: 5000 }), (e: Error) => {
      assert.ok(e instanceof WorkspaceError, e.message);
      assert.deepEqual(
        e.problems.map((p) => `${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]`),
        editor,
      );
      return true;
    });
  });

  it('inline messages and listed agents take part in references and definition', () => {
    const d = open(
      's.scenario.yaml',
      'scenario:\n  name: s\n  agents: [calculator]\n  messages:\n    - message: {performative: inform, sender: user, receiver: calculator, conversation_id: c}\n',
    );
    ls.workspace.update(d.uri, ls.indexDocument(d));
    const line = d.getText().split('\n')[4];
    const at = { line: 4, character: line.indexOf('receiver: calculator') + 'receiver: calc'.length };
    const refs = ls
      .findReferences(d, at, false)
      .filter((r) => r.uri === d.uri)
      .map((r) => r.range.start.line)
      .sort();
    assert.deepEqual(refs, [2, 4]);
    const defs = ls.findDefinition(d, at);
    assert.deepEqual(
      defs.map((x) => path.basename(x.uri)),
      ['calculator.agent.yaml'],
    );
  });
});
