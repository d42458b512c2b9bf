import * as assert from 'node:assert/strict';
import type { PipelineFile } from '../../../schemas';
import { runPipeline } from '../../../runtime/workflow';
import { ScriptedAgent } from './support/agents';
import { TestHarness } from './support/testBus';

const booking = (failOn: string, compFails: string[] = []): { h: TestHarness; file: PipelineFile } => {
  const h = new TestHarness();
  // One agent per resource: it books (returns an id) or cancels (echoes the id it was given).
  for (const what of ['flight', 'hotel', 'car']) {
    h.add(
      new ScriptedAgent(what, h.clock, (c) => {
        if (c.action === `book_${what}`)
          return what === failOn
            ? { fail: `no ${what} available` }
            : { reply: { [`${what}_id`]: `${what.toUpperCase()}-1`, ...(c.input as object) } };
        if (c.action === `cancel_${what}`)
          return compFails.includes(what) ? { fail: `${what} cancellation desk closed` } : { reply: { cancelled: c.input } };
        return { fail: `unknown action ${c.action}` };
      }),
    );
  }
  const stage = (what: string) => ({
    name: `book_${what}`,
    agent: what,
    action: `book_${what}`,
    compensation: { agent: what, action: `cancel_${what}` },
  });
  return { h, file: { pipeline: { name: 'trip', on_failure: 'compensate', stages: [stage('flight'), stage('hotel'), stage('car')] } } };
};

async function run(h: TestHarness, file: PipelineFile) {
  const p = runPipeline(file, h.ctx, { input: { trip: 7 } });
  await h.clock.runAll();
  return p;
}

describe('saga (on_failure: compensate)', () => {
  it('the third step fails: compensations run in reverse order, each given its stage output', async () => {
    const { h, file } = booking('car');
    const r = await run(h, file);
    assert.equal(r.ok, false);
    assert.deepEqual(r.compensations, [
      { stage: 'book_hotel', agent: 'hotel', action: 'cancel_hotel', ok: true },
      { stage: 'book_flight', agent: 'flight', action: 'cancel_flight', ok: true },
    ]);
    const cancels = h.sent.filter((m) => (m.content as { action?: string })?.action?.startsWith('cancel_'));
    assert.deepEqual(
      cancels.map((m) => [m.receiver, (m.content as { input: unknown }).input]),
      [
        ['hotel', { hotel_id: 'HOTEL-1', flight_id: 'FLIGHT-1', trip: 7 }],
        ['flight', { flight_id: 'FLIGHT-1', trip: 7 }],
      ],
    );
    assert.equal(r.error, "stage 3 'book_car' failed: car replied failure: no car available; compensated 'book_hotel', 'book_flight'");
    assert.deepEqual(
      h.eventsOf('saga_step').map((e) => `${e.action} ${e.step} ${e.ok}`),
      ['run book_flight true', 'run book_hotel true', 'run book_car false', 'compensate book_hotel true', 'compensate book_flight true'],
    );
  });

  it('a failing compensation is reported, not swallowed, and the remaining compensations still run', async () => {
    const { h, file } = booking('car', ['hotel']);
    const r = await run(h, file);
    assert.deepEqual(
      r.compensations.map((c) => [c.stage, c.ok, c.error]),
      [
        ['book_hotel', false, 'hotel replied failure: hotel cancellation desk closed'],
        ['book_flight', true, undefined],
      ],
    );
    assert.match(r.error!, /compensation failed for 'book_hotel' \(hotel replied failure: hotel cancellation desk closed\)$/);
    assert.deepEqual(
      h
        .eventsOf('saga_step')
        .filter((e) => e.action === 'compensate')
        .map((e) => [e.step, e.ok, e.error]),
      [
        ['book_hotel', false, 'hotel replied failure: hotel cancellation desk closed'],
        ['book_flight', true, undefined],
      ],
    );
  });

  it('a first-step failure compensates nothing; a stop pipeline never compensates', async () => {
    const first = booking('flight');
    assert.deepEqual((await run(first.h, first.file)).compensations, []);
    const stop = booking('car');
    stop.file.pipeline.on_failure = 'stop';
    const r = await run(stop.h, stop.file);
    assert.deepEqual(r.compensations, []);
    assert.equal(stop.h.eventsOf('saga_step').length, 0);
  });
});
