import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { allSchemas, traceEventSchema } from '../../../schemas';
import type { TraceEvent, TraceEventInput } from '../../../schemas/trace';
import { TraceStore } from '../../../client/webview/model/traceStore';
import { FilteredRows, lanesAt } from '../../../client/webview/model/rowFilter';
import { rowAt, type MessageRow } from '../../../client/webview/model/rows';
import { TRANSITIONS_KEPT } from '../../../client/webview/model/agents';
import { breakerStateAt } from '../../../client/webview/model/routes';
import { fixturesDir } from '../../support/paths';
import { inspectorModels, numbered, readTrace } from '../../support/inspectorModel';
import { syntheticTrace } from '../../browser/syntheticTrace';

/** A hot reload then a crash and a restart, as runtime/sandbox/wasmAgent.ts reports them. */
const lifecycleTrace: TraceEventInput[] = [
  { type: 'run_started', name: 'lifecycle', agents: ['calc'] },
  { type: 'agent_state', agent: 'calc', from: 'unloaded', to: 'loaded' },
  { type: 'agent_state', agent: 'calc', from: 'loaded', to: 'running' },
  {
    type: 'agent_usage',
    agent: 'calc',
    fuel: 250_000,
    memory_bytes: 65536,
    duration_ms: 1,
    fuel_limit: 1_000_000,
    memory_limit_bytes: 1 << 20,
  },
  { type: 'agent_state', agent: 'calc', from: 'running', to: 'draining', reason: 'reload' },
  { type: 'agent_state', agent: 'calc', from: 'draining', to: 'loaded', reason: 'reloaded' },
  { type: 'agent_state', agent: 'calc', from: 'loaded', to: 'running' },
  { type: 'agent_state', agent: 'calc', from: 'running', to: 'failed', reason: 'trap: unreachable' },
  { type: 'agent_state', agent: 'calc', from: 'failed', to: 'loaded', reason: 'restart 1 of 20' },
  { type: 'agent_state', agent: 'calc', from: 'loaded', to: 'running' },
  { type: 'agent_usage', agent: 'calc', fuel: 500_000, memory_bytes: 131072, duration_ms: 1 },
];

const messages = (m: ReturnType<typeof inspectorModels>) => m.rows.filter((r): r is MessageRow => r.kind === 'message');
/** Everything a view shows, as JSON (the store itself left out). */
const shown = (m: ReturnType<typeof inspectorModels>) => JSON.stringify({ ...m, store: undefined });

describe('inspector model: the trace store and the rows', () => {
  const events = readTrace('demo.trace.jsonl');

  it('the fixture traces are valid trace events', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const s of allSchemas) ajv.addSchema(s);
    const validate = ajv.getSchema(traceEventSchema.$id)!;
    for (const file of fs.readdirSync(path.join(fixturesDir, 'traces')).filter((f) => f.endsWith('.trace.jsonl'))) {
      readTrace(file).forEach((e, i) => {
        assert.equal(validate(e), true, `${file} line ${i + 1}: ${JSON.stringify(validate.errors)}`);
        assert.equal(e.seq, i, `${file} line ${i + 1}: seq must count from 0 without gaps`);
      });
    }
  });

  it('draws a lifeline per agent and an arrow per message, with deliveries and drops', () => {
    const m = inspectorModels(events);
    assert.deepEqual(m.lanes.slice(0, 3), ['client', 'calculator', 'auctioneer']);
    assert.equal(m.summary.messages, events.filter((e) => e.type === 'message_sent').length);
    const first = messages(m)[0];
    assert.equal(first.performative, 'request');
    assert.equal(first.status, 'delivered');
    assert.equal(messages(m).find((r) => r.performative === 'failure')?.alarm, 'failure');
    const markers = m.rows.filter((r) => r.kind === 'marker').map((r) => r.kind === 'marker' && r.marker);
    for (const k of ['timeout', 'violation', 'dropped', 'agent_failed', 'conversation_ended']) assert.ok(markers.includes(k as never), k);
  });

  it('a message is sent, then delivered, as the cursor passes its delivery', () => {
    const store = new TraceStore();
    store.append(events);
    const delivered = events.findIndex((e) => e.type === 'message_delivered');
    assert.equal(rowAt(store, 0, delivered).kind === 'message' && (rowAt(store, 0, delivered) as MessageRow).status, 'sent');
    assert.equal((rowAt(store, 0, delivered + 1) as MessageRow).status, 'delivered');
  });

  it('groups and filters by conversation, with the outcome and protocol state', () => {
    const m = inspectorModels(events);
    assert.deepEqual(
      m.conversations.slice(0, 3).map((c) => c.id),
      ['calc-1', 'calc-2', 'calc-3'],
    );
    assert.equal(m.conversations[0].outcome, 'done');
    assert.equal(m.conversations[2].timeouts, 1);
    assert.deepEqual(
      m.conversations[0].state.pairs.map((p) => [p.participant, p.state]),
      [['calculator', 'done']],
    );
    assert.equal(m.conversations[0].state.complete, true);
    const f = new FilteredRows({ conversation: 'calc-1' });
    f.advance(m.store);
    const rows = Array.from({ length: f.countAt(m.store, events.length) }, (_, i) => rowAt(m.store, f.get(i), events.length));
    assert.deepEqual(
      rows.map((r) => (r.kind === 'message' ? r.performative : r.marker)),
      ['request', 'agree', 'inform', 'conversation_ended'],
    );
  });

  it('collects auction rounds with leader and winner, and contract-net proposals with the award', () => {
    const m = inspectorModels(events);
    const a = m.auctions.find((x) => x.id === 'auction-1')!;
    assert.deepEqual(
      a.rounds.map((r) => [r.round, r.price, r.leader]),
      [
        [1, 100, 'alice'],
        [2, 110, 'bob'],
        [3, 120, 'bob'],
      ],
    );
    assert.deepEqual(a.bidders.slice(0, 3), ['alice', 'bob', 'carol']);
    assert.equal(a.winner, 'bob');
    assert.equal(a.price, 120);
    const c = m.contractNets.find((x) => x.id === 'cnet-1')!;
    assert.deepEqual(
      c.rounds[0].proposals.map((p) => p.agent),
      ['fast', 'cheap'],
    );
    assert.equal(c.winner, 'cheap');
    assert.equal(c.winningRound, 0);
  });

  it('follows breaker states, retries and bulkhead rejections per route', () => {
    const r = inspectorModels(events).routes.find((x) => x.route === 'orders/charge')!;
    assert.deepEqual(
      r.transitions.map((t) => t.to),
      ['open', 'half_open', 'closed'],
    );
    assert.equal(r.state, 'closed');
    assert.equal(r.retries.length, 3);
    assert.equal(r.rejections.length, 1);
    assert.equal(breakerStateAt(r, 0), 'closed');
    assert.equal(breakerStateAt(r, r.transitions[0].t), 'open');
  });

  it('counts agent messages, fuel, memory, failures and restarts', () => {
    const calc = inspectorModels(events).agents.find((a) => a.name === 'calculator')!;
    assert.equal(calc.messagesIn, 3);
    assert.equal(calc.messagesOut, 3);
    assert.equal(calc.fuel, 900);
    assert.equal(calc.fuelTotal, 2100);
    assert.equal(calc.memoryPeak, 131072);
    assert.equal(calc.failures, 1);
    assert.equal(calc.restarts, 1);
    assert.equal(calc.state, 'running');
  });

  it('ignores unknown event types but counts them', () => {
    const m = inspectorModels([...events, { seq: events.length, t: 999, type: 'from_the_future' } as unknown as TraceEvent]);
    assert.equal(m.summary.unknown, 1);
  });

  it('any cursor shows exactly what the trace up to it shows (seek = build from scratch), in one batch or many', () => {
    const big = syntheticTrace(6000);
    const store = new TraceStore();
    for (let i = 0; i < big.length; i += 777) store.append(big.slice(i, i + 777));
    for (const n of [0, 1, 17, 2000, 4321, 5999, 6000]) {
      const atCursor = inspectorModels(big, n);
      const fromScratch = inspectorModels(big.slice(0, n));
      assert.equal(shown(atCursor), shown(fromScratch), `cursor ${n}`);
    }
    assert.equal(store.rows, inspectorModels(big).store.rows, 'batched appends index the same rows');
  });

  it('links each reply to the request it answers (in_reply_to -> reply_with), across batches', () => {
    const byPerf = (m: ReturnType<typeof inspectorModels>, p: string, nth = 0) => messages(m).filter((r) => r.performative === p)[nth];
    const m = inspectorModels(events);
    assert.equal(byPerf(m, 'request').id, 'm1');
    assert.equal(byPerf(m, 'agree').inReplyTo, 'm1');
    assert.equal(byPerf(m, 'inform').inReplyTo, 'm1');
    assert.equal(byPerf(m, 'request').inReplyTo, undefined);
    const calc = inspectorModels(readTrace('calculator.trace.jsonl'));
    assert.deepEqual(
      messages(calc)
        .filter((r) => r.performative === 'inform')
        .slice(0, 2)
        .map((r) => r.inReplyTo),
      ['m-1', 'm-3'],
    );
    const split = events.findIndex((e) => e.type === 'message_sent' && e.id === 'm2');
    const store = new TraceStore();
    store.append(events.slice(0, split));
    store.append(events.slice(split));
    assert.equal((rowAt(store, store.rowOf('m2'), events.length) as MessageRow).inReplyTo, 'm1');
  });
});

describe('inspector model: agents, outside parties, lifecycle', () => {
  it('marks senders that are not agents of the run as outside parties, until they prove otherwise', () => {
    const m = inspectorModels(readTrace('calculator.trace.jsonl'));
    assert.equal(m.agents.find((a) => a.name === 'user')?.external, true);
    for (const a of ['calculator', 'echo', 'logger']) assert.equal(m.agents.find((x) => x.name === a)?.external, false, a);
    const trace = numbered([
      { type: 'message_sent', id: 'x', to: ['b'], message: { performative: 'inform', sender: 'a', receiver: 'b' } },
      { type: 'agent_state', agent: 'a', from: 'loaded', to: 'running' },
    ]);
    assert.equal(inspectorModels(trace, 1).agents[0].external, true);
    assert.equal(inspectorModels(trace, 2).agents[0].external, false);
  });

  it('keeps lifecycle transitions with reasons, and counts hot reloads, restarts and failures', () => {
    const m = inspectorModels(numbered(lifecycleTrace));
    const a = m.agents[0];
    assert.deepEqual([a.reloads, a.restarts, a.failures, a.state], [1, 1, 1, 'running']);
    assert.deepEqual(a.transitions.map((t) => t.reason ?? t.to).slice(-5), [
      'reloaded',
      'running',
      'trap: unreachable',
      'restart 1 of 20',
      'running',
    ]);
    assert.equal(a.transitions.length, TRANSITIONS_KEPT, 'only the most recent transitions are kept');
    assert.deepEqual(
      m.rows.map((r) => (r.kind === 'marker' ? `${r.marker}: ${r.text}` : r.kind)),
      [
        'agent_reloaded: calc hot reloaded',
        'agent_failed: calc failed: trap: unreachable',
        'agent_restarted: calc restarted (restart 1 of 20)',
      ],
    );
  });

  it('counts a hot reload the way runtime/node/session/hotReload.ts reports it (reason `hot reload`), but not a refused one', () => {
    const reload = (reason: string, loaded: string): TraceEventInput[] => [
      { type: 'agent_state', agent: 'calc', from: 'running', to: 'draining', reason },
      { type: 'agent_state', agent: 'calc', from: 'draining', to: 'loaded', reason: loaded },
      { type: 'agent_state', agent: 'calc', from: 'loaded', to: 'running', reason },
    ];
    const m = inspectorModels(
      numbered([
        ...lifecycleTrace.slice(0, 3),
        ...reload('hot reload', 'hot reload'),
        ...reload('hot reload', 'hot reload refused; previous module restored'),
      ]),
    );
    assert.equal(m.agents[0].reloads, 1);
    assert.deepEqual(
      m.rows.map((r) => r.kind === 'marker' && r.text),
      ['calc hot reloaded', 'calc: hot reload refused; previous module restored'],
    );
  });

  it('keeps the limits the trace reports, across usage events that omit them; shows an optional node', () => {
    const a = inspectorModels(numbered(lifecycleTrace)).agents[0];
    assert.deepEqual([a.fuel, a.fuelLimit, a.memoryLimit], [500_000, 1_000_000, 1 << 20]);
    assert.equal(inspectorModels(readTrace('demo.trace.jsonl')).agents.find((x) => x.name === 'calculator')?.fuelLimit, undefined);
    const withNode = numbered([{ type: 'agent_state', agent: 'w', from: 'unloaded', to: 'loaded', node: 'shard-2' } as TraceEventInput]);
    assert.equal(inspectorModels(withNode).agents[0].node, 'shard-2');
    assert.equal(inspectorModels(withNode).store.agents[0].node, 'shard-2', 'the lane title shows it too');
  });

  it('shows an optional step number on any event, and tolerates its absence', () => {
    const trace = numbered([
      {
        type: 'message_sent',
        id: 'a',
        to: ['b'],
        message: { performative: 'inform', sender: 'a', receiver: 'b' },
        step: 4,
      } as TraceEventInput,
      { type: 'timeout', waiting: 'a', deadline: 1 },
    ]);
    assert.deepEqual(
      inspectorModels(trace).rows.map((r) => r.step),
      [4, undefined],
    );
  });
});

describe('inspector model: problems and failures', () => {
  it('counts problems; refuse and not_understood are answers, not failures', () => {
    const m = inspectorModels(readTrace('demo.trace.jsonl'));
    assert.deepEqual(m.summary.problems, { dropped: 1, timeout: 1, violation: 1, failure: 2 });
    const english = inspectorModels(readTrace('english-auction.trace.jsonl'));
    const refusals = messages(english).filter((r) => r.performative === 'refuse');
    assert.ok(refusals.length > 0, 'the English auction has refusals');
    assert.ok(refusals.every((r) => r.alarm === undefined && r.answer === 'refuse'));
    assert.equal(english.summary.problems.failure, 0);
    const nu = inspectorModels(
      numbered([{ type: 'message_sent', id: 'n', to: ['a'], message: { performative: 'not_understood', sender: 'b', receiver: 'a' } }]),
    );
    assert.equal(nu.summary.problems.failure, 0);
  });

  it('filters rows to one problem kind, within a conversation too', () => {
    const m = inspectorModels(readTrace('demo.trace.jsonl'));
    const kept = (f: ConstructorParameters<typeof FilteredRows>[0]) => {
      const rows = new FilteredRows(f);
      rows.advance(m.store);
      return Array.from({ length: rows.countAt(m.store, m.store.length) }, (_, i) => rowAt(m.store, rows.get(i), m.store.length));
    };
    assert.deepEqual(
      kept({ problem: 'timeout' }).map((r) => r.kind === 'marker' && r.marker),
      ['timeout'],
    );
    assert.deepEqual(
      kept({ conversation: 'calc-2', problem: 'failure' }).map((r) => r.kind === 'message' && r.performative),
      ['failure'],
    );
    assert.deepEqual(
      kept({ performatives: new Set(['cfp']) }).map((r) => r.kind === 'message' && r.performative),
      ['cfp', 'cfp', 'cfp', 'cfp'],
    );
    assert.ok(kept({ agent: 'bob' }).every((r) => (r.kind === 'message' ? r.from === 'bob' || r.to.includes('bob') : r.agent === 'bob')));
    assert.deepEqual(kept({ text: '"op":"add"' }).length > 0, true);
    assert.equal(kept({ text: 'no such text anywhere' }).length, 0);
  });

  it('hides lanes: rows among hidden agents only are left out, the lane list says who is hidden', () => {
    const m = inspectorModels(readTrace('demo.trace.jsonl'));
    const hidden = new Set(['client', 'calculator']);
    const f = new FilteredRows({ hidden });
    f.advance(m.store, 5);
    assert.ok(f.pending(m.store), 'a filter is applied in slices');
    while (f.pending(m.store)) f.advance(m.store, 5);
    for (let i = 0; i < f.countAt(m.store, m.store.length); i++) {
      const r = rowAt(m.store, f.get(i), m.store.length);
      const parties = r.kind === 'message' ? [r.from, ...r.to] : r.agent ? [r.agent] : [];
      assert.ok(parties.length === 0 || parties.some((p) => !hidden.has(p)), JSON.stringify(parties));
    }
    assert.deepEqual(lanesAt(m.store, m.store.length, hidden).hidden, ['client', 'calculator']);
  });

  it('skips and counts events with missing or mistyped fields, and keeps going', () => {
    const bad = [
      { seq: 0, t: 0, type: 'run_started', agents: null },
      { seq: 1, t: 1, type: 'message_sent', id: 'm', to: ['a'] },
      { seq: 2, t: 2, type: 'auction_round', bids: null },
      null,
    ] as unknown as TraceEvent[];
    const m = inspectorModels([
      ...bad,
      { seq: 4, t: 3, type: 'message_sent', id: 'ok', to: ['b'], message: { performative: 'inform', sender: 'a', receiver: 'b' } },
    ]);
    assert.equal(m.summary.malformed, 4);
    assert.equal(m.summary.messages, 1);
    assert.deepEqual(m.lanes, ['a', 'b']);
    assert.equal(m.store.length, 5);
  });
});
