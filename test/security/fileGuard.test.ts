/**
 * The one workspace-path guard (platform/workspaceFile.ts) on files that are not what their names say: a FIFO,
 * a folder named x.wasm, a symlink to a FIFO, a 92 MB manifest, a 1.9 GB sparse module. Each is refused from stat
 * with a sentence naming the file, the limit and the fix: never a hang (a FIFO opened blocking), never a raw
 * `internal error: EISDIR`, never a read of gigabytes. Through every path: the guard itself, loadWorkspace /
 * startSession (`caxton run`), `caxton validate`, and the language server's scan and scenario lookups.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceIndex } from '../../schemas/load';
import { createFileLookup } from '../../platform/fileLookup';
import { checkWorkspaceFile, readWorkspaceFile } from '../../platform/workspaceFile';
import { loadWorkspace, WorkspaceError } from '../../runtime/node/files/workspace';
import { startSession } from '../../runtime/node/session/session';
import { validateFiles } from '../../runtime/node/files/validateFiles';
import { getLanguageService } from '../../server/service/languageService';
import { removeTemp, tempDir, writeFiles } from './securityFixtures';

const WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/** A sparse file of `bytes` (no disk used): its size is what stat reports. */
function sparse(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, bytes);
  fs.closeSync(fd);
}

describe('security: the workspace-path guard refuses what is not a regular, reasonably sized file', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('guard');
    writeFiles(dir, { 'agents/ok.agent.yaml': 'name: ok\nmodule: ok.wasm\n', 'agents/ok.wasm': WASM });
  });
  afterEach(() => removeTemp(dir));

  const cases: Array<{ title: string; make: (d: string) => string; says: RegExp }> = [
    {
      title: 'a FIFO named like a manifest',
      make: (d) => {
        const f = path.join(d, 'agents/fifo.agent.yaml');
        execFileSync('mkfifo', [f]);
        return f;
      },
      says: /is not a regular file \(a FIFO, socket or device\)/,
    },
    {
      title: 'a folder named like a module',
      make: (d) => {
        const f = path.join(d, 'agents/dir.wasm');
        fs.mkdirSync(f);
        return f;
      },
      says: /is a folder, not a file/,
    },
    {
      title: 'a symlink to a FIFO',
      make: (d) => {
        const fifo = path.join(d, 'pipe');
        execFileSync('mkfifo', [fifo]);
        const f = path.join(d, 'agents/link.agent.yaml');
        fs.symlinkSync(fifo, f);
        return f;
      },
      says: /is not a regular file/,
    },
    {
      title: 'a 92 MB manifest',
      make: (d) => {
        const f = path.join(d, 'agents/huge.agent.yaml');
        sparse(f, 92 * 1024 * 1024);
        return f;
      },
      says: /is 92\.0 MiB, over the 1\.0 MiB limit for YAML files \(1,048,576 bytes\)/,
    },
    {
      title: 'a 1.9 GB sparse module',
      make: (d) => {
        const f = path.join(d, 'agents/huge.wasm');
        sparse(f, 1_900_000_000);
        return f;
      },
      says: /is 1812\.0 MiB, over the 16\.0 MiB limit for WebAssembly modules \(16,777,216 bytes\)/,
    },
  ];

  for (const c of cases) {
    it(`${c.title}: refused from stat, by the guard and by a read`, () => {
      const file = c.make(dir);
      const check = checkWorkspaceFile(dir, file);
      assert.equal(check.ok, false);
      assert.match((check as { reason: string }).reason, c.says);
      assert.ok((check as { reason: string }).reason.startsWith(file), 'names the file');
      const read = readWorkspaceFile(dir, file);
      assert.equal(read.ok, false, 'never read');
    });
  }

  it('a manifest naming each of them as its module: loadWorkspace and startSession refuse it, naming the manifest and the reason', async () => {
    for (const c of cases.filter((x) => !x.title.includes('manifest'))) c.make(dir);
    writeFiles(dir, {
      'agents/a.agent.yaml': 'name: a\nmodule: dir.wasm\n',
      'agents/b.agent.yaml': 'name: b\nmodule: huge.wasm\n',
    });
    const ws = await loadWorkspace(dir, { build: false });
    assert.deepEqual(
      ws.agents.map((a) => a.manifest.name),
      ['ok'],
    );
    const byFile = (name: string) => ws.problems.find((p) => p.file === path.join(dir, 'agents', name));
    assert.match(byFile('a.agent.yaml')?.message ?? '', /module 'dir\.wasm' cannot be used: .*is a folder, not a file/);
    assert.match(
      byFile('b.agent.yaml')?.message ?? '',
      /module 'huge\.wasm' cannot be used: .*over the 16\.0 MiB limit for WebAssembly modules/,
    );
    assert.match(byFile('link.agent.yaml')?.message ?? '', /cannot read: .*is not a regular file/);
    await assert.rejects(
      startSession({ folder: dir, workers: 1 }),
      (e: Error) => e instanceof WorkspaceError && /a\.agent\.yaml:2:9: error: module 'dir\.wasm' cannot be used/.test(e.message),
    );
  });

  it('caxton validate reports each with file:line:col and a code, and goes on', async () => {
    for (const c of cases) c.make(dir);
    const r = await validateFiles([dir], { cwd: dir });
    for (const name of ['agents/fifo.agent.yaml', 'agents/link.agent.yaml', 'agents/huge.agent.yaml']) {
      assert.ok(
        r.lines.some((l) => l.startsWith(`${name}:1:1: error: cannot read: `) && l.endsWith('[io-error]')),
        `${name}: ${r.lines.join('\n')}`,
      );
    }
    assert.ok(!r.lines.some((l) => /EISDIR|internal error/.test(l)), r.lines.join('\n'));
  });

  it("the language service's scenario lookup says why a referenced file cannot be used", () => {
    const fifo = path.join(dir, 'in.fipa.json');
    execFileSync('mkfifo', [fifo]);
    fs.mkdirSync(path.join(dir, 'folder.fipa.json'));
    const ls = getLanguageService({ workspace: new WorkspaceIndex(), files: createFileLookup(() => dir) });
    const text = 'scenario:\n  name: s\n  messages:\n    - file: in.fipa.json\n    - file: folder.fipa.json\n';
    const diags = ls.doValidation(TextDocument.create(pathToFileURL(path.join(dir, 's.scenario.yaml')).href, 'yaml', 1, text));
    assert.deepEqual(
      diags.map((d) => [d.code, d.range.start.line]),
      [
        ['refused-file', 3],
        ['refused-file', 4],
      ],
    );
    assert.match(String(diags[0].message), /message file 'in\.fipa\.json' cannot be used: .*is not a regular file/);
    assert.match(String(diags[1].message), /is a folder, not a file/);
  });
});
