import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { allSchemas, traceEventSchema, type TraceEvent } from '../../../schemas';
import { SimulatedClock } from '../../../runtime/core/clock';
import { createTraceWriter, readTraceFile } from '../../../runtime/node/files/traceFile';
import { Runtime } from '../../../runtime/runtime';
import { parseTraceJsonl, traceLine } from '../../../schemas/load';
import { TraceRecorder } from '../../../runtime/trace/traceRecorder';
import { echoAgent } from '../router/agents';

describe('trace: recorder', () => {
  it('numbers from 0, stamps clock time and fans out; a throwing listener does not stop the others', async () => {
    const clock = new SimulatedClock();
    const got: TraceEvent[] = [];
    const rec = new TraceRecorder(clock, [
      () => {
        throw new Error('broken listener');
      },
      (e) => got.push(e),
    ]);
    rec.emit({ type: 'agent_log', agent: 'a', level: 'info', text: 'one' });
    await clock.advance(1500);
    const stop = rec.onEvent((e) => got.push(e));
    rec.emit({ type: 'agent_log', agent: 'a', level: 'info', text: 'two' });
    stop();
    rec.emit({ type: 'agent_log', agent: 'a', level: 'info', text: 'three' });
    assert.deepEqual(
      got.map((e) => [e.seq, e.t]),
      [
        [0, 0],
        [1, 1500],
        [1, 1500],
        [2, 1500],
      ],
    );
    assert.equal(rec.count, 3);
  });
});

describe('trace: JSONL', () => {
  const events: TraceEvent[] = [
    { seq: 0, t: 0, type: 'run_started', name: 'x', agents: ['a'] },
    { seq: 1, t: 5, type: 'agent_log', agent: 'a', level: 'info', text: 'hi' },
    { seq: 2, t: 9, type: 'run_ended', reason: 'done', delivered: 1, dropped: 0, timeouts: 0 },
  ];
  const text = events.map(traceLine).join('');

  it('round-trips events', () => {
    const r = parseTraceJsonl(text);
    assert.deepEqual(r.events, events);
    assert.equal(r.truncated, false);
    assert.deepEqual(r.errors, []);
  });

  it('tolerates a truncated last line (a crash mid-write) and says so', () => {
    const cut = text.slice(0, text.length - 20);
    const r = parseTraceJsonl(cut);
    assert.deepEqual(r.events, events.slice(0, 2));
    assert.equal(r.truncated, true);
    assert.deepEqual(r.errors, []);
  });

  it('reports a corrupt line in the middle by number and keeps the rest', () => {
    const lines = text.split('\n');
    lines[1] = '{"seq": 1, "t": oops';
    const r = parseTraceJsonl(lines.join('\n'));
    assert.equal(r.events.length, 2);
    assert.equal(r.errors[0].line, 2);
    assert.match(r.errors[0].message, /not JSON/);
  });

  it('keeps unknown event types (forward compatibility) but refuses lines without seq/t/type', () => {
    const r = parseTraceJsonl('{"seq":0,"t":0,"type":"from_the_future","x":1}\n{"seq":1}\n');
    assert.equal(r.events.length, 1);
    assert.match(r.errors[0].message, /`t`/);
  });
});

describe('trace: file writer', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-trace-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a run as JSONL that validates against trace-event.schema.json and replays after a crash', async () => {
    const file = path.join(dir, 'sub', 'run.trace.jsonl');
    const writer = createTraceWriter(file);
    const rt = new Runtime({ clock: new SimulatedClock(), trace: [(e) => writer.write(e)] });
    rt.start();
    rt.addAgent(echoAgent('e'));
    await rt.request({ performative: 'request', sender: 'user', receiver: 'e', content: { n: 1 } });
    await rt.stop();
    writer.close();
    writer.write({ seq: 99, t: 0, type: 'agent_log', agent: 'x', level: 'info', text: 'after close is ignored' });
    const back = readTraceFile(file);
    assert.equal(back.truncated, false);
    assert.deepEqual(
      back.events.map((e) => e.type),
      [
        'run_started',
        'agent_state',
        'agent_state',
        'message_sent',
        'message_delivered',
        'agent_usage',
        'message_sent',
        'message_delivered',
        'agent_state',
        'agent_state',
        'conversation_ended',
        'run_ended',
      ],
    );
    const ajv = new Ajv({ strict: false });
    for (const s of allSchemas) ajv.addSchema(s);
    const validate = ajv.getSchema(traceEventSchema.$id)!;
    for (const e of back.events) assert.ok(validate(e), `${e.type}: ${JSON.stringify(validate.errors)}`);
    // Simulate a crash mid-write: half a line at the end.
    fs.appendFileSync(file, '{"seq":12,"t":0,"type":"agent_lo');
    const crashed = readTraceFile(file);
    assert.equal(crashed.truncated, true);
    assert.equal(crashed.events.length, back.events.length);
  });
});
