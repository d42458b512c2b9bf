/**
 * One source of truth, held: every Caxton file of examples/, test/fixtures and a generated corpus (fast-check,
 * fixed seed, >= 1,000 files) goes through both paths, and both must give the same verdict and the same problem
 * list (line, column, severity, code, message):
 *   - the editor: the language service (as the server runs it: workspace index filled by a scan, the file lookup
 *     injected) -> LSP diagnostics;
 *   - the runtime: loadScope + checkFile (what loadWorkspace, `caxton run/send/validate` and the runtime host use),
 *     and the typed readers (readManifest, readScenario, readMessageFile, readPipeline), which must return a value
 *     exactly when there is no error.
 * Each folder is its own workspace root, as `caxton run <folder>` and an editor opened on that folder see it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { kindFromName, WorkspaceIndex } from '../../schemas/load';
import { createFileLookup } from '../../platform/fileLookup';
import { findCaxtonFiles } from '../../platform/findFiles';
import { readWorkspaceFile } from '../../platform/workspaceFile';
import { getLanguageService } from '../../server/service/languageService';
import {
  checkFile,
  loadScope,
  readManifest,
  readMessageFile,
  readPipeline,
  readScenario,
  type WorkspaceProblem,
} from '../../runtime/node/files/workspace';
import { generatedCorpus } from '../support/crossCheckCorpus';
import { examplesDir, fixturesDir } from '../support/paths';

const SEVERITY: Record<number, WorkspaceProblem['severity']> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};
const SEED = Number(process.env.CAXTON_FUZZ_SEED ?? 20260131);
const GENERATED = Number(process.env.CAXTON_CROSSCHECK_FILES ?? 1040);

type Row = [line: number, column: number, severity: string, code: string, message: string];

/** The editor's verdict on every Caxton file under `root`: a service whose workspace is `root`, scanned first. */
function editorPath(root: string): Map<string, Row[]> {
  const workspace = new WorkspaceIndex();
  const service = getLanguageService({ workspace, files: createFileLookup(() => root), newId: (p) => `${p}-id` });
  const files = findCaxtonFiles([root], { maxFiles: 20_000, maxDepth: 16 });
  const docs = new Map<string, TextDocument>();
  for (const file of files) {
    // As the server's scan reads them: through the workspace-path guard.
    const read = readWorkspaceFile(root, file);
    if (!read.ok) continue;
    const doc = TextDocument.create(pathToFileURL(file).href, 'plaintext', 1, read.text);
    docs.set(file, doc);
    workspace.update(doc.uri, service.indexDocument(doc));
  }
  const out = new Map<string, Row[]>();
  for (const [file, doc] of docs) {
    out.set(
      file,
      service
        .doValidation(doc)
        .map((d) => [
          d.range.start.line + 1,
          d.range.start.character + 1,
          SEVERITY[d.severity ?? 1] ?? 'error',
          String(d.code),
          typeof d.message === 'string' ? d.message : d.message.value,
        ]),
    );
  }
  return out;
}

/** The runtime's verdict on the same files, and whether its typed reader accepted each one. */
function runtimePath(root: string, files: Iterable<string>): Map<string, { rows: Row[]; accepted: boolean }> {
  const scope = loadScope(root);
  const out = new Map<string, { rows: Row[]; accepted: boolean }>();
  for (const file of files) {
    const kind = kindFromName(file)!;
    const { problems } = checkFile(file, kind, scope);
    const sink: WorkspaceProblem[] = [];
    const read =
      kind === 'agent'
        ? readManifest(scope.folder, file, sink, scope)
        : kind === 'scenario'
          ? readScenario(file, sink, scope)
          : kind === 'pipeline'
            ? readPipeline(file, sink, scope)
            : readMessageFile(file, sink, scope);
    out.set(file, {
      rows: problems.map((p) => [p.line, p.column, p.severity ?? 'error', p.code ?? '', p.message]),
      accepted: read !== undefined,
    });
  }
  return out;
}

interface Tally {
  files: number;
  refused: number;
  problems: number;
}

/** Both paths over one root: same problem list per file, and the reader accepts exactly the files without errors. */
function crossCheck(root: string, tally: Tally): void {
  const editor = editorPath(root);
  const runtime = runtimePath(root, editor.keys());
  assert.ok(editor.size > 0, `no Caxton files under ${root}`);
  for (const [file, rows] of editor) {
    const run = runtime.get(file)!;
    const where = path.relative(root, file);
    assert.deepEqual(run.rows, rows, `${where}: the runtime's problems differ from the editor's`);
    const errors = rows.some((r) => r[2] === 'error');
    assert.equal(
      run.accepted,
      !errors,
      `${where}: the runtime ${run.accepted ? 'accepted' : 'refused'} a file the editor marks with ${errors ? 'errors' : 'no error'}:\n${rows.map((r) => r.join(' | ')).join('\n')}`,
    );
    tally.files++;
    tally.problems += rows.length;
    if (errors) tally.refused++;
  }
}

describe('one source of truth: the editor and the runtime give the same verdict on every file', function () {
  this.timeout(600_000);

  it('every example folder (each as `caxton run` loads it)', () => {
    const tally: Tally = { files: 0, refused: 0, problems: 0 };
    for (const e of fs.readdirSync(examplesDir, { withFileTypes: true }))
      if (e.isDirectory()) crossCheck(fs.realpathSync(path.join(examplesDir, e.name)), tally);
    console.log(
      `      [cross-check] examples: ${tally.files} files, ${tally.refused} refused, ${tally.problems} problems, identical on both paths`,
    );
    assert.ok(tally.refused > 0 && tally.files > tally.refused, 'examples hold both valid and broken files');
  });

  it('every fixture folder with Caxton files', () => {
    const tally: Tally = { files: 0, refused: 0, problems: 0 };
    // The outermost folders holding Caxton files, each a workspace (its subfolders belong to it).
    const dirs = [...new Set(findCaxtonFiles([fixturesDir], { maxDepth: 16 }).map((f) => path.dirname(f)))].sort();
    const roots = dirs.filter((d) => !dirs.some((o) => o !== d && d.startsWith(o + path.sep)));
    for (const root of roots) crossCheck(fs.realpathSync(root), tally);
    console.log(`      [cross-check] fixtures: ${tally.files} files in ${roots.length} folders, ${tally.refused} refused`);
    assert.ok(tally.files > 0);
  });

  it(`${GENERATED} generated files (seed ${SEED}) in 8 workspaces, with their manifests, modules and referenced files`, () => {
    const corpus = generatedCorpus(GENERATED, SEED);
    assert.ok(corpus.length >= Math.min(1000, GENERATED), `only ${corpus.length} files generated`);
    const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-crosscheck-')));
    const tally: Tally = { files: 0, refused: 0, problems: 0 };
    try {
      fs.writeFileSync(
        path.join(base, 'outside.fipa.json'),
        '{"performative": "inform", "sender": "a", "receiver": "b", "conversation_id": "x"}\n',
      );
      for (let w = 0; w < 8; w++) {
        const root = path.join(base, `ws${w}`);
        // What the generated files refer to: two agents with modules, a message file, a pipeline.
        const files: Record<string, string> = {
          'agents/alice.agent.yaml': 'name: alice\nmodule: ../alice.wasm\n',
          'agents/bob.agent.yaml': 'name: bob\nmodule: ../bob.wasm\n',
          'alice.wasm': '\0asm\x01\0\0\0',
          'bob.wasm': '\0asm\x01\0\0\0',
          'messages/hello.fipa.json': '{"performative": "inform", "sender": "alice", "receiver": "bob", "conversation_id": "h"}\n',
          'flow.pipeline.yaml': 'pipeline:\n  name: flow\n  stages:\n    - agent: bob\n',
        };
        corpus.forEach((s, i) => {
          if (i % 8 === w) files[s.name] = s.text;
        });
        for (const [name, text] of Object.entries(files)) {
          fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
          fs.writeFileSync(path.join(root, name), text);
        }
        crossCheck(root, tally);
      }
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
    console.log(
      `      [cross-check] generated: ${tally.files} files, ${tally.refused} refused, ${tally.files - tally.refused} accepted, ${tally.problems} problems, identical on both paths`,
    );
    assert.ok(tally.files >= GENERATED, `checked ${tally.files} files`);
    assert.ok(
      tally.refused > GENERATED / 10 && tally.files - tally.refused > GENERATED / 20,
      'the corpus holds both accepted and refused files',
    );
  });
});
