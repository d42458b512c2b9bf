import * as assert from 'node:assert/strict';
import { messageSchema, PERFORMATIVES, PROTOCOLS } from '../../schemas';
import { validatorOf } from '../../schemas/load';

describe('schemas', () => {
  // The one registry every part validates with (all schemas registered, the custom keywords included).
  const validateMessage = validatorOf(messageSchema.$id);

  it('compile together', () => assert.ok(validateMessage));
  it('list the 22 FIPA acts plus query', () => assert.equal(PERFORMATIVES.length, 23));
  it('accept a well-formed request and a conversation', () => {
    const m = { performative: 'request', sender: 'a', receiver: 'b', content: { x: 1 } };
    assert.equal(validateMessage(m), true);
    assert.equal(validateMessage([m, { ...m, performative: 'inform', sender: 'b', receiver: 'a' }]), true);
  });
  it('reject an unknown key and a bad performative', () => {
    assert.equal(validateMessage({ performative: 'acept_proposal', sender: 'a', receiver: 'b' }), false);
    assert.equal(validateMessage({ performative: 'inform', sender: 'a', receiver: 'b', colour: 1 }), false);
  });
  it('protocol transitions only name known states', () => {
    for (const [name, p] of Object.entries(PROTOCOLS)) {
      for (const t of p.transitions) {
        assert.ok(t.from in p.states && t.to in p.states, `${name}: ${t.from} -> ${t.to}`);
        assert.ok(PERFORMATIVES.includes(t.performative), `${name}: ${t.performative}`);
      }
    }
  });
});

import { startProtocol, stepProtocol } from '../../schemas/protocolMachine';

describe('protocol machine', () => {
  it('flags accept_proposal to a participant who never proposed', () => {
    let s = startProtocol('fipa-contract-net', 'manager');
    s = stepProtocol(s, { performative: 'cfp', sender: 'manager', receivers: ['worker-1', 'worker-2'] }).state;
    s = stepProtocol(s, { performative: 'propose', sender: 'worker-1', receivers: ['manager'] }).state;
    const r = stepProtocol(s, { performative: 'accept_proposal', sender: 'manager', receivers: ['worker-2'] });
    assert.equal(r.violations.length, 1);
    assert.equal(
      r.violations[0].message,
      'accept_proposal to worker-2, who was sent a cfp and never proposed; expected propose from worker-2, refuse from worker-2, not_understood from worker-2 or cancel to worker-2',
    );
  });
  it('accepts a complete fipa-request', () => {
    let s = startProtocol('fipa-request', 'a');
    for (const [p, from, to] of [
      ['request', 'a', 'b'],
      ['agree', 'b', 'a'],
      ['inform', 'b', 'a'],
    ] as const) {
      const r = stepProtocol(s, { performative: p, sender: from, receivers: [to] });
      assert.deepEqual(r.violations, []);
      s = r.state;
    }
    assert.equal(s.pairs.get('b'), 'done');
  });
});
