/**
 * Fault: an agent that traps on every message is restarted with backoff (100, 200, 400 ms on the simulated clock),
 * then failed for good, and the router never stalls: while its messages wait out the backoff, the calculator keeps
 * answering. Everything is asserted on the trace events, as the inspector would see them.
 */
import * as assert from 'node:assert/strict';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { SimulatedClock } from '../../runtime/core/clock';
import { startSession, type Session } from '../../runtime/node/session/session';
import { removeTemp } from '../security/securityFixtures';
import { calcRequest, faultWorkspace } from './faultWorkspace';

type StateEvent = Extract<TraceEvent, { type: 'agent_state' }>;

async function waitUntil(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('fault: an agent trapping on every message is restarted with backoff, then failed, without stalling the router', function () {
  this.timeout(60_000);
  let dir: string;
  let session: Session;
  const clock = new SimulatedClock();
  const events: TraceEvent[] = [];
  const states = (): StateEvent[] => events.filter((e): e is StateEvent => e.type === 'agent_state' && e.agent === 'trapper');
  const toTrapper = (i: number): FipaMessage => ({
    performative: 'request',
    sender: 'tester',
    receiver: 'trapper',
    conversation_id: `t${i}`,
    reply_with: `t${i}`,
    content: { n: i },
  });

  before(async () => {
    dir = await faultWorkspace('trap', [
      { name: 'trapper', wat: 'trap-always', manifest: 'restart:\n  policy: reset\n  max_restarts: 3\n  backoff: 100ms\n' },
    ]);
    session = await startSession({ folder: dir, clock, onTrace: (e) => events.push(e), requestTimeoutMs: 60_000 });
  });

  after(async () => {
    await session?.stop();
    removeTemp(dir);
  });

  it('restarts 3 times with doubling backoff, then fails for good; the calculator answers throughout', async () => {
    const started = performance.now();
    const failures = () => states().filter((s) => s.to === 'failed').length;
    const calcAnswers: number[] = [];
    session.send(toTrapper(0));
    for (let round = 1; round <= 3; round++) {
      await waitUntil(`failure ${round}`, () => failures() === round);
      // Backoff pending: the next message waits in the trapper's mailbox; the router keeps serving the others.
      session.send(toTrapper(round));
      const reply = await session.request(calcRequest(round, 10, `calc-during-backoff-${round}`));
      assert.deepEqual(reply.content, { result: round + 10 }, `the calculator answered during backoff ${round}`);
      calcAnswers.push(round);
      assert.equal(session.runtime.agentState('trapper'), 'failed');
      await session.runtime.advance(100 * 2 ** (round - 1));
    }
    await waitUntil('the final failure', () => failures() === 4);
    const stoppedAfterMs = performance.now() - started;
    session.send(toTrapper(99));
    await session.runtime.idle();
    const after = await session.request(calcRequest(7, 7, 'calc-after'));
    assert.deepEqual(after.content, { result: 14 });

    const seq = states().map((s) => `${s.from}>${s.to}${s.reason && /^restart/.test(s.reason) ? ` (${s.reason})` : ''}`);
    assert.deepEqual(seq, [
      'unloaded>loaded',
      'loaded>running',
      'running>failed',
      'failed>loaded (restart 1 of 3)',
      'loaded>running',
      'running>failed',
      'failed>loaded (restart 2 of 3)',
      'loaded>running',
      'running>failed',
      'failed>loaded (restart 3 of 3)',
      'loaded>running',
      'running>failed',
    ]);
    // Backoff doubles per restart, on the runtime clock (simulated: exact).
    const s = states();
    const delays = [3, 6, 9].map((i) => s[i].t - s[i - 1].t);
    assert.deepEqual(delays, [100, 200, 400]);
    for (const f of s.filter((x) => x.to === 'failed')) assert.match(f.reason ?? '', /^trap: handler trapped: unreachable/);
    // Every message to it is accounted for: four agent failures, then refusals once it is failed for good.
    const drops = events.filter(
      (e): e is Extract<TraceEvent, { type: 'message_dropped' }> => e.type === 'message_dropped' && e.to === 'trapper',
    );
    assert.equal(drops.filter((d) => /agent failed: 'trapper' trap:/.test(d.reason)).length, 4);
    assert.ok(
      drops.some((d) => /not_running/.test(d.reason)),
      'a message after the final failure is refused, not lost',
    );
    // Effects are data: the log it made before trapping is discarded with the failed call, never half-performed.
    assert.equal(events.filter((e) => e.type === 'agent_log' && e.agent === 'trapper').length, 0);
    const calcReplies = events.filter(
      (e) => e.type === 'message_sent' && e.message.sender === 'calculator' && /^calc-/.test(e.message.in_reply_to ?? ''),
    );
    assert.equal(calcReplies.length, 4, 'the calculator replied to every request (trace)');
    const failedAt = s[s.length - 1].t;
    console.log(
      `      [trap] trapper: 3 restarts (backoff ${delays.join(', ')} ms), failed for good at t=${failedAt} ms (runtime clock), ${stoppedAfterMs.toFixed(0)} ms real time; calculator answered ${calcAnswers.length + 1} requests meanwhile`,
    );
  });
});
