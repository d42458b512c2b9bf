import * as assert from 'node:assert/strict';
import type { AgentErrorKind } from '../../../runtime/core/types';
import type { WasmAgent } from '../../../runtime/sandbox';
import { assertCalculatorAnswers, loadCalculator, loadFixture, waitFor } from './harness';

/** Each hostile fixture must be stopped with a clear error while the healthy calculator keeps answering. */
describe('sandbox: hostile agents are stopped, healthy ones keep answering', function () {
  this.timeout(60_000);
  let calc: WasmAgent;
  const agents: WasmAgent[] = [];
  before(async () => {
    calc = await loadCalculator();
  });
  after(async () => {
    await Promise.all([calc, ...agents].map((a) => a.dispose()));
  });

  const cases: Array<{ fixture: string; kind: AgentErrorKind; message: RegExp; limits?: object }> = [
    {
      fixture: 'hostile/infinite-loop',
      kind: 'fuel_exhausted',
      message: /handler used more than its 100000 fuel/,
      limits: { fuelPerMessage: 100_000 },
    },
    {
      fixture: 'hostile/memory-hog',
      kind: 'memory_limit',
      message: /trapped at the 1048576-byte memory cap/,
      limits: { memoryBytes: 1024 * 1024 },
    },
    { fixture: 'hostile/oversized-output', kind: 'oversized_output', message: /send of 2000000 bytes exceeds the 1048576-byte limit/ },
    { fixture: 'hostile/trap', kind: 'trap', message: /handler trapped: divide by zero/ },
    { fixture: 'hostile/send-storm', kind: 'oversized_output', message: /send storm: more than 100 sends while handling one message/ },
    {
      fixture: 'hostile/log-flood',
      kind: 'oversized_output',
      message: /more than 1000 effects \(sends, logs, \.\.\.\) while handling one message/,
    },
    { fixture: 'hostile/bad-json', kind: 'bad_output', message: /send is not valid JSON: \{not json/ },
  ];

  for (const c of cases) {
    it(`${c.fixture} -> ${c.kind}`, async () => {
      const states: string[] = [];
      const agent = await loadFixture(
        c.fixture,
        { restart: { policy: 'reset', max_restarts: 1 } },
        { limits: c.limits, onStateChange: (s) => states.push(`${s.from}>${s.to}`) },
      );
      agents.push(agent);
      const result = await agent.handle({ performative: 'request', sender: 'tester', receiver: agent.name, content: {} });
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.error.kind, c.kind, result.error.message);
        assert.match(result.error.message, c.message);
      }
      if (c.kind === 'memory_limit')
        assert.ok(result.usage.memoryBytes <= 1024 * 1024, `memory stayed under the cap (${result.usage.memoryBytes})`);
      await assertCalculatorAnswers(calc);
      await waitFor(() => agent.state === 'running');
      if (c.kind === 'fuel_exhausted') {
        // Running out of fuel fails that message only: no crash, no restart counted (SECURITY.md), a fresh instance next.
        assert.deepEqual(states, ['unloaded>loaded', 'loaded>running']);
        assert.equal(agent.usage.restarts, 0);
        return;
      }
      // Reset policy: the agent was failed, then restarted with a fresh instance.
      assert.deepEqual(states.slice(0, 5), ['unloaded>loaded', 'loaded>running', 'running>failed', 'failed>loaded', 'loaded>running']);
      assert.equal(agent.usage.restarts, 1);
    });
  }

  it('status 1 from caxton_handle is bad_input: no failure, no restart, the instance stays', async () => {
    const states: string[] = [];
    const agent = await loadFixture('wellbehaved/picky', { restart: { policy: 'fail' } }, { onStateChange: (s) => states.push(s.to) });
    agents.push(agent);
    for (let i = 0; i < 2; i++) {
      const r = await agent.handle({ performative: 'request', sender: 'tester', receiver: 'picky' });
      assert.equal(!r.ok && r.error.kind, 'bad_input');
    }
    assert.equal(agent.state, 'running');
    assert.deepEqual(states, ['loaded', 'running']);
    assert.equal(agent.usage.failures, 0);
  });

  it('fail policy: a trapping agent stays failed and refuses further messages', async () => {
    const agent = await loadFixture('hostile/trap', { restart: { policy: 'fail' } });
    agents.push(agent);
    const first = await agent.handle({ performative: 'request', sender: 'tester', receiver: 'trap' });
    assert.equal(!first.ok && first.error.kind, 'trap');
    assert.equal(agent.state, 'failed');
    const second = await agent.handle({ performative: 'request', sender: 'tester', receiver: 'trap' });
    assert.equal(!second.ok && second.error.kind, 'not_running');
    await assertCalculatorAnswers(calc);
  });

  it('max_restarts: after the last restart the agent fails for good', async () => {
    const agent = await loadFixture('hostile/trap', { restart: { policy: 'reset', max_restarts: 2 } });
    agents.push(agent);
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await agent.handle({ performative: 'request', sender: 'tester', receiver: 'trap' });
      kinds.push(r.ok ? 'ok' : r.error.kind);
      await waitFor(() => agent.state !== 'failed' || agent.usage.restarts >= 2);
    }
    assert.deepEqual(kinds, ['trap', 'trap', 'trap', 'not_running']);
    assert.equal(agent.state, 'failed');
  });
});
