import * as assert from 'node:assert/strict';
import { findMessages } from '../../../schemas/load/messageLocations';
import { parseTraceJsonl } from '../../../schemas/load/traceJsonl';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../support/paths';

describe('Send CodeLens: message locations', () => {
  const cases: Array<{ name: string; text: string; expect: Array<string | undefined> }> = [
    { name: 'one message', text: '{ "performative": "request", "sender": "a", "receiver": "b" }', expect: ['request'] },
    {
      name: 'a conversation',
      text: '[\n { "performative": "cfp", "sender": "m", "receiver": ["x"] },\n { "performative": "propose", "sender": "x", "receiver": "m" }\n]',
      expect: ['cfp', 'propose'],
    },
    {
      name: 'comments and a trailing comma',
      text: '// hi\n[{ "performative": "inform", "sender": "a", "receiver": "b", },]',
      expect: ['inform'],
    },
    { name: 'an object without a performative', text: '[{ "sender": "a" }]', expect: [undefined] },
    { name: 'not JSON at all', text: 'performative: request', expect: [] },
    { name: 'empty', text: '', expect: [] },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.deepEqual(
        findMessages(c.text).map((m) => m.message?.performative),
        c.expect,
      ),
    );
  }
  it('gives each message its offset (where the lens goes) and index (what Send sends)', () => {
    const text =
      '[\n  { "performative": "cfp", "sender": "m", "receiver": "x" },\n  { "performative": "propose", "sender": "x", "receiver": "m" }\n]';
    const found = findMessages(text);
    assert.deepEqual(
      found.map((m) => m.index),
      [0, 1],
    );
    assert.equal(
      text.slice(found[1].offset, found[1].offset + found[1].length),
      '{ "performative": "propose", "sender": "x", "receiver": "m" }',
    );
  });
  it('finds the messages of every example message file', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory() && e.name !== 'build') walk(path.join(d, e.name));
        else if (e.name.endsWith('.fipa.json')) files.push(path.join(d, e.name));
      }
    };
    walk(path.join(repoRoot, 'examples'));
    for (const f of files.filter((x) => !x.includes('broken')))
      assert.ok(
        findMessages(fs.readFileSync(f, 'utf8')).some((m) => m.message),
        f,
      );
  });
});

describe('Open Trace: reading a trace file (the one JSONL reader)', () => {
  it('keeps events and names bad lines', () => {
    const { events, errors, truncated } = parseTraceJsonl(
      '{"seq":0,"t":0,"type":"run_started","name":"x","agents":[]}\nnot json\n{"seq":1}\n\n{"seq":1,"t":1,"type":"run_ended","reason":"done","delivered":0,"dropped":0,"timeouts":0}\n',
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['run_started', 'run_ended'],
    );
    assert.deepEqual(
      errors.map((e) => e.line),
      [2, 3],
    );
    assert.match(errors[0].message, /^not JSON/);
    assert.match(errors[1].message, /missing or invalid `t`/);
    assert.equal(truncated, false);
  });
});
