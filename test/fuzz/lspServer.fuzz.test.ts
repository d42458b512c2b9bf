/**
 * The real bundled language server (dist/server.js over stdio) fed hostile documents: mutated Caxton files opened,
 * changed and queried (completion, hover, symbols, code actions) at random places. A request may fail with an
 * error response (a bug in a handler), but the server process must never die and must keep answering, and every
 * published diagnostic must lie inside its document.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import {
  CodeActionRequest,
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  MessageType,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { distDir } from '../support/paths';
import { removeTemp, tempDir } from '../security/securityFixtures';
import { fuzzSeed, longMode } from './fuzzConfig';
import { mutatedSeed, oddLineBreaks, seedFiles } from './textMutators';

const DOCS = longMode() ? 3000 : 300;

describe('fuzz: the language server process survives hostile documents over stdio', function () {
  this.timeout(300_000);
  let child: ChildProcess;
  let conn: ProtocolConnection;
  let root: string;
  let exited: { code: number | null; signal: string | null } | undefined;
  const published: PublishDiagnosticsParams[] = [];
  const tally = { docs: 0, changes: 0, requests: 0, errors: 0, caught: 0, diagnostics: 0 };
  const errorKinds = new Map<string, number>();

  before(async () => {
    const server = path.join(distDir, 'server.js');
    assert.ok(fs.existsSync(server), `${server} missing: run node esbuild.mjs first`);
    root = tempDir('lspfuzz');
    fs.writeFileSync(path.join(root, 'alice.agent.yaml'), 'name: alice\nmodule: alice.wasm\n');
    child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr?.resume();
    child.once('exit', (code, signal) => {
      exited = { code, signal };
    });
    conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      published.push(p);
    });
    // The handlers catch a failing feature, log it and answer a fallback: count those as caught errors, by first line.
    conn.onNotification(LogMessageNotification.type, (m) => {
      if (m.type !== MessageType.Error) return;
      tally.caught++;
      const key = m.message
        .split('\n')[0]
        .replace(/[0-9]+/g, 'N')
        .slice(0, 90);
      errorKinds.set(key, (errorKinds.get(key) ?? 0) + 1);
    });
    conn.listen();
    await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: `file://${root}`,
      capabilities: {},
      workspaceFolders: [{ uri: `file://${root}`, name: 'ws' }],
    });
    await conn.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    try {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
    } catch {
      /* gone already: the test says so */
    }
    conn.dispose();
    if (child.exitCode === null && child.signalCode === null) child.kill();
    removeTemp(root);
    const kinds = [...errorKinds].map(([k, n]) => `${n}x ${k}`).join('; ');
    console.log(
      `      [fuzz] language server (stdio): ${tally.docs} documents, ${tally.changes} changes, ${tally.requests} requests, ${tally.errors} error responses, ${tally.caught} feature errors caught and logged by the server${kinds ? ` (${kinds})` : ''}; ${tally.diagnostics} diagnostics published; process crashes 0`,
    );
  });

  /** Send a request; an error response is counted (by its first line), never fatal. */
  async function ask<R>(send: () => Promise<R>): Promise<void> {
    tally.requests++;
    try {
      await send();
    } catch (e) {
      tally.errors++;
      const key = String((e as Error).message)
        .split('\n')[0]
        .replace(/[0-9]+/g, 'N')
        .slice(0, 90);
      errorKinds.set(key, (errorKinds.get(key) ?? 0) + 1);
    }
  }

  it(`${DOCS} hostile documents: the server stays up and answers`, async () => {
    const seeds = seedFiles();
    const docs = fc.sample(fc.oneof(mutatedSeed(seeds), oddLineBreaks(seeds)), { numRuns: DOCS, seed: fuzzSeed() + 11 });
    const at = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: DOCS * 3, seed: fuzzSeed() + 12 });
    const texts = new Map<string, string>();
    const versions = new Map<string, string>();
    for (let i = 0; i < docs.length; i++) {
      const { name, text } = docs[i];
      const uri = `file://${root}/d${i % 40}/${name}`;
      const languageId = name.endsWith('.json') ? 'json' : 'yaml';
      // Reopen or change: the server's document store and caches see both paths.
      if (!texts.has(uri)) {
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: i, text } });
        tally.docs++;
      } else {
        await conn.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version: i },
          contentChanges: [{ text }],
        });
        tally.changes++;
      }
      texts.set(uri, text);
      versions.set(`${uri}@${i}`, text);
      const doc = TextDocument.create(uri, languageId, i, text);
      // Complete right after an odd line break when there is one (where line-based code trips), else anywhere.
      const odd = /[\r\u0085\u2028\u2029]/.exec(text);
      const position = doc.positionAt(odd && at[i * 3] < 0.5 ? odd.index + 1 : Math.floor(at[i * 3] * (text.length + 1)));
      await Promise.all([
        ask(() => conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })),
        ask(() =>
          conn.sendRequest(HoverRequest.type, {
            textDocument: { uri },
            position: doc.positionAt(Math.floor(at[i * 3 + 1] * (text.length + 1))),
          }),
        ),
        ask(() => conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })),
        ask(() =>
          conn.sendRequest(CodeActionRequest.type, {
            textDocument: { uri },
            range: { start: doc.positionAt(0), end: doc.positionAt(text.length) },
            context: { diagnostics: [] },
          }),
        ),
      ]);
      assert.equal(exited, undefined, `the server died after document ${i} (${name}): ${JSON.stringify(exited)}`);
    }
    // Still alive and answering a plain request on a plain document.
    const okUri = `file://${root}/final.fipa.json`;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri: okUri,
        languageId: 'json',
        version: 1,
        text: '{"performative": "inform", "sender": "alice", "receiver": "alice"}',
      },
    });
    const symbols = await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: okUri } });
    assert.ok(Array.isArray(symbols));
    assert.equal(exited, undefined);
    // A feature that threw is caught and logged by the server (the user sees nothing); it is still a bug.
    assert.equal(tally.caught, 0, `features threw inside the server: ${[...errorKinds].map(([k, n]) => `${n}x ${k}`).join('; ')}`);
    // Every published diagnostic lies inside the text of the version it was computed for (debouncing may skip some).
    await new Promise((r) => setTimeout(r, 500));
    for (const p of published) {
      const text = p.version === undefined || p.version === null ? undefined : versions.get(`${p.uri}@${p.version}`);
      if (text === undefined) continue;
      const doc = TextDocument.create(p.uri, 'x', 0, text);
      tally.diagnostics += p.diagnostics.length;
      for (const d of p.diagnostics) {
        for (const pos of [d.range.start, d.range.end]) {
          assert.ok(pos.line < doc.lineCount, `${p.uri}: diagnostic line ${pos.line} past ${doc.lineCount} lines`);
          assert.deepEqual(doc.positionAt(doc.offsetAt(pos)), pos, `${p.uri}: diagnostic position ${JSON.stringify(pos)} past its line`);
        }
      }
    }
  });
});
