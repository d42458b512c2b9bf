/**
 * Load: a send-storm agent (100 sends per request, real wasm) floods a sink whose mailbox holds 16 messages, while
 * the calculator keeps answering requests. The storm is held by mailbox bounds and backpressure: every overflow is
 * a dead letter with a message_dropped trace event (and a failure notice to the sender), never a silent loss:
 * sent = delivered + dropped at the end of a real-time storm, and sent = delivered + dropped + queued after every
 * step of the same storm on the simulated clock (a step boundary is the one moment all shards are still at once).
 * The latency of a healthy request-response during the storm is printed next to the quiet baseline (no timing asserts).
 */
import * as assert from 'node:assert/strict';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { SimulatedClock } from '../../runtime/core/clock';
import { startSession, type Session } from '../../runtime/node/session/session';
import { removeTemp } from '../security/securityFixtures';
import { calcRequest, faultWorkspace, openPairs, percentiles } from './faultWorkspace';

const MAILBOX = 16;
const TRIGGERS = 60;
const REQUESTS = 25;

describe('fault: a send storm is bounded and counted while other agents keep answering', function () {
  this.timeout(120_000);
  let dir: string;
  let session: Session;
  const events: TraceEvent[] = [];

  before(async () => {
    dir = await faultWorkspace('storm', [
      { name: 'storm', wat: 'storm-on-request', manifest: `limits:\n  mailbox: ${MAILBOX}\n` },
      { name: 'sink', wat: 'sink', manifest: `limits:\n  mailbox: ${MAILBOX}\n` },
    ]);
    session = await startSession({ folder: dir, onTrace: (e) => events.push(e), requestTimeoutMs: 60_000 });
  });

  after(async () => {
    await session?.stop();
    removeTemp(dir);
  });

  async function timedCalc(i: number): Promise<number> {
    const t = performance.now();
    const reply = await session.request(calcRequest(i, 1000, `calc-${i}-${Math.random().toString(36).slice(2, 7)}`));
    const ms = performance.now() - t;
    assert.equal(reply.performative, 'inform', JSON.stringify(reply));
    assert.deepEqual(reply.content, { result: i + 1000 });
    return ms;
  }

  it('drops overflow as counted dead letters, loses nothing silently, and the calculator keeps answering', async () => {
    const { runtime } = session;
    const quiet: number[] = [];
    for (let i = 0; i < REQUESTS; i++) quiet.push(await timedCalc(i));

    // The storm: triggers arrive every millisecond or so while the calculator is asked, one request at a time.
    let triggers = 0;
    const storm = setInterval(() => {
      for (let k = 0; k < 3 && triggers < TRIGGERS; k++, triggers++) {
        session.send({ performative: 'request', sender: 'tester', receiver: 'storm', content: { go: triggers } });
      }
    }, 1);
    const during: number[] = [];
    try {
      for (let i = 0; i < REQUESTS; i++) during.push(await timedCalc(100 + i));
      while (triggers < TRIGGERS) await new Promise((r) => setTimeout(r, 5));
    } finally {
      clearInterval(storm);
    }
    await runtime.idle();

    const stormSends = events.filter(
      (e): e is Extract<TraceEvent, { type: 'message_sent' }> => e.type === 'message_sent' && e.message.sender === 'storm',
    );
    const drops = events.filter((e): e is Extract<TraceEvent, { type: 'message_dropped' }> => e.type === 'message_dropped');
    const sinkFull = drops.filter((d) => d.to === 'sink' && /mailbox full/.test(d.reason));
    const notices = events.filter(
      (e) =>
        e.type === 'message_sent' &&
        e.message.sender === 'caxton' &&
        e.message.receiver === 'storm' &&
        (e.message.content as { error?: string })?.error === 'mailbox_full',
    );
    const acc = openPairs(events);
    const stats = runtime.stats();

    console.log(`      [storm] ${triggers} triggers -> ${stormSends.length} storm sends to a sink with a ${MAILBOX}-message mailbox`);
    console.log(`      [storm] pairs sent ${acc.sent} = delivered ${acc.delivered} + dropped ${acc.dropped} + open ${acc.open.length}`);
    console.log(
      `      [storm] dead letters ${stats.dropped} (trace message_dropped ${drops.length}; sink mailbox_full ${sinkFull.length}; backpressure notices to storm ${notices.length}); lost silently ${acc.open.length}`,
    );
    console.log(`      [storm] calculator latency quiet: ${percentiles(quiet)}; during the storm: ${percentiles(during)}`);

    assert.ok(stormSends.length >= 100, 'the storm happened');
    assert.ok(sinkFull.length > 0, 'the sink mailbox overflowed');
    assert.deepEqual(acc.open, [], 'no message lost silently: every (message, receiver) pair was delivered or dropped');
    assert.equal(stats.dropped, drops.length, 'every dead letter has its trace event');
    // The dead-letter record keeps the latest 1000 (bounded memory) but counts every drop; its newest is the trace's.
    const letters = runtime.deadLetters();
    assert.equal(letters.length, Math.min(1000, stats.dropped));
    assert.equal(letters[letters.length - 1].reason, drops[drops.length - 1].reason);
    // Backpressure: each overflow is answered to the storm agent with a failure (mailbox_full) it can act on.
    assert.equal(notices.length, sinkFull.length, 'every overflow told the storm agent');
    assert.equal(during.length, REQUESTS, 'every calculator request during the storm was answered');
  });

  it('the runtime still routes normally after the storm', async () => {
    const reply: FipaMessage = await session.request(calcRequest(2, 3, 'after-storm'));
    assert.deepEqual(reply.content, { result: 5 });
    assert.equal(session.runtime.queued('sink'), 0);
  });

  it('on the simulated clock, after every step of the storm: sent = delivered + dropped + queued', async () => {
    const stepped: TraceEvent[] = [];
    const sim = await startSession({ folder: dir, clock: new SimulatedClock(), onTrace: (e) => stepped.push(e), workers: 2 });
    const snapshots: Array<{ tick: number; sent: number; terminal: number; queued: number }> = [];
    const off = sim.runtime.onStep((tick) => {
      const acc = openPairs(stepped);
      snapshots.push({ tick, sent: acc.sent, terminal: acc.delivered + acc.dropped, queued: sim.runtime.inFlight() });
    });
    try {
      for (let i = 0; i < 20; i++) sim.send({ performative: 'request', sender: 'tester', receiver: 'storm', content: { go: i } });
      await sim.runtime.idle();
    } finally {
      off();
      await sim.stop();
    }
    const overflow = stepped.filter((e) => e.type === 'message_dropped' && e.to === 'sink' && /mailbox full/.test(e.reason));
    assert.ok(overflow.length > 0, 'the sink mailbox overflowed');
    assert.ok(snapshots.length >= 3, `the storm took several steps (${snapshots.length})`);
    for (const s of snapshots)
      assert.equal(
        s.sent,
        s.terminal + s.queued,
        `tick ${s.tick}: sent ${s.sent} = delivered + dropped ${s.terminal} + queued ${s.queued}`,
      );
    assert.equal(snapshots[snapshots.length - 1].queued, 0, 'nothing is left queued once idle');
    console.log(
      `      [storm, simulated] ${snapshots.length} steps; at the busiest: ${JSON.stringify(snapshots.reduce((a, b) => (b.queued > a.queued ? b : a)))}`,
    );
  });
});
