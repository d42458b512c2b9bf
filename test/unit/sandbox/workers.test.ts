import * as assert from 'node:assert/strict';
import { SimulatedClock } from '../../../runtime/core/clock';
import { WorkerPool, type WasmAgent } from '../../../runtime/sandbox';
import { buildExampleAgent } from '../../support/fixtures';
import { assertCalculatorAnswers, calcRequest, loadCalculator, loadExample, loadFixture, sends, waitFor } from './harness';

describe('sandbox: workers, wall-clock backstop, restarts and hot reload', function () {
  this.timeout(60_000);
  const agents: WasmAgent[] = [];
  const pools: WorkerPool[] = [];
  after(async () => {
    await Promise.all(agents.map((a) => a.dispose()));
    await Promise.all(pools.map((p) => p.dispose()));
  });

  it('terminates a worker stuck past its deadline (metering disabled); an agent in another worker keeps answering', async () => {
    const calc = await loadCalculator();
    const runaway = await loadFixture('hostile/infinite-loop', {}, { unsafeDisableMetering: true, limits: { timeoutMs: 200 } });
    agents.push(calc, runaway);
    const result = await runaway.handle({ performative: 'request', sender: 'tester', receiver: runaway.name });
    assert.equal(!result.ok && result.error.kind, 'timeout');
    assert.match(!result.ok ? result.error.message : '', /ran past its 200 ms deadline; its worker was terminated/);
    await assertCalculatorAnswers(calc);
    await waitFor(() => runaway.state === 'running'); // restarted on a fresh worker
    assert.equal(runaway.usage.restarts, 1);
  });

  it('in a shared worker, the runaway is stopped and its neighbour is reloaded fresh and keeps answering', async () => {
    const pool = new WorkerPool({ size: 1 });
    pools.push(pool);
    const calc = await loadCalculator({ pool });
    const runaway = await loadFixture(
      'hostile/infinite-loop',
      { restart: { policy: 'fail' } },
      { pool, unsafeDisableMetering: true, limits: { timeoutMs: 200 } },
    );
    agents.push(calc, runaway);
    await assertCalculatorAnswers(calc, 1, 2);
    const [stuck, queued] = await Promise.all([
      runaway.handle({ performative: 'request', sender: 'tester', receiver: runaway.name }),
      calc.handle(calcRequest(3, 4)), // queued behind the runaway on the same worker
    ]);
    assert.equal(!stuck.ok && stuck.error.kind, 'timeout');
    assert.deepEqual(sends(queued)[0].content, { result: 7 });
    assert.equal(pool.restarts, 1);
    assert.equal(runaway.state, 'failed');
    await assertCalculatorAnswers(calc);
  });

  it('restart backoff runs on the injected clock', async () => {
    const clock = new SimulatedClock();
    const agent = await loadFixture('hostile/trap', { restart: { policy: 'reset', backoff: '1s' } }, { clock });
    agents.push(agent);
    await agent.handle({ performative: 'request', sender: 'tester', receiver: 'trap' });
    assert.equal(agent.state, 'failed');
    await clock.advance(999);
    assert.equal(agent.state, 'failed');
    await clock.advance(1);
    await waitFor(() => agent.state === 'running');
  });

  it('now() inside the agent follows the simulated clock, read at dispatch', async () => {
    const clock = new SimulatedClock();
    const logger = await loadExample('logger', { clock });
    agents.push(logger);
    await clock.advance(42);
    const r = await logger.handle({ performative: 'inform', sender: 't', receiver: 'logger', content: 1 });
    assert.ok(r.ok && r.effects[0].kind === 'log' && r.effects[0].text.startsWith('[42.0 ms]'));
  });

  it('hot reload drains the message in flight, swaps the module and keeps queued messages', async () => {
    const echo = await loadExample('echo');
    agents.push(echo);
    const calcWasm = (await buildExampleAgent('calculator', 'calculator')).wasm;
    // Instrumenting runs off the main thread now, so messages keep flowing to the old module while a new one is
    // prepared. Prepare these bytes under echo's limits first (another echo), so the reload below swaps at once.
    const warm = await loadExample('echo');
    agents.push(warm);
    await warm.reload(calcWasm);
    const pending = [1, 2, 3, 4, 5].map((i) => echo.handle({ ...calcRequest(i, 10), receiver: 'echo' }));
    const reloaded = echo.reload(calcWasm);
    const results = await Promise.all(pending);
    await reloaded;
    const replies = results.map((r) => sends(r)[0].content);
    assert.deepEqual(replies[0], { action: 'calculate', x: 1, y: 10 }); // echoed by the old module
    assert.deepEqual(replies.slice(1), [{ result: 12 }, { result: 13 }, { result: 14 }, { result: 15 }]); // the new one
    assert.equal(echo.state, 'running');
  });

  it('a bad reload is refused and the old module keeps running', async () => {
    const calc = await loadCalculator();
    agents.push(calc);
    await assert.rejects(calc.reload(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0])), /AgentLoadError|not a valid WebAssembly module/);
    assert.equal(calc.state, 'running');
    await assertCalculatorAnswers(calc);
  });

  it('dispose stops the agent and refuses later messages', async () => {
    const calc = await loadCalculator();
    await calc.dispose();
    assert.equal(calc.state, 'stopped');
    const r = await calc.handle(calcRequest(1, 1));
    assert.equal(!r.ok && r.error.kind, 'not_running');
  });
});
