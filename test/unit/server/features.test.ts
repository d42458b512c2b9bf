/** Completion, hover, quick fixes, definition, references and symbols of the pure language service. */
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CompletionItem, Position, TextEdit } from 'vscode-languageserver-types';
import { doc, lines, service } from './helpers';

/** The text with a `|` cursor removed, and the cursor's position. */
function cursor(name: string, textWithBar: string): { d: TextDocument; at: Position } {
  const offset = textWithBar.indexOf('|');
  const d = doc(name, textWithBar.slice(0, offset) + textWithBar.slice(offset + 1));
  return { d, at: d.positionAt(offset) };
}
const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const apply = (d: TextDocument, a: CodeAction) => TextDocument.applyEdits(d, (a.edit?.changes?.[d.uri] ?? []) as TextEdit[]);

describe('language service features', () => {
  describe('completion', () => {
    const cases: Array<{ name: string; file: string; text: string; has: string[]; lacks?: string[] }> = [
      {
        name: 'message keys, minus those present',
        file: 'm.fipa.json',
        text: '{ "sender": "alice", | }',
        has: ['performative', 'receiver', 'conversation_id', 'reply_by'],
        lacks: ['sender'],
      },
      {
        name: 'performatives',
        file: 'm.fipa.json',
        text: '{ "performative": "|" }',
        has: ['accept_proposal', 'cfp', 'query', 'request_whenever'],
      },
      {
        name: 'receiver: agents, broadcast and topics seen',
        file: 'm.fipa.json',
        text: '{ "receiver": "|" }',
        has: ['alice', 'bob', 'broadcast', 'topic://events/alice'],
      },
      {
        name: 'protocol names',
        file: 'm.fipa.json',
        text: '{ "protocol": "|" }',
        has: ['fipa-contract-net', 'fipa-english-auction', 'caxton-saga'],
      },
      {
        name: 'in_reply_to: earlier reply_with values',
        file: 'c.fipa.json',
        text: '[{"reply_with": "q1"}, {"in_reply_to": "|"}]',
        has: ['q1'],
      },
      {
        name: 'pipeline stage keys in YAML',
        file: 'p.pipeline.yaml',
        text: lines('pipeline:', '  name: p', '  stages:', '    - agent: alice', '      |'),
        has: ['action', 'retry', 'circuit_breaker', 'compensation'],
        lacks: ['agent'],
      },
      {
        name: 'pipeline stage agent in YAML',
        file: 'p.pipeline.yaml',
        text: lines('pipeline:', '  name: p', '  stages:', '    - agent: |'),
        has: ['alice', 'bob'],
      },
      {
        name: 'YAML enum values',
        file: 'p.pipeline.yaml',
        text: lines('pipeline:', '  name: p', '  on_failure: |', '  stages: []'),
        has: ['stop', 'compensate', 'continue'],
      },
      {
        name: 'manifest grants in a YAML list',
        file: 'a.agent.yaml',
        text: lines('name: a', 'host_functions:', '  - |'),
        has: ['blackboard_read', 'subscribe'],
      },
      {
        name: 'manifest language values',
        file: 'a.agent.yaml',
        text: lines('name: a', 'language: |', 'module: a.ts'),
        has: ['typescript', 'javascript', 'assemblyscript'],
      },
      {
        name: 'manifest top-level keys',
        file: 'a.agent.yaml',
        text: lines('name: a', 'mod|'),
        has: ['module', 'limits', 'host_functions'],
        lacks: ['name'],
      },
      {
        name: 'manifest nested limits keys',
        file: 'a.agent.yaml',
        text: lines('name: a', 'limits:', '  memory: 16MiB', '  |'),
        has: ['fuel_per_message', 'mailbox'],
        lacks: ['memory', 'module'],
      },
      {
        name: 'nested retry keys in a stage',
        file: 'p.pipeline.yaml',
        text: lines('pipeline:', '  name: p', '  stages:', '    - agent: a', '      retry:', '        |'),
        has: ['max_attempts', 'jitter'],
        lacks: ['agent'],
      },
      { name: 'a half-typed JSON key', file: 'm.fipa.json', text: '{ "perf|" }', has: ['performative'] },
      { name: 'conversation item keys', file: 'c.fipa.json', text: '[{"performative": "inform"}, { | }]', has: ['performative', 'sender'] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { d, at } = cursor(c.file, c.text);
        const got = labels(service(['alice', 'bob']).doComplete(d, at).items);
        for (const h of c.has) assert.ok(got.includes(h), `${h} missing from ${got.join(', ')}`);
        for (const l of c.lacks ?? []) assert.ok(!got.includes(l), `${l} should not be offered`);
      });
    }
    it('over an existing JSON key: replaces the key and keeps one colon', () => {
      const { d, at } = cursor('m.fipa.json', '{ "perf|ormative": "inform" }');
      const item = service()
        .doComplete(d, at)
        .items.find((i) => i.label === 'performative')!;
      const after = TextDocument.applyEdits(d, [item.textEdit as TextEdit]);
      assert.equal(after, '{ "performative": "inform" }');
    });
    it('over an existing YAML key: replaces the key only, its colon and value stay', () => {
      const { d, at } = cursor('a.agent.yaml', lines('name: a', 'mod|le: a.wasm'));
      const item = service()
        .doComplete(d, at)
        .items.find((i) => i.label === 'module')!;
      assert.equal(TextDocument.applyEdits(d, [item.textEdit as TextEdit]), lines('name: a', 'module: a.wasm'));
      const fresh = cursor('a.agent.yaml', lines('name: a', 'mod|'));
      const typed = service()
        .doComplete(fresh.d, fresh.at)
        .items.find((i) => i.label === 'module')!;
      assert.equal(
        TextDocument.applyEdits(fresh.d, [typed.textEdit as TextEdit]),
        lines('name: a', 'module: '),
        'a new key still gets its colon',
      );
    });
    it('documents performatives and inserts quoted JSON', () => {
      const { d, at } = cursor('m.fipa.json', '{ "performative": "|" }');
      const cfp = service()
        .doComplete(d, at)
        .items.find((i) => i.label === 'cfp');
      assert.match(JSON.stringify(cfp?.documentation), /Call for proposals/);
      assert.equal((cfp?.textEdit as TextEdit).newText, '"cfp"');
      assert.deepEqual((cfp?.textEdit as TextEdit).range, { start: { line: 0, character: 18 }, end: { line: 0, character: 20 } });
    });
  });

  describe('hover', () => {
    it('gives the FIPA meaning of a performative', () => {
      const { d, at } = cursor('m.fipa.json', '{ "performative": "accept_pro|posal" }');
      const h = service().doHover(d, at);
      assert.match(JSON.stringify(h?.contents), /accepts the proposal/);
      assert.deepEqual(h?.range, { start: { line: 0, character: 18 }, end: { line: 0, character: 35 } });
    });
    it('gives the FIPA meaning of a field', () => {
      const { d, at } = cursor('m.fipa.json', '{ "in_rep|ly_to": "x" }');
      assert.match(JSON.stringify(service().doHover(d, at)?.contents), /reply_with.*this one answers/);
    });
    it("explains the manifest's language key (TypeScript agents in QuickJS vs AssemblyScript)", () => {
      const { d, at } = cursor('a.agent.yaml', lines('name: a', 'lang|uage: typescript', 'module: a.ts'));
      assert.match(JSON.stringify(service().doHover(d, at)?.contents), /QuickJS sandbox.*caxton-agent.*assemblyscript/);
    });
    it("shows a manifest limit's default from the one limits module", () => {
      const { d, at } = cursor('a.agent.yaml', lines('name: a', 'module: a.wasm', 'limits:', '  mail|box: 10'));
      assert.match(JSON.stringify(service().doHover(d, at)?.contents), /Default: 256\./);
      const mem = cursor('a.agent.yaml', lines('name: a', 'module: a.wasm', 'limits:', '  max_message|_bytes: 2048'));
      assert.match(JSON.stringify(service().doHover(mem.d, mem.at)?.contents), /Default: 1\.0 MiB \(1,048,576 bytes\)/);
    });
    it('describes a pipeline key from the schema', () => {
      const { d, at } = cursor('p.pipeline.yaml', lines('pipeline:', '  name: p', '  on_fai|lure: stop'));
      assert.match(JSON.stringify(service().doHover(d, at)?.contents), /saga/);
    });
    it('names the protocol and the agent manifest', () => {
      const p = cursor('m.fipa.json', '{ "protocol": "fipa-contract|-net" }');
      assert.match(JSON.stringify(service().doHover(p.d, p.at)?.contents), /Contract Net Interaction Protocol/);
      const a = cursor('m.fipa.json', '{ "receiver": ["al|ice"] }');
      assert.match(
        JSON.stringify(service(['alice']).doHover(a.d, a.at)?.contents),
        /declared in file:\/\/\/ws\/agents\/alice\.agent\.yaml/,
      );
    });
    it('every one of the 23 performatives has a meaning', () => {
      const ls = service();
      for (const p of [
        'accept_proposal',
        'agree',
        'cancel',
        'cfp',
        'confirm',
        'disconfirm',
        'failure',
        'inform',
        'inform_if',
        'inform_ref',
        'not_understood',
        'propagate',
        'propose',
        'proxy',
        'query_if',
        'query_ref',
        'refuse',
        'reject_proposal',
        'request',
        'request_when',
        'request_whenever',
        'subscribe',
        'query',
      ]) {
        const d = doc('m.fipa.json', `{"performative": "${p}"}`);
        assert.ok(ls.doHover(d, { line: 0, character: 19 }), p);
      }
    });
  });

  describe('quick fixes', () => {
    const fixCases: Array<{ name: string; file: string; text: string; code: string; after: string }> = [
      {
        name: 'add conversation_id with a fresh id',
        file: 'm.fipa.json',
        text: lines('{', '  "performative": "inform",', '  "sender": "a",', '  "receiver": "b"', '}'),
        code: 'missing-conversation-id',
        after: lines('{', '  "conversation_id": "conv-1",', '  "performative": "inform",', '  "sender": "a",', '  "receiver": "b"', '}'),
      },
      {
        name: 'add reply_with with a fresh id',
        file: 'm.fipa.json',
        text: '{"performative": "request", "sender": "a", "receiver": "b", "conversation_id": "c"}',
        code: 'missing-reply-with',
        after: '{"reply_with": "request-1", "performative": "request", "sender": "a", "receiver": "b", "conversation_id": "c"}',
      },
      {
        name: 'normalise a hyphenated performative',
        file: 'm.fipa.json',
        text: '{"performative": "not-understood", "sender": "a", "receiver": "b", "conversation_id": "c"}',
        code: 'hyphenated-performative',
        after: '{"performative": "not_understood", "sender": "a", "receiver": "b", "conversation_id": "c"}',
      },
      {
        name: 'fix a misspelled performative',
        file: 'm.fipa.json',
        text: '{"performative": "acept_proposal", "sender": "a", "receiver": "b", "conversation_id": "c"}',
        code: 'bad-enum',
        after: '{"performative": "accept_proposal", "sender": "a", "receiver": "b", "conversation_id": "c"}',
      },
      {
        name: 'fix a misspelled protocol',
        file: 'm.fipa.json',
        text: '{"performative": "inform", "sender": "a", "receiver": "b", "conversation_id": "c", "protocol": "fipa-auction-ducth"}',
        code: 'unknown-protocol',
        after: '{"performative": "inform", "sender": "a", "receiver": "b", "conversation_id": "c", "protocol": "fipa-auction-dutch"}',
      },
      {
        name: 'rename a misspelled key',
        file: 'm.fipa.json',
        text: '{"performative": "inform", "sender": "a", "recever": "b", "conversation_id": "c"}',
        code: 'unknown-key',
        after: '{"performative": "inform", "sender": "a", "receiver": "b", "conversation_id": "c"}',
      },
      {
        name: 'fix a misspelled enum in YAML without quotes',
        file: 'p.pipeline.yaml',
        text: lines('pipeline:', '  name: p', '  on_failure: stpo', '  stages: [{agent: a}]'),
        code: 'bad-enum',
        after: lines('pipeline:', '  name: p', '  on_failure: stop', '  stages: [{agent: a}]'),
      },
      {
        name: 'reuse the conversation id of the other messages',
        file: 'c.fipa.json',
        text: '[{"performative": "inform", "sender": "a", "receiver": "b", "conversation_id": "c7"}, {"performative": "inform", "sender": "b", "receiver": "a"}]',
        code: 'missing-conversation-id',
        after:
          '[{"performative": "inform", "sender": "a", "receiver": "b", "conversation_id": "c7"}, {"conversation_id": "c7", "performative": "inform", "sender": "b", "receiver": "a"}]',
      },
    ];
    for (const c of fixCases) {
      it(c.name, () => {
        const ls = service();
        const d = doc(c.file, c.text);
        const diag = ls.doValidation(d).find((x) => x.code === c.code);
        assert.ok(diag, `no ${c.code}`);
        const actions = ls.doCodeActions(d, diag.range, { diagnostics: [diag] });
        assert.equal(actions.length, 1);
        assert.equal(actions[0].kind, 'quickfix');
        assert.equal(apply(d, actions[0]), c.after);
        const fixed = ls.doValidation(doc(c.file, c.after, 2)).filter((x) => x.code === c.code);
        assert.deepEqual(fixed, [], 'the fix removes the diagnostic');
      });
    }
  });

  describe('quick fixes for clients that count columns differently', () => {
    // Neovim 0.7 sends byte columns in context.diagnostics: on a line with non-ASCII text before the squiggle, the
    // client's range is further right than ours (UTF-16), so fixes are matched by code and overlapping line.
    const text = '{"content": "Grüße, 東京 😀", "performative": "acept_proposal", "sender": "a", "receiver": "b", "conversation_id": "c"}';
    const byteColumn = (t: string, utf16: number) => Buffer.byteLength(t.slice(0, utf16), 'utf8');
    it('a diagnostic sent back with byte columns still gets its fix', () => {
      const ls = service();
      const d = doc('m.fipa.json', text);
      const ours = ls.doValidation(d).find((x) => x.code === 'bad-enum')!;
      const bytes = {
        start: { line: 0, character: byteColumn(text, ours.range.start.character) },
        end: { line: 0, character: byteColumn(text, ours.range.end.character) },
      };
      assert.notDeepEqual(bytes, ours.range, 'the non-ASCII text shifts byte columns');
      const actions = ls.doCodeActions(d, bytes, { diagnostics: [{ ...ours, range: bytes }] });
      assert.deepEqual(
        actions.map((a) => a.title),
        ["Change 'acept_proposal' to 'accept_proposal'"],
      );
      assert.match(apply(d, actions[0]), /"performative": "accept_proposal"/);
    });
    it('a fix is not offered for a diagnostic of another code, or on another line', () => {
      const ls = service();
      const d = doc('m.fipa.json', text);
      const ours = ls.doValidation(d).find((x) => x.code === 'bad-enum')!;
      assert.deepEqual(ls.doCodeActions(d, ours.range, { diagnostics: [{ ...ours, code: 'unknown-key' }] }), []);
      const two = doc('m.fipa.json', text.replace(', "performative"', ',\n"performative"'));
      const moved = ls.doValidation(two).find((x) => x.code === 'bad-enum')!;
      const otherLine = { start: { line: 0, character: 1 }, end: { line: 0, character: 2 } };
      assert.deepEqual(ls.doCodeActions(two, otherLine, { diagnostics: [{ ...moved, range: otherLine }] }), []);
    });
  });

  describe('navigation', () => {
    it('goes from an agent name to its manifest name value', () => {
      const { d, at } = cursor('m.fipa.json', '{"receiver": "bo|b"}');
      const locs = service(['alice', 'bob']).findDefinition(d, at);
      assert.deepEqual(locs, [
        { uri: 'file:///ws/agents/bob.agent.yaml', range: { start: { line: 0, character: 6 }, end: { line: 0, character: 9 } } },
      ]);
    });
    it('goes from a pipeline stage agent to its manifest', () => {
      const { d, at } = cursor('p.pipeline.yaml', lines('pipeline:', '  name: p', '  stages:', '    - agent: al|ice'));
      assert.equal(service(['alice']).findDefinition(d, at)[0]?.uri, 'file:///ws/agents/alice.agent.yaml');
    });
    it('finds references across files, with the declaration', () => {
      const ls = service(['alice', 'bob']);
      const m = doc('m.fipa.json', '{"sender": "alice", "receiver": ["bob", "alice"]}');
      const p = doc('p.pipeline.yaml', lines('pipeline:', '  name: p', '  stages:', '    - agent: bob'));
      ls.workspace.update(m.uri, ls.indexDocument(m));
      ls.workspace.update(p.uri, ls.indexDocument(p));
      const refs = ls.findReferences(m, { line: 0, character: 36 }, true);
      assert.deepEqual(
        refs.map((r) => `${r.uri.split('/').pop()}:${r.range.start.line}:${r.range.start.character}`),
        ['bob.agent.yaml:0:6', 'm.fipa.json:0:33', 'p.pipeline.yaml:3:13'],
      );
    });
  });

  describe('document symbols', () => {
    it('groups a conversation file by conversation_id', () => {
      const d = doc(
        'c.fipa.json',
        lines(
          '[',
          '{"performative": "request", "sender": "a", "receiver": "b", "conversation_id": "c1"},',
          '{"performative": "agree", "sender": "b", "receiver": "a", "conversation_id": "c1"},',
          '{"performative": "inform", "sender": "x", "receiver": ["y", "z"], "conversation_id": "c2"}',
          ']',
        ),
      );
      const s = service().findDocumentSymbols(d);
      assert.deepEqual(
        s.map((x) => [x.name, x.children?.map((c) => c.name)]),
        [
          ['c1', ['request a → b', 'agree b → a']],
          ['c2', ['inform x → y, z']],
        ],
      );
      assert.deepEqual(s[0].range, { start: { line: 1, character: 0 }, end: { line: 2, character: 82 } });
    });
    it('lists pipeline stages and parallel branches', () => {
      const d = doc(
        'p.pipeline.yaml',
        lines(
          'pipeline:',
          '  name: orders',
          '  stages:',
          '    - agent: a',
          '      action: x',
          '    - name: fan',
          '      parallel:',
          '        branches: [{agent: b}, {agent: c}]',
        ),
      );
      const [p] = service().findDocumentSymbols(d);
      assert.equal(p.name, 'orders');
      assert.deepEqual(
        p.children?.map((c) => [c.name, c.detail, c.children?.map((b) => b.name)]),
        [
          ['a', 'x', []],
          ['fan', '2 branches', ['b', 'c']],
        ],
      );
    });
  });
});
