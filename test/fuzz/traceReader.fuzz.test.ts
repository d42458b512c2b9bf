/**
 * Untrusted traces opened in the inspector: mutated and random *.trace.jsonl texts never make the trace readers
 * throw (the one reader, schemas/load/traceJsonl: Open Trace, caxton inspect, the runtime), each whole event is kept,
 * each bad line is reported; and the events it accepts are fed to the inspector's model (client/webview/model).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { parseTraceJsonl } from '../../schemas/load/traceJsonl';
import { inspectorModels } from '../support/inspectorModel';
import { fixturesDir } from '../support/paths';
import { fuzzRuns, fuzzSeed } from './fuzzConfig';

const TRACE_RUNS = 1500;

function traces(): string[] {
  const dir = path.join(fixturesDir, 'traces');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

/** Values that break code expecting a given shape. */
const weird = fc.constantFrom<unknown>(null, 0, -1, 1e308, '', 'x', [], {}, [null], { length: -1 }, '__proto__', true, '</script>');

/** A trace event with one field replaced by a value of the wrong type (the line still has seq, t and type). */
function mutateEventLine(line: string, key: string, value: unknown): string {
  try {
    const e = JSON.parse(line) as Record<string, unknown>;
    const keys = Object.keys(e).filter((k) => k !== 'seq' && k !== 'type');
    const k = keys.length ? keys[Math.abs(hash(key)) % keys.length] : key;
    return JSON.stringify({ ...e, [k]: value });
  } catch {
    return line;
  }
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

describe('fuzz: untrusted trace files never break the trace readers', function () {
  this.timeout(300_000);
  const seeds = traces();
  const tally = { inputs: 0, events: 0, problems: 0, modelBuilt: 0 };

  after(() => {
    console.log(
      `      [fuzz] trace readers: ${tally.inputs} traces, ${tally.events} events kept, ${tally.problems} bad lines reported; crashes 0;` +
        ` inspector model built from each (${tally.modelBuilt})`,
    );
  });

  it(`mutated traces (${fuzzRuns(TRACE_RUNS)} inputs): readers never throw and the inspector model is built`, () => {
    const line = fc.tuple(
      fc.constantFrom(...seeds),
      fc.nat(),
      fc.string({ maxLength: 8 }),
      weird,
      fc.nat(),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), fc.boolean(), (edits, cut) => {
        let lines = edits[0][0].split('\n');
        for (const [, at, key, value, how, junk] of edits) {
          const i = at % lines.length;
          if (how % 3 === 0) lines[i] = mutateEventLine(lines[i], key, value);
          else if (how % 3 === 1) lines[i] = lines[i].slice(0, at % (lines[i].length + 1)) + junk;
          else lines = [...lines.slice(0, i), junk, ...lines.slice(i)];
        }
        let text = lines.join('\n');
        if (cut) text = text.slice(0, Math.floor(text.length * 0.9));
        tally.inputs++;
        const runtime = parseTraceJsonl(text);
        tally.events += runtime.events.length;
        tally.problems += runtime.errors.length;
        for (const err of runtime.errors)
          assert.ok(err.line >= 1 && err.line <= text.split('\n').length, `line ${err.line} names a line of the text`);
        inspectorModels(runtime.events);
        inspectorModels(runtime.events, Math.floor(runtime.events.length / 2));
        tally.modelBuilt++;
      }),
      { numRuns: fuzzRuns(TRACE_RUNS), seed: fuzzSeed() + 7, endOnFailure: true },
    );
  });

  it('random bytes: readers never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        tally.inputs++;
        const parsed = parseTraceJsonl(text);
        assert.equal(parsed.events.length + parsed.errors.length <= text.split('\n').length, true);
      }),
      { numRuns: 500, seed: fuzzSeed() + 8 },
    );
  });

  // Found by this fuzzer, fixed the same day in the inspector's model (now client/webview/model/wellFormed.ts); kept as a regression test. The
  // reader accepts any object with a string `type` and numeric `seq` and `t`; the model used to trust each
  // type's fields and threw a TypeError (run_started without `agents`, message_sent without `message`, auction_round
  // without `bids`), leaving the VS Code panel blank.
  it('the inspector model survives events with missing or mistyped fields', () => {
    const text = [
      '{"seq":0,"t":0,"type":"run_started","agents":null}',
      '{"seq":1,"t":1,"type":"message_sent","id":"m","to":["a"]}',
      '{"seq":2,"t":2,"type":"auction_round","bids":null}',
    ].join('\n');
    const { events } = parseTraceJsonl(text);
    for (const e of events) assert.doesNotThrow(() => inspectorModels([e]), `inspectorModels on ${JSON.stringify(e)}`);
  });
});
