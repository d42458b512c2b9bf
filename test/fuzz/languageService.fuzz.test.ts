/**
 * Property tests for the language service: random and mutated documents never make it throw, and everything it
 * returns (diagnostics, completion edits, hovers, symbols, quick-fix edits, index entries) points inside the
 * document. CI: DEFAULT_LS_RUNS inputs with a fixed seed; CAXTON_FUZZ_RUNS=200000 npm run test:fuzz for more.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, DocumentSymbol, Position, Range } from 'vscode-languageserver-types';
import { getLanguageService, WorkspaceIndex, type LanguageService } from '../../server/service/languageService';
import { DEFAULT_LS_RUNS, fuzzRuns, fuzzSeed, split } from './fuzzConfig';
import { mutatedSeed, oddLineBreaks, randomDocument, seedFiles, type Seed } from './textMutators';

/** A service that knows two agents and a topic, so cross-file rules (unknown agent, topics) run too. */
function makeService(): LanguageService {
  let n = 0;
  const ls = getLanguageService({ workspace: new WorkspaceIndex(), newId: (p) => `${p}-${++n}` });
  for (const a of ['alice', 'calculator']) {
    const d = TextDocument.create(
      `file:///ws/agents/${a}.agent.yaml`,
      'yaml',
      1,
      `name: ${a}\nmodule: ${a}.wasm\nsubscriptions: [topic://events/${a}]\nhost_functions: [subscribe]\n`,
    );
    ls.workspace.update(d.uri, ls.indexDocument(d));
  }
  return ls;
}

/** A position is valid when it names a real line and a character within it (it round-trips through offsets). */
function assertPosition(d: TextDocument, p: Position, what: string): void {
  assert.ok(
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0,
    `${what}: ${JSON.stringify(p)} is not a position`,
  );
  assert.ok(p.line < d.lineCount, `${what}: line ${p.line} past the ${d.lineCount}-line document`);
  assert.deepEqual(d.positionAt(d.offsetAt(p)), p, `${what}: ${JSON.stringify(p)} is past the end of its line`);
}

/** 0 <= start <= end <= length, with both ends valid positions. */
function assertRange(d: TextDocument, r: Range, what: string): void {
  assertPosition(d, r.start, `${what} start`);
  assertPosition(d, r.end, `${what} end`);
  const s = d.offsetAt(r.start),
    e = d.offsetAt(r.end);
  assert.ok(
    s >= 0 && s <= e && e <= d.getText().length,
    `${what}: ${JSON.stringify(r)} (offsets ${s}..${e}) outside a ${d.getText().length}-char document`,
  );
}

function contains(d: TextDocument, outer: Range, inner: Range): boolean {
  return d.offsetAt(outer.start) <= d.offsetAt(inner.start) && d.offsetAt(inner.end) <= d.offsetAt(outer.end);
}

function assertSymbols(d: TextDocument, symbols: DocumentSymbol[], parent?: DocumentSymbol): void {
  for (const s of symbols) {
    assertRange(d, s.range, `symbol ${s.name} range`);
    assertRange(d, s.selectionRange, `symbol ${s.name} selectionRange`);
    // VS Code rejects a symbol whose selectionRange is not inside its range.
    assert.ok(
      contains(d, s.range, s.selectionRange),
      `symbol ${s.name}: selectionRange ${JSON.stringify(s.selectionRange)} not inside ${JSON.stringify(s.range)}`,
    );
    if (parent) assert.ok(contains(d, parent.range, s.range), `symbol ${s.name} lies outside its parent ${parent.name}`);
    assertSymbols(d, s.children ?? [], s);
  }
}

let version = 0;
const tally = { inputs: 0, diagnostics: 0, completions: 0, hovers: 0, actions: 0, fixesApplied: 0, symbols: 0, chars: 0 };

/** Run every feature on one document at the given relative positions; assert all answers lie inside it. */
function exercise(ls: LanguageService, input: Seed, at: readonly number[]): void {
  tally.inputs++;
  tally.chars += input.text.length;
  const d = TextDocument.create(`file:///ws/fuzz/${input.name}`, input.name.endsWith('.json') ? 'json' : 'yaml', ++version, input.text);
  const diags: Diagnostic[] = ls.doValidation(d);
  tally.diagnostics += diags.length;
  for (const x of diags) assertRange(d, x.range, `diagnostic ${String(x.code)}`);
  // Random places, plus one inside a word (keys, values, agent names), where hover and definition have work to do.
  const offsets = at.map((f) => Math.floor(f * (input.text.length + 1)));
  const words = [...input.text.slice(0, 20_000).matchAll(/[A-Za-z_][\w-]*/g)];
  if (words.length && at.length) offsets.push(words[Math.min(words.length - 1, Math.floor(at[0] * words.length))].index + 1);
  for (const offset of offsets) {
    const pos = d.positionAt(offset);
    const list = ls.doComplete(d, pos);
    tally.completions += list.items.length;
    for (const item of list.items) {
      if (!item.textEdit || !('range' in item.textEdit)) continue;
      assertRange(d, item.textEdit.range, `completion ${item.label}`);
    }
    const h = ls.doHover(d, pos);
    if (h) {
      tally.hovers++;
      if (h.range) assertRange(d, h.range, 'hover');
    }
    ls.findDefinition(d, pos);
    ls.findReferences(d, pos, true);
  }
  const whole = { start: d.positionAt(0), end: d.positionAt(input.text.length) };
  const actions = ls.doCodeActions(d, whole, { diagnostics: diags });
  tally.actions += actions.length;
  for (const a of actions) {
    for (const edits of Object.values(a.edit?.changes ?? {})) {
      for (const e of edits) assertRange(d, e.range, `quick fix "${a.title}"`);
    }
  }
  // Applying a quick fix gives a new document the service must handle as well.
  const first = actions.find((a) => a.edit?.changes?.[d.uri]?.length);
  if (first) {
    const fixed = TextDocument.applyEdits(d, first.edit!.changes![d.uri]);
    const d2 = TextDocument.create(d.uri, d.languageId, ++version, fixed);
    for (const x of ls.doValidation(d2)) assertRange(d2, x.range, `diagnostic ${String(x.code)} after "${first.title}"`);
    tally.fixesApplied++;
  }
  const symbols = ls.findDocumentSymbols(d);
  tally.symbols += symbols.length;
  assertSymbols(d, symbols);
  const index = ls.indexDocument(d);
  for (const r of [...index.declarations, ...index.references].filter((x) => x.uri === d.uri))
    assertRange(d, r.range, `index entry ${r.name}`);
}

describe('fuzz: the language service never throws and keeps every range inside the document', function () {
  this.timeout(600_000);
  const seeds = seedFiles();
  const total = fuzzRuns(DEFAULT_LS_RUNS);
  const seed = fuzzSeed();
  const [mutatedRuns, randomRuns, breakRuns, nestedRuns] = split(total, [44, 44, 9, 3]);
  const positions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 2 });
  let ls: LanguageService;
  let started = 0;

  before(() => {
    assert.ok(seeds.length >= 20, `expected the examples to provide seed files, found ${seeds.length}`);
    ls = makeService();
    started = performance.now();
  });

  after(() => {
    const s = (performance.now() - started) / 1000;
    console.log(
      `      [fuzz] language service: ${tally.inputs} inputs (${(tally.chars / 1e6).toFixed(1)} M chars) from ${seeds.length} seed files, seed ${seed}, in ${s.toFixed(1)} s;` +
        ` ${tally.diagnostics} diagnostics, ${tally.completions} completions, ${tally.hovers} hovers, ${tally.actions} quick fixes (${tally.fixesApplied} applied), ${tally.symbols} top symbols; crashes 0`,
    );
  });

  it('unmutated seed files: every feature, every range inside', () => {
    for (const s of seeds) exercise(ls, s, [0, 0.5, 1]);
  });

  it(`mutated message/pipeline/agent/scenario files (${mutatedRuns} inputs)`, () => {
    fc.assert(
      fc.property(mutatedSeed(seeds), positions, (input, at) => exercise(ls, input, at)),
      { numRuns: mutatedRuns, seed, endOnFailure: true },
    );
  });

  it(`random JSON, YAML and schema-shaped documents (${randomRuns} inputs)`, () => {
    fc.assert(
      fc.property(randomDocument, positions, (input, at) => exercise(ls, input, at)),
      { numRuns: randomRuns, seed: seed + 1, endOnFailure: true },
    );
  });

  it(`CR, NEL, LS and PS line breaks inside lines (${breakRuns} inputs)`, () => {
    // The cursor right after each inserted break, plus random places.
    fc.assert(
      fc.property(oddLineBreaks(seeds), positions, (input, at) => {
        const after = [...input.text.matchAll(/[\r\u0085\u2028\u2029\u000b\u000c]/g)].map((m) => (m.index + 1) / (input.text.length + 1));
        exercise(ls, input, [...at, ...after.slice(0, 4)]);
      }),
      { numRuns: breakRuns, seed: seed + 3, endOnFailure: true },
    );
  });

  it(`deep nesting around valid documents (${nestedRuns} inputs)`, () => {
    const deep = fc
      .tuple(fc.constantFrom(...seeds), fc.integer({ min: 50, max: 3000 }), fc.constantFrom('[', '{"k":', '{k: ', '- '))
      .map(([s, n, open]) => {
        const close = open === '[' ? ']' : open.startsWith('{') ? '}' : '';
        return { name: s.name, text: open.repeat(n) + s.text + close.repeat(n) };
      });
    fc.assert(
      fc.property(deep, positions, (input, at) => exercise(ls, input, at)),
      { numRuns: nestedRuns, seed: seed + 2, endOnFailure: true },
    );
  });

  it('counted at least the CI budget of inputs', () => {
    assert.ok(tally.inputs >= Math.min(total, 10_000), `only ${tally.inputs} inputs were tried`);
  });
});
