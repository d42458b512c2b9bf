/**
 * The validators compiled ahead of time (schemas/load/compiledValidators.ts) are the registry's schemas, fresh, and
 * give the registry's verdict: on every file of examples/ and test/fixtures, a generated corpus (fixed seed) and
 * values built to hit each keyword the compiled code handles itself (durations over the longest timer, lengths).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isValid, validatorOf } from '../../schemas/load';
import { parseText, toValue } from '../../schemas/load/docTree';
import { detectFileKind, isYamlName } from '../../schemas/load/fileKind';
import { COMPILED_VALIDATORS, validatorSource } from '../../schemas/load/validatorCode';
import { generatedCorpus } from '../support/crossCheckCorpus';
import { seedFiles } from '../fuzz/textMutators';
import { repoRoot } from '../support/paths';

type Name = keyof typeof COMPILED_VALIDATORS;

function agree(name: Name, value: unknown, where: string): void {
  const registry = validatorOf(COMPILED_VALIDATORS[name]);
  assert.equal(isValid(name, value), registry(value), `${where}: compiled '${name}' and the registry disagree`);
}

describe('compiled validators', () => {
  it('compiledValidators.ts is generated from the current schemas (else: npm run schemas:compile)', () => {
    const file = path.join(repoRoot, 'schemas', 'load', 'compiledValidators.ts');
    assert.ok(fs.readFileSync(file, 'utf8') === validatorSource(), `${file} is stale: run npm run schemas:compile and commit it`);
  });

  it('give the registry verdict on every repository file and a generated corpus', () => {
    const files = [...seedFiles(), ...generatedCorpus(1040, 20260131)];
    const verdicts = { valid: 0, invalid: 0 };
    for (const f of files) {
      const kind = detectFileKind(f.name, f.text);
      if (!kind) continue;
      const parsed = parseText(f.text, isYamlName(f.name, f.text));
      if (!parsed.root || parsed.tooDeep) continue;
      const value = toValue(parsed.root);
      agree(kind, value, f.name);
      if (kind === 'message' && Array.isArray(value)) value.forEach((item, i) => agree('messageItem', item, `${f.name}[${i}]`));
      verdicts[isValid(kind, value) ? 'valid' : 'invalid']++;
    }
    // Both verdicts are exercised, or the comparison above proves little.
    assert.ok(verdicts.valid > 100 && verdicts.invalid > 100, JSON.stringify(verdicts));
  });

  it('agree on the custom duration keyword and on string lengths counted in code points', () => {
    const base = { performative: 'inform', sender: 'alice', receiver: 'bob', content: 1 };
    const agent = { name: 'calc', module: 'calc.wasm' };
    for (const timeout of ['5s', '596h', '597h', 2147483647, 2147483648, '1000h', 'soon'])
      agree('agent', { ...agent, limits: { timeout } }, `agent timeout ${String(timeout)}`);
    assert.equal(isValid('agent', { ...agent, limits: { timeout: '5s' } }), true);
    assert.equal(isValid('agent', { ...agent, limits: { timeout: '1000h' } }), false, 'maxDurationMs holds in the compiled code');
    for (const sender of ['a', 'a'.repeat(128), 'a'.repeat(129), `a${'😀'.repeat(127)}`, `a${'😀'.repeat(128)}`])
      agree('messageItem', { ...base, sender }, `sender of ${sender.length} UTF-16 units`);
  });
});
