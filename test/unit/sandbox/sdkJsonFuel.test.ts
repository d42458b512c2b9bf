/**
 * The SDK's JSON reader is linear and cheap in fuel: fuel counted (not timed) for 1 KB / 10 KB / 100 KB strings sent
 * to the real calculator, and every string, escapes and non-ASCII included, read back exactly (through echo).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { WasmAgent } from '../../../runtime/sandbox';
import { loadCalculator, loadExample } from './harness';

const inform = (content: unknown) => ({ performative: 'inform', sender: 'tester', receiver: 'calculator', content }) as const;

describe('sdk: the JSON reader is linear and cheap in fuel', function () {
  this.timeout(120_000);
  let calc: WasmAgent;
  let echo: WasmAgent;
  before(async () => {
    // A fuel budget big enough to measure the old reader too (it spent 63M on 100 KB).
    calc = await loadCalculator({ limits: { fuelPerMessage: 1e9, timeoutMs: 60_000 } });
    echo = await loadExample('echo', { limits: { fuelPerMessage: 1e9, timeoutMs: 60_000 } });
  });
  after(async () => {
    await Promise.all([calc, echo].filter(Boolean).map((a) => a.dispose()));
  });

  const fuelFor = async (content: unknown): Promise<number> => {
    const r = await calc.handle(inform(content));
    assert.ok(r.ok, JSON.stringify(r));
    return r.usage.fuel;
  };

  it('a 2 KB inform costs the calculator far below its 1M fuel per message', async () => {
    const fuel = await fuelFor('x'.repeat(2048));
    console.log(`      [fuel] 2 KB inform: ${fuel} fuel, ${(1_000_000 / fuel).toFixed(1)}x below the calculator's 1M`);
    assert.ok(fuel < 250_000, `${fuel} fuel`);
  });

  for (const [what, unit] of [
    ['plain ASCII', 'x'],
    ['escapes', '\n'],
    ['non-ASCII', 'é'],
  ] as const) {
    it(`${what}: fuel grows linearly from 1 KB to 10 KB to 100 KB`, async () => {
      const [f1, f10, f100] = [await fuelFor(unit.repeat(1024)), await fuelFor(unit.repeat(10_240)), await fuelFor(unit.repeat(102_400))];
      const slopeLow = (f10 - f1) / 9216,
        slopeHigh = (f100 - f10) / 92_160;
      console.log(
        `      [fuel] ${what}: 1 KB ${f1}, 10 KB ${f10}, 100 KB ${f100} (${slopeLow.toFixed(1)} then ${slopeHigh.toFixed(1)} fuel per character)`,
      );
      // Quadratic string building would make the second slope about ten times the first.
      assert.ok(slopeHigh < 1.5 * slopeLow, `per-character cost grew from ${slopeLow} to ${slopeHigh}`);
      assert.ok(slopeHigh < 300, `${slopeHigh} fuel per character`);
    });
  }

  it('objects and arrays: fuel grows linearly with the number of keys (no look-up of every earlier key)', async () => {
    const keys = (n: number): Record<string, number> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    const [f1, f10] = [await fuelFor(keys(1000)), await fuelFor(keys(10_000))];
    const [a1, a10] = [
      await fuelFor(Array.from({ length: 1000 }, (_, i) => i)),
      await fuelFor(Array.from({ length: 10_000 }, (_, i) => i)),
    ];
    console.log(`      [fuel] an object of 1,000 / 10,000 keys: ${f1} / ${f10}; an array of 1,000 / 10,000 numbers: ${a1} / ${a10}`);
    // The old reader looked up every earlier key on each new one: 154M fuel for 1,000 keys, beyond any budget for 10,000.
    assert.ok(f10 < 12 * f1, `keys: ${f1} -> ${f10}`);
    assert.ok(a10 < 12 * a1, `array: ${a1} -> ${a10}`);
    assert.ok(f1 < 2_500_000, `${f1} fuel for 1,000 keys`);
  });

  it('content the agent never reads is only checked, not built: the calculator pays little for a big inform', async () => {
    const big = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, { v: [i, `s${i}`] }]));
    const informed = await fuelFor(big);
    const r = await calc.handle({
      performative: 'request',
      sender: 'tester',
      receiver: 'calculator',
      reply_with: 'q',
      content: { action: 'calculate', x: 1, y: 2, ...big },
    });
    assert.ok(r.ok, JSON.stringify(r));
    console.log(`      [fuel] 1,000 nested keys: ${informed} informed (content never read), ${r.usage.fuel} requested (content read)`);
    assert.ok(informed * 2 < r.usage.fuel, 'reading the content is what costs');
    const reply = r.effects.find((e) => e.kind === 'send');
    assert.deepEqual(reply && reply.kind === 'send' && reply.message.content, { result: 3 });
  });

  it('reads every string back exactly: escapes, control characters, surrogates, non-ASCII', async () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom('"', '\\', '\n', '\u0001', '\u001f', 'é', '😀', '\u2028', 'a'),
        fc.integer({ min: 0, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
      ),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const r = await echo.handle({ performative: 'request', sender: 'tester', receiver: 'echo', content: { s, list: [s, s.length] } });
        assert.ok(r.ok, JSON.stringify(r));
        const reply = r.effects.find((e) => e.kind === 'send');
        assert.deepEqual(reply && reply.kind === 'send' && reply.message.content, { s, list: [s, s.length] });
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
