/** Minimal cases the fuzzers found, kept as fast regression tests. */
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from '../../server/service/languageService';

describe('fuzz regressions: language service', () => {
  // Found by languageService.fuzz (mutated pipeline starting with a blank line). yamlCursor computes the line start
  // as text.lastIndexOf('\n', offset - 1) + 1; at offset 0, lastIndexOf(…, -1) searches from 0 and finds a leading
  // '\n', so the line "starts" at 1, after the cursor, and the completion edit range is 1..0 (VS Code rejects it).
  // Fix: `const lineStart = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0;`
  it('YAML completion at offset 0 of a text that starts with a newline has a backwards range [server/service/yamlContext.ts yamlCursor]', () => {
    const ls = getLanguageService();
    for (const text of ['\n', '\nname: x\n', '\n  -\n   -\n']) {
      for (const name of ['p.pipeline.yaml', 'a.agent.yaml', 's.scenario.yaml']) {
        const d = TextDocument.create(`file:///ws/${name}`, 'yaml', 1, text);
        for (const item of ls.doComplete(d, { line: 0, character: 0 }).items) {
          const r = item.textEdit && 'range' in item.textEdit ? item.textEdit.range : undefined;
          if (!r) continue;
          assert.ok(
            d.offsetAt(r.start) <= d.offsetAt(r.end),
            `${name} ${JSON.stringify(text)}: completion ${item.label} range ${JSON.stringify(r)} ends before it starts`,
          );
        }
      }
    }
  });

  // Found by languageService.fuzz (a NEL inserted into an agent manifest). lineInfo matches /^( *)((?:- +)*)(.*)$/
  // and reads m[3]; `.` does not match \r, \u0085, \u2028 or \u2029, so a line holding one fails to match and
  // the null result throws a TypeError out of doComplete (the LSP request fails on every keystroke on that line).
  // Fix: match with /^( *)((?:- +)*)([^]*)$/ (or the `s` flag), so any character is part of the rest.
  it('YAML completion throws on a line holding CR, NEL, LS or PS [server/service/yamlContext.ts lineInfo]', () => {
    const ls = getLanguageService();
    for (const br of ['\r', '\u0085', '\u2028', '\u2029']) {
      const text = `name: a${br}b\nmodule: x.wasm\n`;
      const d = TextDocument.create('file:///ws/a.agent.yaml', 'yaml', 1, text);
      assert.doesNotThrow(() => ls.doComplete(d, d.positionAt(text.indexOf('b') + 1)), `completion after ${JSON.stringify(br)}`);
    }
  });
});
