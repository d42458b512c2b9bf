import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas/trace';
import { diffTraces, eventComparer, isRealTimeTrace } from '../../../schemas/traceDiff';
import { diffCommand } from '../../../runtime/cli/commands/diff';
import { UsageError } from '../../../runtime/cli/command';
import { readTrace } from '../../support/inspectorModel';

const clone = (events: TraceEvent[]) => JSON.parse(JSON.stringify(events)) as TraceEvent[];

describe('diffTraces', () => {
  const calc = readTrace('calculator.trace.jsonl');

  it('finds nothing between a trace and its copy', () => {
    const d = diffTraces(calc, clone(calc));
    assert.deepEqual([d.identical, d.differences, d.first], [true, 0, undefined]);
    assert.deepEqual(d.ignored, ['duration_ms']);
  });

  it('finds the first divergent event, the fields that differ, and counts every difference', () => {
    const b = clone(calc);
    const i = b.findIndex((e) => e.type === 'message_sent' && e.message.performative === 'inform');
    (b[i] as Extract<TraceEvent, { type: 'message_sent' }>).message.content = { result: 31 };
    const j = b.findIndex((e, k) => k > i && e.type === 'message_sent');
    (b[j] as Extract<TraceEvent, { type: 'message_sent' }>).message.performative = 'failure';
    const d = diffTraces(calc, b);
    assert.equal(d.identical, false);
    assert.equal(d.differences, 2);
    assert.equal(d.first?.index, i);
    assert.deepEqual(d.first?.fields, ['message.content.result']);
    assert.equal(d.first?.left, calc[i]);
    assert.equal(d.first?.right, b[i]);
  });

  it('counts events one trace has past the end of the other', () => {
    const d = diffTraces(calc, calc.slice(0, -3));
    assert.deepEqual([d.identical, d.differences, d.first?.index, d.first?.right], [false, 3, calc.length - 3, undefined]);
    assert.deepEqual(d.lengths, [calc.length, calc.length - 3]);
  });

  it('never compares duration_ms; compares t on a simulated clock and ignores it (and deadlines) on the real clock', () => {
    const slow = clone(calc).map((e) => (e.type === 'agent_usage' ? { ...e, duration_ms: e.duration_ms + 5 } : e));
    assert.equal(diffTraces(calc, slow).identical, true);
    const later = clone(calc).map((e) => ({ ...e, t: e.t + 1 }));
    assert.equal(isRealTimeTrace(calc), false);
    assert.equal(diffTraces(calc, later).identical, false, 'simulated clock: t is deterministic and compared');
    assert.equal(diffTraces(calc, later, { time: 'ignore' }).identical, true);
    const real = (shift: number) => clone(calc).map((e) => ({ ...e, t: e.t + 0.25 + shift }));
    assert.equal(isRealTimeTrace(real(0)), true);
    const d = diffTraces(real(0), real(3));
    assert.equal(d.identical, true);
    assert.deepEqual(d.ignored, ['duration_ms', 't', 'deadline']);
    assert.equal(diffTraces(real(0), real(3), { time: 'compare' }).identical, false);
  });

  it('leaves out where a run was (scenario, fork, workers) in the header, and eventComparer judges events as the diff does', () => {
    const forked = clone(calc);
    assert.equal(forked[0].type, 'run_started');
    Object.assign(forked[0], { scenario: '/elsewhere/x.scenario.yaml', fork: 'a.trace.jsonl', workers: 4 });
    const d = diffTraces(calc, forked);
    assert.equal(d.identical, true);
    const differ = eventComparer(d.ignored);
    assert.deepEqual(differ(calc[0], forked[0]), []);
    Object.assign(forked[0], { name: 'another run' });
    assert.deepEqual(differ(calc[0], forked[0]), ['name']);
    assert.deepEqual(diffTraces(calc, forked).first?.fields, ['name']);
  });
});

describe('caxton diff', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-diff-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, events: TraceEvent[]) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    return f;
  };
  const run = async (...argv: string[]) => {
    const out: string[] = [],
      err: string[] = [];
    const code = await diffCommand.run(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: tmp, color: false });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const calc = readTrace('calculator.trace.jsonl');

  it('prints "identical" and exits 0 for the same run', async () => {
    const r = await run(write('a.jsonl', calc), write('b.jsonl', clone(calc)));
    assert.equal(r.code, 0);
    assert.match(r.out, /^identical \(44 events; ignored: duration_ms\)$/);
  });

  it('prints the first divergent event with both sides and the count, and exits 1', async () => {
    const b = clone(calc);
    const i = b.findIndex((e) => e.type === 'agent_usage');
    (b[i] as Extract<TraceEvent, { type: 'agent_usage' }>).fuel += 1;
    const r = await run(write('a.jsonl', calc), write('c.jsonl', b));
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`^different: first at event ${i} \\(agent_usage\\); 1 of 44 events differ`));
    assert.match(r.out, /fields: fuel/);
    assert.match(r.out, new RegExp(`a\\.jsonl: .*"fuel":${(calc[i] as Extract<TraceEvent, { type: 'agent_usage' }>).fuel}\\b`));
    assert.match(r.out, new RegExp(`c\\.jsonl: .*"fuel":${(b[i] as Extract<TraceEvent, { type: 'agent_usage' }>).fuel}\\b`));
  });

  it('refuses bad input with a usage error naming the file and the fix; reports bad lines by number', async () => {
    await assert.rejects(
      run('nope.jsonl', 'nope2.jsonl'),
      (e: Error) => e instanceof UsageError && /nope\.jsonl does not exist; record one with/.test(e.message),
    );
    await assert.rejects(run(write('a.jsonl', calc)), (e: Error) => e instanceof UsageError && /give two trace files/.test(e.message));
    await assert.rejects(run('--time', '--ignore-time', 'a.jsonl', 'a.jsonl'), UsageError);
    fs.writeFileSync(path.join(tmp, 'bad.jsonl'), `${JSON.stringify(calc[0])}\nnot json\n`);
    const r = await run(write('one.jsonl', calc.slice(0, 1)), 'bad.jsonl');
    assert.equal(r.code, 0);
    assert.match(r.err, /bad\.jsonl:2: not JSON/);
  });
});
