/** Bad input never crashes or hangs the service, and every diagnostic range lies inside the document. */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { doc, service } from './helpers';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';

function assertInside(d: TextDocument, diags: Diagnostic[]): void {
  const length = d.getText().length;
  for (const x of diags) {
    const s = d.offsetAt(x.range.start),
      e = d.offsetAt(x.range.end);
    assert.ok(s >= 0 && s <= e && e <= length, `${String(x.code)} ${JSON.stringify(x.range)} outside a ${length}-char document`);
    // offsetAt clamps, so also check the positions round-trip (no line or column past the end).
    assert.deepEqual(d.positionAt(s), x.range.start);
    assert.deepEqual(d.positionAt(e), x.range.end);
  }
}

/** Runs every feature at a few positions; none may throw. */
function exercise(name: string, text: string): Diagnostic[] {
  const ls = service(['alice']);
  const d = doc(name, text);
  const diags = ls.doValidation(d);
  assertInside(d, diags);
  for (const offset of [0, Math.floor(text.length / 2), text.length]) {
    const at = d.positionAt(offset);
    ls.doComplete(d, at);
    ls.doHover(d, at);
    ls.findDefinition(d, at);
    ls.findReferences(d, at, true);
  }
  ls.findDocumentSymbols(d);
  ls.doCodeActions(d, { start: d.positionAt(0), end: d.positionAt(text.length) }, { diagnostics: [] });
  return diags;
}

describe('language service robustness', () => {
  const message =
    '{"performative": "request", "sender": "alice", "receiver": "bob", "conversation_id": "c", "content": {"a": [1, 2, {"b": "c"}]}}';
  it('truncated JSON at every length still yields in-document diagnostics', () => {
    for (let i = 0; i <= message.length; i++) exercise('m.fipa.json', message.slice(0, i));
  });
  it('binary garbage', () => {
    let seed = 7;
    const bytes = Array.from({ length: 20000 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return String.fromCharCode(seed % 256);
    }).join('');
    for (const name of ['g.fipa.json', 'g.pipeline.yaml', 'g.agent.yaml']) exercise(name, bytes);
  });
  it('a 10 MB message gets the content-size warning, not a hang', () => {
    const big = `{"performative": "inform", "sender": "bob", "receiver": "alice", "conversation_id": "c", "content": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    const diags = exercise('big.fipa.json', big);
    assert.deepEqual(
      diags.map((d) => d.code),
      ['content-too-large'],
    );
  });
  it('a 10 MB YAML file is refused quickly with a note, not parsed for seconds', () => {
    let text = 'pipeline:\n  name: p\n  stages:\n';
    while (text.length < 10 * 1024 * 1024) text += `    - agent: a${text.length}\n`;
    assert.deepEqual(
      exercise('big.pipeline.yaml', text).map((d) => d.code),
      ['file-too-large'],
    );
  });
  it('a 10 MB conversation of millions of wrong items is cut, with at most 1000 diagnostics', () => {
    const diags = exercise('many.fipa.json', `[${'1,'.repeat(5 * 1024 * 1024)}1]`);
    assert.equal(diags.length, 1000);
    assert.equal(diags[0].code, 'wrong-type');
    assert.equal(diags[999].code, 'file-too-large');
  });
  it('10,000-deep nesting in JSON and YAML (arrays, objects, block maps)', () => {
    const n = 10000;
    assert.deepEqual(
      exercise('d.fipa.json', '['.repeat(n) + ']'.repeat(n)).map((d) => d.code),
      ['nesting-too-deep'],
    );
    assert.deepEqual(
      exercise('d.fipa.json', '{"a":'.repeat(n) + '1' + '}'.repeat(n)).map((d) => d.code),
      ['nesting-too-deep'],
    );
    assert.deepEqual(
      exercise('d.pipeline.yaml', '['.repeat(n) + ']'.repeat(n)).map((d) => d.code),
      ['nesting-too-deep'],
    );
    assert.deepEqual(
      exercise('d.pipeline.yaml', '{a: '.repeat(n) + '1' + '}'.repeat(n)).map((d) => d.code),
      ['nesting-too-deep'],
    );
    let block = '';
    for (let i = 0; i < 1000; i++) block += `${' '.repeat(i)}a:\n`;
    assert.ok(exercise('d.agent.yaml', block).some((d) => d.code === 'nesting-too-deep'));
    // 10,000 levels of block indentation is a 50 MB file: refused by size before any parsing.
    let deepBlock = '';
    for (let i = 0; i < 10000; i++) deepBlock += `${' '.repeat(i)}a:\n`;
    assert.deepEqual(
      exercise('d.agent.yaml', deepBlock).map((d) => d.code),
      ['file-too-large'],
    );
  });
  it('nesting just under the parser limit is cut at the tree limit', () => {
    const diags = exercise('d.fipa.json', '['.repeat(300) + ']'.repeat(300));
    assert.ok(diags.some((d) => d.code === 'nesting-too-deep'));
  });
  it('random text never throws and keeps ranges inside (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom('m.fipa.json', 'p.pipeline.yaml', 'a.agent.yaml', 's.scenario.yaml'),
        (text, name) => {
          exercise(name, text);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('mutated valid files never throw (property)', () => {
    fc.assert(
      fc.property(fc.nat(message.length), fc.string({ maxLength: 5 }), (at, insert) => {
        exercise('m.fipa.json', message.slice(0, at) + insert + message.slice(at));
      }),
      { numRuns: 300 },
    );
  });
});
