import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent, TraceEventInput } from '../../../schemas/trace';
import { buildModel, isProblem, problemCounts, reduceTrace, selectRows, TRANSITIONS_KEPT, type MessageRow } from '../../../client/webview/traceModel';
import { announcement, contentPreview, formatClock, friendlyReason, transitionLabel } from '../../../client/webview/wording';
import { fixturesDir } from '../../support/paths';

function readTrace(name: string): TraceEvent[] {
  return fs.readFileSync(path.join(fixturesDir, 'traces', name), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TraceEvent);
}

/** Number and timestamp events the way the trace writer does (100 ms apart). */
function numbered(events: TraceEventInput[]): TraceEvent[] {
  return events.map((e, i) => ({ ...e, seq: i, t: i * 100 }) as TraceEvent);
}

/** A hot reload then a crash and a restart, as runtime/sandbox/wasmAgent.ts reports them. */
export const lifecycleTrace: TraceEventInput[] = [
  { type: 'run_started', name: 'lifecycle', agents: ['calc'] },
  { type: 'agent_state', agent: 'calc', from: 'unloaded', to: 'loaded' },
  { type: 'agent_state', agent: 'calc', from: 'loaded', to: 'running' },
  { type: 'agent_usage', agent: 'calc', fuel: 250_000, memory_bytes: 65536, duration_ms: 1, fuel_limit: 1_000_000, memory_limit_bytes: 1 << 20 },
  { type: 'agent_state', agent: 'calc', from: 'running', to: 'draining', reason: 'reload' },
  { type: 'agent_state', agent: 'calc', from: 'draining', to: 'loaded', reason: 'reloaded' },
  { type: 'agent_state', agent: 'calc', from: 'loaded', to: 'running' },
  { type: 'agent_state', agent: 'calc', from: 'running', to: 'failed', reason: 'trap: unreachable' },
  { type: 'agent_state', agent: 'calc', from: 'failed', to: 'loaded', reason: 'restart 1 of 20' },
  { type: 'agent_state', agent: 'calc', from: 'loaded', to: 'running' },
  { type: 'agent_usage', agent: 'calc', fuel: 500_000, memory_bytes: 131072, duration_ms: 1 },
];

describe('inspector trace model: outside parties, replies, lifecycle and problems', () => {
  it('marks senders that are not agents of the run as outside parties', () => {
    const m = buildModel(readTrace('calculator.trace.jsonl'));
    assert.equal(m.agents.get('user')?.external, true);
    for (const a of ['calculator', 'echo', 'logger']) assert.equal(m.agents.get(a)?.external, false, a);
  });

  it('an outside party that later reports state becomes an agent (and older models are untouched)', () => {
    const first = buildModel(numbered([{ type: 'message_sent', id: 'x', to: ['b'], message: { performative: 'inform', sender: 'a', receiver: 'b' } }]));
    assert.equal(first.agents.get('a')?.external, true);
    const later = reduceTrace(first, [{ seq: 1, t: 5, type: 'agent_state', agent: 'a', from: 'loaded', to: 'running' }]);
    assert.equal(later.agents.get('a')?.external, false);
    assert.equal(first.agents.get('a')?.external, true);
  });

  it('links each reply to the request it answers (in_reply_to -> reply_with)', () => {
    const m = buildModel(readTrace('demo.trace.jsonl'));
    const byPerf = (p: string, nth = 0) => m.rows.filter((r): r is MessageRow => r.kind === 'message' && r.performative === p)[nth];
    const request = byPerf('request');
    assert.equal(request.id, 'm1');
    assert.equal(byPerf('agree').inReplyTo, 'm1');
    assert.equal(byPerf('inform').inReplyTo, 'm1');
    assert.equal(request.inReplyTo, undefined);
    const calc = buildModel(readTrace('calculator.trace.jsonl'));
    const informs = calc.rows.filter((r): r is MessageRow => r.kind === 'message' && r.performative === 'inform');
    assert.deepEqual(informs.slice(0, 2).map((r) => r.inReplyTo), ['m-1', 'm-3']);
  });

  it('the reply index survives batching: a reply in a later batch still finds its request', () => {
    const events = readTrace('demo.trace.jsonl');
    const split = events.findIndex((e) => e.type === 'message_sent' && e.id === 'm2');
    const m = reduceTrace(buildModel(events.slice(0, split)), events.slice(split));
    const agree = m.rows.find((r): r is MessageRow => r.kind === 'message' && r.id === 'm2');
    assert.equal(agree?.inReplyTo, 'm1');
  });

  it('keeps lifecycle transitions with reasons, and counts hot reloads, restarts and failures', () => {
    const a = buildModel(numbered(lifecycleTrace)).agents.get('calc')!;
    assert.equal(a.reloads, 1);
    assert.equal(a.restarts, 1);
    assert.equal(a.failures, 1);
    assert.equal(a.state, 'running');
    assert.deepEqual(a.transitions.map((t) => t.reason ?? t.to).slice(-5), ['reloaded', 'running', 'trap: unreachable', 'restart 1 of 20', 'running']);
    assert.equal(a.transitions.length, TRANSITIONS_KEPT, 'only the most recent transitions are kept');
    const marks = buildModel(numbered(lifecycleTrace)).rows.map((r) => (r.kind === 'marker' ? `${r.marker}: ${r.text}` : r.kind));
    assert.deepEqual(marks, ['agent_reloaded: calc hot reloaded', 'agent_failed: calc failed: trap: unreachable', 'agent_restarted: calc restarted (restart 1 of 20)']);
  });

  it('counts a hot reload the way runtime/node/hotReload.ts reports it (reason `hot reload`), but not a refused one', () => {
    const reload = (reason: string, loaded: string): TraceEventInput[] => [
      { type: 'agent_state', agent: 'calc', from: 'running', to: 'draining', reason },
      { type: 'agent_state', agent: 'calc', from: 'draining', to: 'loaded', reason: loaded },
      { type: 'agent_state', agent: 'calc', from: 'loaded', to: 'running', reason },
    ];
    const m = buildModel(numbered([...lifecycleTrace.slice(0, 3), ...reload('hot reload', 'hot reload'), ...reload('hot reload', 'hot reload refused; previous module restored')]));
    assert.equal(m.agents.get('calc')?.reloads, 1);
    assert.deepEqual(m.rows.map((r) => r.kind === 'marker' && r.text), ['calc hot reloaded', 'calc: hot reload refused; previous module restored']);
  });

  it('keeps the limits the trace reports, across usage events that omit them', () => {
    const a = buildModel(numbered(lifecycleTrace)).agents.get('calc')!;
    assert.equal(a.fuel, 500_000);
    assert.equal(a.fuelLimit, 1_000_000);
    assert.equal(a.memoryLimit, 1 << 20);
    assert.equal(buildModel(readTrace('demo.trace.jsonl')).agents.get('calculator')?.fuelLimit, undefined);
  });

  it('counts problems and filters rows to one kind, within a conversation too', () => {
    const m = buildModel(readTrace('demo.trace.jsonl'));
    assert.deepEqual(problemCounts(m.rows), { dropped: 1, timeout: 1, violation: 1, failure: 2 });
    const timeouts = selectRows(m.rows, undefined, 'timeout');
    assert.deepEqual(timeouts.map((r) => r.kind === 'marker' && r.marker), ['timeout']);
    assert.ok(selectRows(m.rows, undefined, 'failure').every((r) => isProblem(r, 'failure')));
    assert.deepEqual(selectRows(m.rows, 'calc-2', 'failure').map((r) => r.kind === 'message' && r.performative), ['failure']);
    assert.equal(selectRows(m.rows, undefined, undefined), m.rows);
  });
});

describe('inspector trace model: untrusted traces', () => {
  it('skips and counts events with missing or mistyped fields, and keeps going', () => {
    const bad = [
      { seq: 0, t: 0, type: 'run_started', agents: null },
      { seq: 1, t: 1, type: 'message_sent', id: 'm', to: ['a'] },
      { seq: 2, t: 2, type: 'auction_round', bids: null },
    ] as unknown as TraceEvent[];
    const m = buildModel([...bad, { seq: 3, t: 3, type: 'message_sent', id: 'ok', to: ['b'], message: { performative: 'inform', sender: 'a', receiver: 'b' } }]);
    assert.equal(m.totals.malformed, 3);
    assert.equal(m.totals.messages, 1);
    assert.deepEqual(m.agentOrder, ['a', 'b']);
    assert.equal(m.count, 4);
  });
});

describe('inspector wording', () => {
  it('formats the run clock in seconds with milliseconds', () => {
    for (const [ms, text] of [[0, '0.000s'], [100, '0.100s'], [1590, '1.590s'], [61_000.4, '61.000s']] as const) assert.equal(formatClock(ms), text);
  });

  it('previews content on one line, cut with an ellipsis, and nothing when there is no room', () => {
    assert.equal(contentPreview({ op: 'add', a: 2 }, 40), '{"op":"add","a":2}');
    assert.equal(contentPreview({ op: 'add', a: 2 }, 10), '{"op":"ad…');
    assert.equal(contentPreview('line one\n  line two', 40), 'line one line two');
    assert.equal(contentPreview({ op: 'add' }, 5), '');
    assert.equal(contentPreview(undefined, 40), '');
    assert.equal(contentPreview('x'.repeat(100), 12).length, 12);
  });

  it('says lifecycle reasons as a person would', () => {
    assert.equal(friendlyReason('reload'), 'hot reload');
    assert.equal(friendlyReason('restart 2 of 20'), 'restart 2 of 20');
  });

  it('labels lifecycle changes as short chips, and leaves out the steps that say nothing alone', () => {
    const table: Array<[string, string, string | undefined, string | undefined]> = [
      ['draining', 'loaded', 'reloaded', '↻ hot reload'],
      ['draining', 'loaded', 'hot reload', '↻ hot reload'],
      ['draining', 'loaded', 'hot reload refused; previous module restored', '⚠ hot reload refused; previous module restored'],
      ['failed', 'loaded', 'restart 2 of 20', '↻ restart 2 of 20'],
      ['running', 'failed', 'trap: unreachable', '✕ failed: trap: unreachable'],
      ['draining', 'stopped', 'disposed', '■ stopped (disposed)'],
      ['unloaded', 'loaded', 'added', 'loaded added'],
      ['running', 'draining', 'reload', undefined],
      ['loaded', 'running', undefined, undefined],
      ['unloaded', 'loaded', undefined, undefined],
    ];
    for (const [from, to, reason, label] of table) assert.equal(transitionLabel({ from, to, reason }), label, `${from} -> ${to} (${reason})`);
  });

  it('announces a batch of live events in one sentence', () => {
    const events = numbered([
      { type: 'message_sent', id: 'a', to: ['b'], message: { performative: 'inform', sender: 'a', receiver: 'b' } },
      { type: 'message_delivered', id: 'a', to: 'b' },
      { type: 'message_sent', id: 'b', to: ['a'], message: { performative: 'inform', sender: 'b', receiver: 'a' } },
      { type: 'timeout', waiting: 'a', deadline: 1 },
      { type: 'agent_state', agent: 'b', from: 'running', to: 'failed' },
    ]);
    assert.equal(announcement(events), '5 new events: 2 messages, 1 timeout, 1 agent failure');
    assert.equal(announcement(events.slice(1, 2)), '1 new event');
  });
});
