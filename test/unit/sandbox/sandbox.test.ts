import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FipaMessage } from '../../../schemas';
import type { WasmAgent } from '../../../runtime/sandbox';
import { SimulatedClock } from '../../../runtime/core/clock';
import { calcRequest, loadCalculator, loadExample, loadFixture, sends } from './harness';
import { loadWasmAgent } from '../../../runtime/sandbox';
import { buildAgentFixture } from '../../support/fixtures';

/** Deep equality, with numbers equal to within a few ulps (the SDK's number reader/writer is not strtod-exact). */
function assertJsonClose(actual: unknown, expected: unknown, where = 'content'): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', where);
    const tolerance = Math.abs(expected) * 1e-14;
    assert.ok(Math.abs((actual as number) - expected) <= tolerance, `${where}: ${actual} != ${expected}`);
  } else if (expected && typeof expected === 'object') {
    assert.equal(Array.isArray(actual), Array.isArray(expected), where);
    const keys = Object.keys(expected);
    assert.deepEqual(Object.keys(actual as object), keys, where);
    for (const k of keys)
      assertJsonClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${where}.${k}`);
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

describe('sandbox: well-behaved AssemblyScript agents in workers', function () {
  this.timeout(60_000);
  const agents: WasmAgent[] = [];
  after(async () => {
    await Promise.all(agents.map((a) => a.dispose()));
  });

  it('calculator: request {action: calculate, x: 10, y: 20} -> inform {result: 30} with in_reply_to', async () => {
    const calc = await loadCalculator();
    agents.push(calc);
    assert.equal(calc.state, 'running');
    const result = await calc.handle(calcRequest(10, 20));
    const [reply] = sends(result);
    assert.deepEqual(reply, {
      performative: 'inform',
      sender: 'calculator',
      receiver: 'tester',
      content: { result: 30 },
      in_reply_to: 'r-10-20',
      conversation_id: 'c1',
    });
    assert.ok(result.usage.fuel > 0 && result.usage.memoryBytes >= 65536);
    const bare = sends(await calc.handle({ performative: 'request', sender: 'tester', receiver: 'calculator', content: { x: 1.5, y: 2 } }));
    assert.deepEqual(bare[0].content, { result: 3.5 });
  });

  it('calculator: not_understood for what it cannot parse', async () => {
    const calc = agents[0];
    const cases: FipaMessage[] = [
      { performative: 'request', sender: 'tester', receiver: 'calculator', content: 'ten plus twenty' },
      { performative: 'request', sender: 'tester', receiver: 'calculator', content: { action: 'calculate', x: 'ten', y: 20 } },
      { performative: 'request', sender: 'tester', receiver: 'calculator', content: { action: 'fly', x: 1, y: 2 } },
      { performative: 'inform', sender: 'tester', receiver: 'calculator', content: { x: 1, y: 2 } },
    ];
    for (const msg of cases) {
      const [reply] = sends(await calc.handle(msg));
      assert.equal(reply.performative, 'not_understood', JSON.stringify(msg));
      assert.equal(typeof (reply.content as { reason?: unknown }).reason, 'string');
    }
  });

  it('echo round-trips any JSON content through the SDK reader and writer (property)', async () => {
    const echo = await loadExample('echo');
    agents.push(echo);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (content) => {
        const normal = JSON.parse(JSON.stringify(content)); // -0 -> 0, as JSON has it
        const [reply] = sends(await echo.handle({ performative: 'request', sender: 'tester', receiver: 'echo', content: normal }));
        assertJsonClose(reply.content, normal);
      }),
      { numRuns: 80, seed: 42 },
    );
  });

  it('echo keeps integers and short decimals exact, and huge exponents in scale', async () => {
    const echo = agents[agents.length - 1];
    const content = {
      i: 9007199254740991,
      n: -42,
      d: 0.1,
      e: 1.5e-10,
      big: -9.512272119140031e44,
      tiny: 5e-300,
      s: 'caf\u00e9 "q" \\ \n\u0001',
    };
    const [reply] = sends(await echo.handle({ performative: 'request', sender: 'tester', receiver: 'echo', content }));
    const got = reply.content as typeof content;
    assert.deepEqual([got.i, got.n, got.d, got.e, got.s], [content.i, content.n, content.d, content.e, content.s]);
    assertJsonClose(got, content);
  });

  it('the SDK JSON reader accepts exactly valid JSON and never traps on garbage (fuzz)', async () => {
    const probe = await loadWasmAgent({
      manifest: { name: 'jsonprobe', module: 'jsonprobe.ts' },
      wasm: await buildAgentFixture('wellbehaved/jsonprobe'),
    });
    agents.push(probe);
    const ask = async (text: string): Promise<{ ok: boolean; value?: unknown }> => {
      const [reply] = sends(await probe.handle({ performative: 'request', sender: 'tester', receiver: 'jsonprobe', content: text }));
      return reply.content as { ok: boolean; value?: unknown };
    };
    const isJson = (text: string): boolean => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    // Valid JSON (with whitespace) is accepted and means the same.
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 3 }), async (text) => {
        const answer = await ask(text);
        assert.equal(answer.ok, true, text);
        assertJsonClose(answer.value, JSON.parse(text));
      }),
      { numRuns: 60, seed: 7 },
    );
    // Arbitrary text, and JSON with one character removed: accepted exactly when JSON.parse accepts it.
    const mangled = fc
      .tuple(fc.json({ maxDepth: 2 }), fc.nat())
      .map(([t, i]) => t.slice(0, i % (t.length || 1)) + t.slice((i % (t.length || 1)) + 1));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), mangled), async (text) => {
        assert.equal((await ask(text)).ok, isJson(text), JSON.stringify(text));
      }),
      { numRuns: 120, seed: 7 },
    );
    for (const text of [
      '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
      '"\\ud800"',
      '1e99999',
      '-',
      '{"a":1,}',
      '"\u0001"',
      'nul',
    ]) {
      const answer = await ask(text);
      assert.equal(probe.state, 'running', text);
      assert.equal(typeof answer.ok, 'boolean');
    }
  });

  it('logger logs each message at the simulated time and replies nothing', async () => {
    const clock = new SimulatedClock();
    const logger = await loadExample('logger', { clock });
    agents.push(logger);
    await clock.advance(1500);
    const result = await logger.handle({ performative: 'inform', sender: 'tester', receiver: 'logger', content: { n: 1 } });
    assert.ok(result.ok);
    assert.deepEqual(result.effects, [{ kind: 'log', level: 'info', text: '[1500.0 ms] inform from tester: {"n":1}' }]);
  });

  it('random is seeded per run and agent; Math.random and trace() stay inside the caxton namespace', async () => {
    const wasm = await buildAgentFixture('wellbehaved/dice');
    const imports = (
      globalThis as unknown as {
        WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): Array<{ module: string; name: string }> } };
      }
    ).WebAssembly;
    assert.deepEqual(
      imports.Module.imports(new imports.Module(wasm))
        .map((i) => `${i.module}.${i.name}`)
        .sort(),
      ['caxton.log', 'caxton.now', 'caxton.random', 'caxton.send'],
    );
    const roll = async (seed: number, name = 'dice'): Promise<{ content: unknown; logs: string[] }> => {
      const clock = new SimulatedClock();
      await clock.advance(7);
      const agent = await loadWasmAgent({ manifest: { name, module: 'dice.ts' }, wasm, seed, clock });
      try {
        const r = await agent.handle({ performative: 'request', sender: 'tester', receiver: name });
        assert.ok(r.ok, JSON.stringify(r));
        return { content: sends(r)[0].content, logs: r.effects.flatMap((e) => (e.kind === 'log' ? [`${e.level}:${e.text}`] : [])) };
      } finally {
        await agent.dispose();
      }
    };
    const a = await roll(1),
      b = await roll(1),
      c = await roll(2),
      d = await roll(1, 'dice2');
    assert.deepEqual(a, b);
    assert.notDeepEqual((a.content as { rolls: number[] }).rolls, (c.content as { rolls: number[] }).rolls);
    assert.notDeepEqual((a.content as { rolls: number[] }).rolls, (d.content as { rolls: number[] }).rolls);
    assert.equal((a.content as { math: boolean; now: number }).now, 7);
    assert.deepEqual(a.logs, ['debug:rolling 7.0']);
  });

  it('granted host functions become effects as data, sender set by the host', async () => {
    const agent = await loadFixture('wellbehaved/granted', { host_functions: ['subscribe', 'blackboard_write', 'blackboard_read'] });
    agents.push(agent);
    const result = await agent.handle({ performative: 'inform', sender: 'tester', receiver: 'granted' });
    assert.ok(result.ok);
    assert.deepEqual(result.effects, [
      { kind: 'subscribe', topic: 'topic://orders/*' },
      { kind: 'blackboard_write', key: 'k', value: 42 },
      { kind: 'blackboard_read', key: 'k' },
      { kind: 'log', level: 'info', text: 'handled' },
    ]);
  });

  it('refuses messages above max_message_bytes and reports a full mailbox', async () => {
    const calc = await loadCalculator({ limits: { maxMessageBytes: 2048, mailbox: 2 } });
    agents.push(calc);
    const big = await calc.handle({ ...calcRequest(1, 2), content: { x: 1, y: 2, pad: 'x'.repeat(5000) } });
    assert.equal(!big.ok && big.error.kind, 'oversized_input');
    const results = await Promise.all([1, 2, 3].map((i) => calc.handle(calcRequest(i, i))));
    assert.deepEqual(
      results.map((r) => (r.ok ? 'ok' : r.error.kind)),
      ['ok', 'ok', 'mailbox_full'],
    );
  });
});
