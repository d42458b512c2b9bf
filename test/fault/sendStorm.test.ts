/**
 * Load: a send-storm agent (100 sends per request, real wasm) floods a sink whose mailbox holds 16 messages, while
 * the calculator keeps answering requests. The storm is held by mailbox bounds and backpressure: every overflow is
 * a dead letter with a message_dropped trace event (and a failure notice to the sender), never a silent loss:
 * sent = delivered + dropped + still queued, checked mid-storm and at the end. The latency of a healthy
 * request-response during the storm is printed next to the quiet baseline (no timing asserts).
 */
import * as assert from 'node:assert/strict';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { startSession, type Session } from '../../runtime/node/session';
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
    let midStorm: { sent: number; terminal: number; queued: number } | undefined;
    const storm = setInterval(() => {
      for (let k = 0; k < 3 && triggers < TRIGGERS; k++, triggers++) {
        session.send({ performative: 'request', sender: 'tester', receiver: 'storm', content: { go: triggers } });
      }
      // Synchronous snapshot (trace events are emitted synchronously): every pair is delivered, dropped or queued.
      if (triggers === TRIGGERS / 2 && !midStorm) {
        const acc = openPairs(events);
        midStorm = { sent: acc.sent, terminal: acc.delivered + acc.dropped, queued: ['storm', 'sink', 'calculator'].reduce((n, a) => n + runtime.queued(a), 0) };
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

    const stormSends = events.filter((e): e is Extract<TraceEvent, { type: 'message_sent' }> => e.type === 'message_sent' && e.message.sender === 'storm');
    const drops = events.filter((e): e is Extract<TraceEvent, { type: 'message_dropped' }> => e.type === 'message_dropped');
    const sinkFull = drops.filter((d) => d.to === 'sink' && /mailbox full/.test(d.reason));
    const notices = events.filter((e) => e.type === 'message_sent' && e.message.sender === 'caxton' && e.message.receiver === 'storm' && (e.message.content as { error?: string })?.error === 'mailbox_full');
    const acc = openPairs(events);
    const stats = runtime.stats();

    console.log(`      [storm] ${triggers} triggers -> ${stormSends.length} storm sends to a sink with a ${MAILBOX}-message mailbox`);
    console.log(`      [storm] pairs sent ${acc.sent} = delivered ${acc.delivered} + dropped ${acc.dropped} + open ${acc.open.length}; mid-storm: sent ${midStorm?.sent} = terminal ${midStorm?.terminal} + queued ${midStorm?.queued}`);
    console.log(`      [storm] dead letters ${stats.dropped} (trace message_dropped ${drops.length}; sink mailbox_full ${sinkFull.length}; backpressure notices to storm ${notices.length}); lost silently ${acc.open.length}`);
    console.log(`      [storm] calculator latency quiet: ${percentiles(quiet)}; during the storm: ${percentiles(during)}`);

    assert.ok(stormSends.length >= 100, 'the storm happened');
    assert.ok(sinkFull.length > 0, 'the sink mailbox overflowed');
    assert.deepEqual(acc.open, [], 'no message lost silently: every (message, receiver) pair was delivered or dropped');
    assert.equal(stats.dropped, drops.length, 'every dead letter has its trace event');
    // The dead-letter record keeps the latest 1000 (bounded memory) but counts every drop; its newest is the trace's.
    const letters = runtime.deadLetters();
    assert.equal(letters.length, Math.min(1000, stats.dropped));
    assert.equal(letters[letters.length - 1].reason, drops[drops.length - 1].reason);
    assert.ok(midStorm, 'a mid-storm snapshot was taken');
    assert.equal(midStorm.sent, midStorm.terminal + midStorm.queued, 'mid-storm: sent = delivered + dropped + queued');
    // Backpressure: each overflow is answered to the storm agent with a failure (mailbox_full) it can act on.
    assert.equal(notices.length, sinkFull.length, 'every overflow told the storm agent');
    assert.equal(during.length, REQUESTS, 'every calculator request during the storm was answered');
  });

  it('the runtime still routes normally after the storm', async () => {
    const reply: FipaMessage = await session.request(calcRequest(2, 3, 'after-storm'));
    assert.deepEqual(reply.content, { result: 5 });
    assert.equal(session.runtime.queued('sink'), 0);
  });
});
