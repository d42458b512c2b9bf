import * as assert from 'node:assert/strict';
import { checkPatternExpectation, preparePattern } from '../../../runtime/protocols/scenarioPattern';
import { createHarness, scripted } from './support/testHarness';

describe('scenario pattern glue', () => {
  it('checks expect.pattern as a partial match, one line per field', () => {
    const outcome = { kind: 'bargaining', ok: true, reason: 'x', conversation_id: 'b', price: 180, terms: { item: 'bike', price: 180 } };
    assert.deepEqual(
      checkPatternExpectation({ price: 180, terms: { price: 180 } }, outcome).map((r) => r.ok),
      [true, true],
    );
    assert.deepEqual(
      checkPatternExpectation({ price: 170 }, outcome).map((r) => [r.ok, r.detail]),
      [[false, 'pattern price: 180, expected 170']],
    );
    assert.equal(checkPatternExpectation({ ok: true }, undefined)[0].ok, false);
    assert.deepEqual(checkPatternExpectation(undefined, outcome), []);
  });

  it('refuses a block without kind, naming the fix', () => {
    assert.throws(() => preparePattern({ start_price: 1 }), /pattern\.kind: is missing; write e\.g\. pattern: \{ kind: contract_net/);
  });

  it('gives a blackboard pattern a service for the runtime, reaching the runtime once started', async () => {
    const prepared = preparePattern({ kind: 'blackboard', coordinator: 'board', duration: 100 });
    assert.ok(prepared.blackboard);
    const h = createHarness('real', { blackboard: prepared.blackboard });
    const watcher = scripted(h, 'watcher', () => undefined);
    const done = prepared.start(h);
    prepared.blackboard.subscribe('a/', 'watcher');
    assert.equal(prepared.blackboard.write('a/1', 1, 'writer').ok, true);
    await h.clock.runAll(1000);
    assert.deepEqual(
      watcher.map((m) => [m.sender, (m.content as { key: string }).key]),
      [['board', 'a/1']],
    );
    assert.deepEqual((await done).entries, { 'a/1': { value: 1, version: 1, author: 'writer', updated_at: 0 } });
  });
});
