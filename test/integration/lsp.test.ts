/** Spawns the bundled server (`node <dist>/server.js --stdio`) and speaks real LSP to it over stdio. */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ExecuteCommandRequest,
  ReferencesRequest,
  ShutdownRequest,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { distDir } from '../support/paths';
import { LSP_METHODS, SERVER_COMMANDS, type RescanWorkspaceResult, type WorkspaceIndexedParams } from '../../schemas/protocol/lsp';

describe('language server over stdio (LSP)', function () {
  let child: ChildProcess;
  let conn: ProtocolConnection;
  let stderr = '';
  let root: string;
  const published: PublishDiagnosticsParams[] = [];
  const waiters: Array<() => void> = [];
  let indexed: Promise<WorkspaceIndexedParams>;

  /** Resolves with the first publishDiagnostics for `uri` (at `version`, if given) that satisfies `ok`. */
  function diagnosticsFor(uri: string, ok: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching diagnostics for ${uri}; got ${JSON.stringify(published.filter((p) => p.uri === uri).map((p) => p.diagnostics.map((d) => d.code)))}; stderr: ${stderr}`,
            ),
          ),
        20000,
      );
      const check = () => {
        const hit = [...published].reverse().find((p) => p.uri === uri);
        if (hit && ok(hit.diagnostics)) {
          clearTimeout(timer);
          resolve(hit.diagnostics);
          return true;
        }
        return false;
      };
      if (!check())
        waiters.push(() => {
          check();
        });
    });
  }

  before(async () => {
    const server = path.join(distDir, 'server.js');
    assert.ok(fs.existsSync(server), `${server} missing: run node esbuild.mjs first`);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-lsp-'));
    fs.mkdirSync(path.join(root, 'agents'));
    fs.writeFileSync(path.join(root, 'agents', 'alice.agent.yaml'), 'name: alice\nmodule: alice.wasm\n');
    fs.writeFileSync(path.join(root, 'agents', 'bob.agent.yaml'), 'name: bob\nmodule: bob.wasm\n');
    child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      published.push(p);
      for (const w of waiters) w();
    });
    indexed = new Promise((resolve) => conn.onNotification(LSP_METHODS.workspaceIndexed, (p: WorkspaceIndexedParams) => resolve(p)));
    conn.listen();
    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: `file://${root}`,
      capabilities: {},
      workspaceFolders: [{ uri: `file://${root}`, name: 'ws' }],
    });
    assert.ok(init.capabilities.hoverProvider && init.capabilities.completionProvider && init.capabilities.codeActionProvider);
    await conn.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    try {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
    } catch {
      /* already gone */
    }
    conn.dispose();
    child.kill();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const uri = () => `file://${root}/hello.fipa.json`;
  const text = '{\n  "performative": "acept_proposal",\n  "sender": "alice",\n  "receiver": "bobb"\n}';

  it('indexes the workspace manifests', async () => {
    const p = await indexed;
    assert.deepEqual(p.agents, ['alice', 'bob']);
  });

  it('publishes diagnostics on didOpen, with exact ranges', async () => {
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uri(), languageId: 'json', version: 1, text },
    });
    const diags = await diagnosticsFor(uri(), (d) => d.some((x) => x.code === 'unknown-agent'));
    const byCode = Object.fromEntries(diags.map((d) => [d.code, d]));
    assert.deepEqual(Object.keys(byCode).sort(), ['bad-enum', 'missing-conversation-id', 'unknown-agent']);
    assert.deepEqual(byCode['bad-enum'].range, { start: { line: 1, character: 18 }, end: { line: 1, character: 34 } });
    assert.equal(byCode['bad-enum'].source, 'caxton');
    assert.deepEqual(byCode['unknown-agent'].range, { start: { line: 3, character: 14 }, end: { line: 3, character: 20 } });
  });

  it('completes performatives', async () => {
    const list = (await conn.sendRequest(CompletionRequest.type, {
      textDocument: { uri: uri() },
      position: { line: 1, character: 20 },
    })) as CompletionList;
    assert.ok(list.items.some((i) => i.label === 'accept_proposal'));
  });

  it('hovers with the FIPA meaning of a field', async () => {
    const h = (await conn.sendRequest(HoverRequest.type, { textDocument: { uri: uri() }, position: { line: 2, character: 5 } })) as Hover;
    assert.match(JSON.stringify(h.contents), /agent that sends the message/);
  });

  it('offers quick fixes for the diagnostics', async () => {
    const diags = await diagnosticsFor(uri(), () => true);
    const actions = await conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri() },
      range: { start: { line: 0, character: 0 }, end: { line: 4, character: 1 } },
      context: { diagnostics: diags },
    });
    const titles = (actions ?? []).map((a) => a.title).sort();
    assert.deepEqual(
      titles.map((t) => t.replace(/"conv-[a-z0-9]+"/, '"conv-?"')),
      ['Add conversation_id "conv-?"', "Change 'acept_proposal' to 'accept_proposal'", "Change 'bobb' to 'bob'"],
    );
  });

  it('goes to the definition of an agent in its manifest', async () => {
    const locs = (await conn.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uri() },
      position: { line: 2, character: 15 },
    })) as Location[];
    assert.equal(locs.length, 1);
    assert.ok(locs[0].uri.endsWith('/agents/alice.agent.yaml'));
    assert.deepEqual(locs[0].range, { start: { line: 0, character: 6 }, end: { line: 0, character: 11 } });
  });

  it('finds references and symbols', async () => {
    const refs = (await conn.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: uri() },
      position: { line: 2, character: 15 },
      context: { includeDeclaration: true },
    })) as Location[];
    assert.equal(refs.length, 2);
    const symbols = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uri() } })) as DocumentSymbol[];
    assert.equal(symbols[0].children?.[0].name, 'acept_proposal alice → bobb');
  });

  it('re-validates on didChange', async () => {
    const fixed = '{\n  "performative": "accept_proposal",\n  "sender": "alice",\n  "receiver": "bob",\n  "conversation_id": "c1"\n}';
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uri(), version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const diags = await diagnosticsFor(uri(), (d) => d.length === 0);
    assert.deepEqual(diags, []);
  });

  it('applies settings sent with didChangeConfiguration', async () => {
    const small = `file://${root}/small.fipa.json`;
    const body = '{"performative": "inform", "sender": "alice", "receiver": "bob", "conversation_id": "c", "content": "0123456789abcdef"}';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: small, languageId: 'json', version: 1, text: body },
    });
    await diagnosticsFor(small, (d) => d.length === 0);
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { caxton: { maxContentBytes: 8 } } });
    const d = await diagnosticsFor(small, (x) => x.length > 0);
    assert.deepEqual(
      d.map((x) => x.code),
      ['content-too-large'],
    );
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { caxton: { validation: { enable: false } } } });
    await diagnosticsFor(small, (x) => x.length === 0);
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { caxton: {} } });
  });

  it('picks up manifests created on disk (watched files and rescan)', async () => {
    const m = `file://${root}/to-carol.fipa.json`;
    const body = '{"performative": "inform", "sender": "alice", "receiver": "carol", "conversation_id": "c"}';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: m, languageId: 'json', version: 1, text: body },
    });
    await diagnosticsFor(m, (d) => d.some((x) => x.code === 'unknown-agent'));
    fs.writeFileSync(path.join(root, 'agents', 'carol.agent.yaml'), 'name: carol\nmodule: carol.wasm\n');
    await conn.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: `file://${root}/agents/carol.agent.yaml`, type: FileChangeType.Created }],
    });
    await diagnosticsFor(m, (d) => d.length === 0);
    fs.writeFileSync(path.join(root, 'agents', 'dave.agent.yaml'), 'name: dave\nmodule: dave.wasm\n');
    const rescan = (await conn.sendRequest(LSP_METHODS.rescanWorkspace)) as RescanWorkspaceResult;
    assert.deepEqual(rescan.agents, ['alice', 'bob', 'carol', 'dave']);
  });

  it('caxton.server.revalidate rescans the disk for a client without file watching (new manifest, new file, deleted manifest)', async () => {
    const s = `file://${root}/later.scenario.yaml`;
    const m = `file://${root}/to-frank.fipa.json`;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri: s,
        languageId: 'yaml',
        version: 1,
        text: 'scenario:\n  name: later\n  messages:\n    - file: later.fipa.json\n',
      },
    });
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri: m,
        languageId: 'json',
        version: 1,
        text: '{"performative": "inform", "sender": "alice", "receiver": "frank", "conversation_id": "c"}',
      },
    });
    await diagnosticsFor(s, (d) => d.some((x) => x.code === 'missing-file'));
    await diagnosticsFor(m, (d) => d.some((x) => x.code === 'unknown-agent'));
    // Created on disk; this client (capabilities: {}) sends no didChangeWatchedFiles.
    fs.writeFileSync(path.join(root, 'agents', 'frank.agent.yaml'), 'name: frank\nmodule: frank.wasm\n');
    fs.writeFileSync(
      path.join(root, 'later.fipa.json'),
      '{"performative": "inform", "sender": "alice", "receiver": "bob", "conversation_id": "l"}\n',
    );
    await conn.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.revalidate });
    await diagnosticsFor(s, (d) => d.length === 0);
    await diagnosticsFor(m, (d) => d.length === 0);
    fs.rmSync(path.join(root, 'agents', 'frank.agent.yaml'));
    await conn.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.revalidate });
    await diagnosticsFor(m, (d) => d.some((x) => x.code === 'unknown-agent'));
  });

  it('re-checks open files when an open manifest declares a new agent', async () => {
    const m = `file://${root}/to-erin.fipa.json`;
    const body = '{"performative": "inform", "sender": "alice", "receiver": "erin", "conversation_id": "c"}';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: m, languageId: 'json', version: 1, text: body },
    });
    await diagnosticsFor(m, (d) => d.some((x) => x.code === 'unknown-agent'));
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri: `file://${root}/agents/erin.agent.yaml`,
        languageId: 'yaml',
        version: 1,
        text: 'name: erin\nmodule: erin.wasm\n',
      },
    });
    await diagnosticsFor(m, (d) => d.length === 0);
    // Typed in the open manifest: the index follows the edit (when its debounce fires) and the other file is re-checked.
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: `file://${root}/agents/erin.agent.yaml`, version: 2 },
      contentChanges: [{ text: 'name: erina\nmodule: erin.wasm\n' }],
    });
    await diagnosticsFor(m, (d) => d.some((x) => x.code === 'unknown-agent' && /did you mean 'erina'/.test(x.message)));
  });

  it('survives hostile input and keeps answering', async () => {
    const deep = `file://${root}/deep.fipa.json`;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: deep, languageId: 'json', version: 1, text: '['.repeat(10000) + ']'.repeat(10000) },
    });
    const d = await diagnosticsFor(deep, (x) => x.length > 0);
    assert.deepEqual(
      d.map((x) => x.code),
      ['nesting-too-deep'],
    );
    const garbage = `file://${root}/garbage.pipeline.yaml`;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: garbage, languageId: 'yaml', version: 1, text: '\u0000\u0001{[: - ]]\n\t- : :' },
    });
    await diagnosticsFor(garbage, (x) => x.length > 0);
    const h = (await conn.sendRequest(HoverRequest.type, { textDocument: { uri: uri() }, position: { line: 1, character: 22 } })) as Hover;
    assert.match(JSON.stringify(h.contents), /accept/);
    const big = `file://${root}/big.fipa.json`;
    const huge = `{"performative": "inform", "sender": "alice", "receiver": "bob", "conversation_id": "c", "content": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: big, languageId: 'json', version: 1, text: huge },
    });
    assert.deepEqual(
      (await diagnosticsFor(big, (x) => x.length > 0)).map((x) => x.code),
      ['content-too-large'],
    );
    assert.equal(child.exitCode, null, 'the server is still running');
  });
});
