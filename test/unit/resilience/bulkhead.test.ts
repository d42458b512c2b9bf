import * as assert from 'node:assert/strict';
import type { TraceEventInput } from '../../../schemas';
import { settle } from '../../../runtime/core/clock';
import { Bulkhead, bulkheadStep, BulkheadRejectedError, emptyBulkhead } from '../../../runtime/resilience';

describe('bulkhead machine (pure)', () => {
  const c = { maxConcurrent: 1, maxQueue: 1 };
  it('starts, queues, rejects, then hands the freed slot to the oldest waiter', () => {
    const a = bulkheadStep(emptyBulkhead, { type: 'request', id: 1 }, c);
    const b = bulkheadStep(a.state, { type: 'request', id: 2 }, c);
    const r = bulkheadStep(b.state, { type: 'request', id: 3 }, c);
    const rel = bulkheadStep(b.state, { type: 'release' }, c);
    assert.deepEqual(
      [a.effects, b.effects, r.effects, rel.effects],
      [
        [{ kind: 'start', id: 1 }],
        [{ kind: 'enqueue', id: 2, position: 0 }],
        [{ kind: 'reject', id: 3, active: 1, queued: 1 }],
        [{ kind: 'start', id: 2 }],
      ],
    );
    assert.deepEqual(rel.state, { active: 1, queue: [] });
    assert.deepEqual(bulkheadStep(rel.state, { type: 'release' }, c).state, emptyBulkhead);
  });
  it('a cancelled waiter leaves the queue', () => {
    const s = { active: 1, queue: [4, 5] };
    assert.deepEqual(bulkheadStep(s, { type: 'cancel', id: 4 }, c).state, { active: 1, queue: [5] });
  });
});

describe('Bulkhead (driver)', () => {
  it('runs at most max_concurrent, queues max_queue, and rejects the rest with a clear error and event', async () => {
    const events: TraceEventInput[] = [];
    const bh = new Bulkhead({
      route: 'analyzer',
      maxConcurrent: 2,
      maxQueue: 1,
      trace: {
        emit: (e) => {
          events.push(e);
        },
      },
    });
    let running = 0,
      peak = 0;
    const gates: Array<() => void> = [];
    const job = () =>
      bh.execute(
        () =>
          new Promise<number>((r) => {
            running++;
            peak = Math.max(peak, running);
            gates.push(() => {
              running--;
              r(1);
            });
          }),
      );
    const jobs = [job(), job(), job()];
    await settle();
    assert.equal(bh.active, 2);
    assert.equal(bh.queued, 1);
    await assert.rejects(
      job(),
      (e: unknown) =>
        e instanceof BulkheadRejectedError &&
        e.message ===
          'bulkhead for analyzer rejected the call: 2 running (max_concurrent 2) and 1 queued (max_queue 1); raise bulkhead.max_queue or max_concurrent, or slow the callers',
    );
    assert.deepEqual(events, [{ type: 'bulkhead_rejected', route: 'analyzer', active: 2, queued: 1 }]);
    while (gates.length) {
      gates.shift()!();
      await settle();
    }
    assert.deepEqual(await Promise.all(jobs), [1, 1, 1]);
    assert.equal(peak, 2);
    assert.equal(bh.active, 0);
  });

  it('a queued call whose caller aborts leaves the queue with an error', async () => {
    const bh = new Bulkhead({ route: 'r', maxConcurrent: 1, maxQueue: 5 });
    let release!: () => void;
    const first = bh.execute(
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    const ac = new AbortController();
    const second = bh.execute(async () => 'ran', { signal: ac.signal });
    await settle();
    assert.equal(bh.queued, 1);
    ac.abort();
    await assert.rejects(second, /r: call abandoned/);
    assert.equal(bh.queued, 0);
    release();
    await first;
    assert.equal(bh.active, 0);
  });
});
