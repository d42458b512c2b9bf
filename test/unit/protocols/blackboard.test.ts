import * as assert from 'node:assert/strict';
import type { FipaMessage, TraceEventInput } from '../../../schemas';
import { Blackboard, writeEntry } from '../../../runtime/protocols/blackboard';
import { runPattern } from '../../../runtime/protocols';
import type { AgentResult } from '../../../runtime/core/types';
import { createHarness, eventsOf, scripted, type HarnessContext, type HarnessKind } from './support/testHarness';

const USAGE = { fuel: 0, memoryBytes: 0, durationMs: 0 };

function board(alive: string[] = ['reader', 'watcher', 'other']): {
  b: Blackboard;
  sent: FipaMessage[];
  trace: TraceEventInput[];
  clock: { t: number; now(): number };
} {
  const sent: FipaMessage[] = [];
  const trace: TraceEventInput[] = [];
  const clock = {
    t: 0,
    now() {
      return this.t;
    },
  };
  const b = new Blackboard({
    clock,
    trace: { emit: (e) => trace.push(e) },
    notify: (m) => sent.push(m),
    isAlive: (a) => alive.includes(a),
  });
  return { b, sent, trace, clock };
}

describe('blackboard', () => {
  it('versions entries from 1, stamps author and time, and leaves the input board unchanged (pure store)', () => {
    const empty = new Map();
    const first = writeEntry(empty, 'task/1', 'open', 'alice', 5);
    assert.equal(empty.size, 0);
    assert.deepEqual(first.result, { ok: true, entry: { key: 'task/1', value: 'open', version: 1, author: 'alice', updatedAt: 5 } });
    const second = writeEntry(first.board, 'task/1', 'taken', 'bob', 9, 1);
    assert.deepEqual(second.result, { ok: true, entry: { key: 'task/1', value: 'taken', version: 2, author: 'bob', updatedAt: 9 } });
  });

  const conflicts: Array<{ name: string; expected: number; current: number }> = [
    { name: 'a stale version', expected: 1, current: 2 },
    { name: 'create-only (0) on an existing key', expected: 0, current: 2 },
    { name: 'a version from the future', expected: 7, current: 2 },
  ];
  for (const c of conflicts) {
    it(`reports a conflict for ${c.name}, without applying it, and traces it`, () => {
      const { b, trace } = board();
      b.write('k', 'a', 'alice');
      b.write('k', 'b', 'bob');
      const r = b.write('k', 'c', 'carol', c.expected);
      assert.deepEqual(r.ok ? undefined : [r.reason, (r as { currentVersion: number }).currentVersion], ['conflict', c.current]);
      assert.equal(b.read('k', 'x')?.value, 'b');
      assert.deepEqual(trace.at(-1), { type: 'blackboard_write', key: 'k', version: c.current, author: 'carol', accepted: false });
    });
  }

  it('notifies subscribers of a key prefix (not the author, once each), and forgets one that went away', () => {
    const alive = ['reader', 'watcher', 'other'];
    const { b, sent, trace, clock } = board(alive);
    b.subscribe('orders/', 'reader');
    b.subscribe('orders/eu/', 'reader');
    b.subscribe('orders/', 'watcher');
    b.subscribe('stock/', 'other');
    clock.t = 42;
    b.write('orders/eu/7', { qty: 3 }, 'watcher');
    assert.deepEqual(
      sent.map((m) => m.receiver),
      ['reader'],
    );
    assert.deepEqual(sent[0].content, {
      event: 'changed',
      key: 'orders/eu/7',
      value: { qty: 3 },
      version: 1,
      author: 'watcher',
      updated_at: 42,
    });
    alive.splice(alive.indexOf('reader'), 1);
    b.write('orders/eu/8', 1, 'other');
    assert.deepEqual(
      sent.slice(1).map((m) => m.receiver),
      ['watcher'],
    );
    assert.deepEqual(b.subscribersOf('orders/x'), ['watcher']);
    assert.equal(trace.filter((e) => e.type === 'subscription' && e.action === 'unsubscribe').length, 2);
  });

  for (const kind of ['real', 'loop'] as HarnessKind[]) {
    it(`serves agents through the router's blackboard effects and as a message-speaking agent (${kind})`, async () => {
      // The service is built before the runtime that routes to it, so it reaches the runtime through `ref` lazily.
      const ref: { h?: HarnessContext } = {};
      const service = new Blackboard({
        name: 'board',
        clock: { now: () => ref.h!.clock.now() },
        trace: { emit: (e) => ref.h!.trace.emit(e) },
        notify: (m) => ref.h!.bus.send(m),
        isAlive: (a) => ref.h!.agentNames().includes(a),
      });
      const h = createHarness(kind, { blackboard: service });
      ref.h = h;
      const inbox: FipaMessage[] = [];
      h.addAgent({
        name: 'writer',
        async handle(m: FipaMessage): Promise<AgentResult> {
          inbox.push(m);
          if (m.performative === 'request')
            return {
              ok: true,
              usage: USAGE,
              effects: [
                { kind: 'blackboard_write', key: 'plan/a', value: 1 },
                { kind: 'blackboard_write', key: 'plan/a', value: 2, expected_version: 5 },
                { kind: 'blackboard_read', key: 'plan/a' },
              ],
            };
          return { ok: true, effects: [], usage: USAGE };
        },
        async dispose() {},
      });
      const watcher = scripted(h, 'watcher', () => undefined);
      const done = runPattern(
        { kind: 'blackboard', coordinator: 'board', board: service, duration: 1000, entries: { 'plan/seed': true } },
        h,
      );
      h.bus.send({ performative: 'subscribe', sender: 'watcher', receiver: 'board', content: { prefix: 'plan/' }, reply_with: 's1' });
      await h.flush();
      h.bus.send({ performative: 'request', sender: 'tester', receiver: 'writer', content: 'go' });
      await h.flush();
      const conflict = inbox.find((m) => m.performative === 'failure');
      assert.equal((conflict?.content as { reason?: string })?.reason, 'conflict');
      const read = inbox.find((m) => m.performative === 'inform');
      assert.deepEqual(read?.content, { key: 'plan/a', found: true, value: 1, version: 1, author: 'writer' });
      assert.deepEqual(
        watcher.map((m) => m.performative),
        ['agree', 'inform'],
      );
      assert.deepEqual(
        eventsOf(h, 'blackboard_write').map((e) => [e.key, e.version, e.accepted]),
        [
          ['plan/seed', 1, true],
          ['plan/a', 1, true],
          ['plan/a', 1, false],
        ],
      );
      await h.clock.runAll(5000);
      const out = await done;
      assert.deepEqual(Object.keys(out.entries as object), ['plan/a', 'plan/seed']);
    });
  }
});
