import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { allSchemas, traceEventSchema } from '../../../schemas';
import type { TraceEvent } from '../../../schemas/trace';
import { buildModel, emptyModel, filterRows, reduceTrace, breakerStateAt } from '../../../client/webview/traceModel';
import { Replay } from '../../../client/webview/replay';
import { fixturesDir } from '../../support/paths';
import { syntheticTrace } from '../../browser/syntheticTrace';

function readTrace(name: string): TraceEvent[] {
  return fs.readFileSync(path.join(fixturesDir, 'traces', name), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TraceEvent);
}

describe('inspector trace model', () => {
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
    const m = buildModel(events);
    assert.deepEqual(m.agentOrder.slice(0, 3), ['client', 'calculator', 'auctioneer']);
    assert.equal(m.totals.messages, events.filter((e) => e.type === 'message_sent').length);
    const first = m.rows.find((r) => r.kind === 'message');
    assert.ok(first && first.kind === 'message');
    assert.equal(first.performative, 'request');
    assert.equal(first.status, 'delivered');
    assert.deepEqual(first.delivered, ['calculator']);
    const failure = m.rows.find((r) => r.kind === 'message' && r.performative === 'failure');
    assert.equal(failure?.kind === 'message' && failure.alarm, 'failure');
    const markers = m.rows.filter((r) => r.kind === 'marker').map((r) => r.kind === 'marker' && r.marker);
    for (const k of ['timeout', 'violation', 'dropped', 'agent_failed', 'conversation_ended']) assert.ok(markers.includes(k as never), k);
  });

  it('groups and filters by conversation', () => {
    const m = buildModel(events);
    assert.deepEqual([...m.conversations.keys()].slice(0, 3), ['calc-1', 'calc-2', 'calc-3']);
    assert.equal(m.conversations.get('calc-1')?.outcome, 'done');
    assert.equal(m.conversations.get('calc-3')?.timeouts, 1);
    const calc1 = filterRows(m.rows, 'calc-1');
    assert.deepEqual(calc1.map((r) => (r.kind === 'message' ? r.performative : r.marker)), ['request', 'agree', 'inform', 'conversation_ended']);
    assert.equal(filterRows(m.rows, undefined), m.rows);
  });

  it('collects auction rounds with leader and winner, and contract-net proposals with the award', () => {
    const m = buildModel(events);
    const a = m.auctions.get('auction-1')!;
    assert.deepEqual(a.rounds.map((r) => [r.round, r.price, r.leader]), [[1, 100, 'alice'], [2, 110, 'bob'], [3, 120, 'bob']]);
    assert.deepEqual(a.bidders, ['alice', 'bob', 'carol']);
    assert.equal(a.winner, 'bob');
    assert.equal(a.price, 120);
    const c = m.contractNets.get('cnet-1')!;
    assert.deepEqual(c.proposals.map((p) => p.agent), ['fast', 'cheap']);
    assert.equal(c.winner, 'cheap');
  });

  it('follows breaker states, retries and bulkhead rejections per route', () => {
    const r = buildModel(events).routes.get('orders/charge')!;
    assert.deepEqual(r.transitions.map((t) => t.to), ['open', 'half_open', 'closed']);
    assert.equal(r.state, 'closed');
    assert.equal(r.retries.length, 3);
    assert.equal(r.rejections.length, 1);
    assert.equal(breakerStateAt(r, 0), 'closed');
    assert.equal(breakerStateAt(r, r.transitions[0].t), 'open');
  });

  it('counts agent messages, fuel, memory, failures and restarts', () => {
    const calc = buildModel(events).agents.get('calculator')!;
    assert.equal(calc.messagesIn, 3);
    assert.equal(calc.messagesOut, 3);
    assert.equal(calc.fuel, 900);
    assert.equal(calc.fuelTotal, 2100);
    assert.equal(calc.memoryPeak, 131072);
    assert.equal(calc.failures, 1);
    assert.equal(calc.restarts, 1);
    assert.equal(calc.state, 'running');
  });

  it('is pure: reducing never changes the previous model, and batches equal one-by-one', () => {
    const half = buildModel(events.slice(0, 40));
    const before = JSON.stringify([half.rows, [...half.agents], [...half.routes], half.totals]);
    const full = reduceTrace(half, events.slice(40));
    assert.equal(JSON.stringify([half.rows, [...half.agents], [...half.routes], half.totals]), before);
    let stepwise = emptyModel();
    for (const e of events) stepwise = reduceTrace(stepwise, [e]);
    assert.deepEqual(stepwise, full);
    assert.equal(reduceTrace(full, []), full);
  });

  it('ignores unknown event types but counts them', () => {
    const m = buildModel([...events, { seq: events.length, t: 999, type: 'from_the_future' } as unknown as TraceEvent]);
    assert.equal(m.totals.unknown, 1);
  });

  it('replays: seeking back and forth gives the same model as building from scratch', () => {
    const big = syntheticTrace(10_000);
    const replay = new Replay();
    replay.reset(big);
    assert.equal(replay.cursor, 10_000);
    for (const n of [0, 1, 4321, 9999, 2000, 10_000, 17]) {
      assert.deepEqual(replay.seek(n), buildModel(big.slice(0, n)), `seek(${n})`);
    }
    replay.seek(100);
    replay.append([{ ...big[0], seq: 10_000 }]);
    assert.equal(replay.cursor, 100, 'does not follow when the cursor is not at the end');
    replay.seek(10_001);
    replay.append([{ ...big[0], seq: 10_001 }]);
    assert.equal(replay.cursor, 10_002, 'follows live events at the end');
  });
});
