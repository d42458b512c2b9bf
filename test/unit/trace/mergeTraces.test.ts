/** mergeTraces: causal order across nodes from message ids and per-node seq, never from wall clocks. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TraceEvent } from '../../../schemas';
import { mergeTraces, type NodeTrace } from '../../../runtime/trace/mergeTraces';

const msg = (from: string, to: string) => ({ performative: 'request' as const, sender: from, receiver: to });
const sent = (seq: number, t: number, id: string, from: string, to: string): TraceEvent => ({
  seq,
  t,
  type: 'message_sent',
  id,
  message: msg(from, to),
  to: [to],
});
const delivered = (seq: number, t: number, id: string, to: string): TraceEvent => ({ seq, t, type: 'message_delivered', id, to });
const log = (seq: number, t: number, agent: string, text: string): TraceEvent => ({
  seq,
  t,
  type: 'agent_log',
  agent,
  level: 'info',
  text,
});
const label = (e: TraceEvent): string =>
  `${e.node}:${e.type === 'message_sent' ? `sent ${e.id}` : e.type === 'message_delivered' ? `delivered ${e.id}` : e.type === 'agent_log' ? e.text : e.type}`;

/** Assert the merged order is a linear extension of the causal order, seq is fresh and every event kept. */
function assertCausal(traces: NodeTrace[], merged: TraceEvent[]): void {
  assert.equal(
    merged.length,
    traces.reduce((n, t) => n + t.events.length, 0),
  );
  merged.forEach((e, i) => assert.equal(e.seq, i));
  const pos = new Map<string, number>();
  merged.forEach((e, i) => {
    if (e.type === 'message_sent') pos.set(e.id, Math.min(pos.get(e.id) ?? i, i));
  });
  merged.forEach((e, i) => {
    if (e.type === 'message_delivered' && pos.has(e.id)) assert.ok(pos.get(e.id)! < i, `${e.id} delivered before sent`);
  });
  for (const t of traces) {
    const mine = merged.filter((e) => e.node === t.node).map((e) => `${e.type}:${e.t}`);
    assert.deepEqual(
      mine,
      [...t.events].sort((a, b) => a.seq - b.seq).map((e) => `${e.type}:${e.t}`),
      `${t.node} keeps its own order`,
    );
  }
}

describe('mergeTraces', () => {
  it('orders a causal chain across three nodes whatever their wall clocks say', () => {
    // A -> B -> C -> A; the clocks disagree wildly (B is an hour behind, C's clock runs backwards relative to A).
    const a: NodeTrace = {
      node: 'A',
      events: [sent(0, 5000, 'm1', 'x', 'y'), log(1, 5001, 'x', 'waiting'), delivered(2, 5002, 'm3', 'x'), log(3, 5003, 'x', 'done')],
    };
    const b: NodeTrace = { node: 'B', events: [delivered(1, 3, 'm1', 'y'), sent(2, 4, 'm2', 'y', 'z'), log(0, 1, 'y', 'b-start')] };
    const c: NodeTrace = { node: 'C', events: [delivered(0, 900, 'm2', 'z'), sent(1, 100, 'm3', 'z', 'x')] };
    const { events, problems } = mergeTraces([c, b, a]);
    assert.deepEqual(problems, []);
    assertCausal([c, b, a], events);
    const order = events.map(label);
    const at = (l: string): number => order.indexOf(l);
    assert.ok(
      at('A:sent m1') < at('B:delivered m1') &&
        at('B:delivered m1') < at('B:sent m2') &&
        at('B:sent m2') < at('C:delivered m2') &&
        at('C:delivered m2') < at('C:sent m3') &&
        at('C:sent m3') < at('A:delivered m3') &&
        at('A:delivered m3') < at('A:done'),
      order.join(' | '),
    );
    // t is kept as each node recorded it.
    assert.equal(events.find((e) => label(e) === 'B:delivered m1')!.t, 3);
  });

  it('puts a delivery after its send even when the receiver clock says it came first', () => {
    const a: NodeTrace = { node: 'A', events: [sent(0, 100, 'm', 'x', 'y')] };
    const b: NodeTrace = { node: 'B', events: [delivered(0, 1, 'm', 'y')] };
    assert.deepEqual(mergeTraces([b, a]).events.map(label), ['A:sent m', 'B:delivered m']);
  });

  it('interleaves independent nodes deterministically (Lamport time, then node order), not one node after another', () => {
    const a: NodeTrace = { node: 'A', events: [0, 1, 2].map((i) => log(i, 1000 + i, 'x', `a${i}`)) };
    const b: NodeTrace = { node: 'B', events: [0, 1, 2].map((i) => log(i, i, 'y', `b${i}`)) };
    assert.deepEqual(mergeTraces([a, b]).events.map(label), ['A:a0', 'B:b0', 'A:a1', 'B:b1', 'A:a2', 'B:b2']);
    assert.deepEqual(mergeTraces([a, b]), mergeTraces([a, b]), 'the same inputs, the same merge');
  });

  it("keeps an event's own node field, and names the rest after their trace", () => {
    const a: NodeTrace = { node: 'file-a', events: [{ ...log(0, 0, 'x', 'one'), node: 'n7' }, log(1, 1, 'x', 'two')] };
    assert.deepEqual(
      mergeTraces([a]).events.map((e) => e.node),
      ['n7', 'file-a'],
    );
  });

  it('does not wait for a send no trace has (a message from outside), nor for a send later on the same node', () => {
    const a: NodeTrace = { node: 'A', events: [delivered(0, 0, 'ext', 'x'), delivered(1, 1, 'self', 'x'), sent(2, 2, 'self', 'x', 'x')] };
    const r = mergeTraces([a]);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.events.map(label), ['A:delivered ext', 'A:delivered self', 'A:sent self']);
  });

  it('reports traces that contradict each other (a cycle) and still keeps every event', () => {
    const a: NodeTrace = { node: 'A', events: [delivered(0, 0, 'm2', 'x'), sent(1, 1, 'm1', 'x', 'y')] };
    const b: NodeTrace = { node: 'B', events: [delivered(0, 0, 'm1', 'y'), sent(1, 1, 'm2', 'y', 'x')] };
    const r = mergeTraces([a, b]);
    assert.equal(r.events.length, 4);
    assert.equal(r.problems.length, 1);
    assert.match(
      r.problems[0],
      /A seq 0: message_delivered of message m2 cannot come after its message_sent \(the traces contradict each other: a cycle\)/,
    );
  });

  it('is a linear extension of the causal order for random runs over 2-4 nodes with random clocks (fast-check)', () => {
    // Simulate a run: each step a node either logs, sends to another node, or delivers a message in flight to it.
    const steps = fc.array(fc.tuple(fc.nat(3), fc.nat(3), fc.nat(2), fc.nat(10_000)), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), steps, (n, plan) => {
        const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
        const events = nodes.map(() => [] as TraceEvent[]);
        const inFlight = nodes.map(() => [] as string[]);
        let id = 0;
        for (const [who, other, action, t] of plan) {
          const me = who % n;
          const push = (e: TraceEvent): void => {
            events[me].push({ ...e, seq: events[me].length });
          };
          if (action === 0) push(log(0, t, 'a', 'x'));
          else if (action === 1) {
            const m = `m${id++}`;
            const to = (me + 1 + (other % (n - 1))) % n;
            push(sent(0, t, m, `a${me}`, `a${to}`));
            inFlight[to].push(m);
          } else if (inFlight[me].length) push(delivered(0, t, inFlight[me].splice(other % inFlight[me].length, 1)[0], `a${me}`));
        }
        const traces = nodes.map((node, i) => ({ node, events: events[i] }));
        const r = mergeTraces(traces);
        assert.deepEqual(r.problems, []);
        assertCausal(traces, r.events);
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
