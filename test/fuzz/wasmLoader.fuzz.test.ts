/**
 * Fuzz the wasm loader with mutated modules (the calculator example agents and the WAT fixtures): each mutant is
 * either refused with an AgentLoadError naming the module, or loaded, sandboxed and sent a message that it answers
 * or fails with a classified AgentError. Nothing else may happen: no other exception, no unhandled rejection,
 * no hang, and the healthy calculator in the same worker pool keeps answering.
 */
import * as assert from 'node:assert/strict';
import type { AgentErrorKind } from '../../runtime/core/types';
import { seededRandom } from '../../runtime/core/random';
import { AgentLoadError, loadWasmAgent, WorkerPool, type WasmAgent } from '../../runtime/sandbox';
import { buildExampleAgent, watFixture } from '../support/fixtures';
import { fuzzSeed, longMode } from './fuzzConfig';
import { gentleMutate, mutate } from './wasmMutators';

const KINDS: readonly AgentErrorKind[] = [
  'fuel_exhausted',
  'trap',
  'timeout',
  'memory_limit',
  'oversized_output',
  'bad_output',
  'crashed',
  'not_running',
  'oversized_input',
  'bad_input',
  'mailbox_full',
];
const WATS = [
  'wellbehaved/raw-echo',
  'wellbehaved/granted',
  'wellbehaved/picky',
  'hostile/trap',
  'hostile/send-storm',
  'hostile/infinite-loop',
  'hostile/memory-hog',
  'hostile/bad-json',
];
/** Mutants per CI run; the long mode (CAXTON_FUZZ_RUNS set) does ten times more. */
const MUTANTS = longMode() ? 10_000 : 1000;
const BATCH = 8;

describe('fuzz: mutated wasm modules are refused clearly or run sandboxed', function () {
  this.timeout(600_000);
  const bases: Array<{ name: string; bytes: Uint8Array }> = [];
  let pool: WorkerPool;
  let calc: WasmAgent;
  const tally = {
    mutants: 0,
    refused: 0,
    accepted: 0,
    handledOk: 0,
    handledWithError: 0,
    crashes: 0,
    byKind: {} as Record<string, number>,
    refusals: {} as Record<string, number>,
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e);
  };

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    for (const n of ['calculator', 'echo', 'logger']) bases.push({ name: n, bytes: (await buildExampleAgent('calculator', n)).wasm });
    for (const w of WATS) bases.push({ name: w, bytes: await watFixture(w) });
    pool = new WorkerPool({ size: 2 });
    const built = await buildExampleAgent('calculator', 'calculator');
    calc = await loadWasmAgent({ manifest: built.manifest, manifestPath: built.manifestPath, wasm: built.wasm, pool });
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await calc?.dispose();
    await pool?.dispose();
    const top = Object.entries(tally.refusals)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, v]) => `${v} ${k}`)
      .join('; ');
    console.log(
      `      [fuzz] wasm loader: ${tally.mutants} mutants of ${bases.length} modules: ${tally.refused} refused (AgentLoadError), ${tally.accepted} accepted` +
        ` -> ${tally.handledOk} handled ok, ${tally.handledWithError} handled with an error ${JSON.stringify(tally.byKind)}; crashes ${tally.crashes}; worker restarts ${pool?.restarts}`,
    );
    console.log(`      [fuzz] most common refusals: ${top}`);
  });

  /** Load one mutant, send it a message, dispose it; returns what happened, throws for anything unexpected. */
  async function trial(index: number, bytes: Uint8Array, how: string, base: string): Promise<void> {
    const file = `mutants/${base.replace(/\//g, '_')}-${index}.wasm`;
    const manifest = {
      name: `mutant_${index}`,
      module: file,
      host_functions: ['blackboard_write' as const, 'blackboard_read' as const, 'subscribe' as const],
      restart: { policy: 'fail' as const },
    };
    let agent: WasmAgent;
    try {
      agent = await loadWasmAgent({
        manifest,
        manifestPath: `mutants/${index}.agent.yaml`,
        wasm: bytes,
        wasmPath: file,
        pool,
        seed: index,
        limits: { fuelPerMessage: 2_000_000, timeoutMs: 2000, memoryBytes: 2 * 1024 * 1024 },
      });
    } catch (e) {
      if (!(e instanceof AgentLoadError)) {
        tally.crashes++;
        throw new Error(
          `mutant ${index} (${base}, ${how}): loading threw ${(e as Error)?.name}: ${(e as Error)?.message}, not an AgentLoadError`,
        );
      }
      assert.ok(e.message.startsWith(file), `the refusal names the module: ${e.message}`);
      assert.ok(e.fix.length > 0 && e.problem.length > 0, `the refusal says what is wrong and how to fix it: ${e.message}`);
      tally.refused++;
      const reason = e.problem
        .replace(/\(.*$/, '')
        .replace(/[0-9]+/g, 'N')
        .trim()
        .slice(0, 60);
      tally.refusals[reason] = (tally.refusals[reason] ?? 0) + 1;
      return;
    }
    tally.accepted++;
    try {
      const result = await agent.handle({
        performative: 'request',
        sender: 'fuzzer',
        receiver: agent.name,
        reply_with: `q${index}`,
        content: { action: 'calculate', x: index, y: 1 },
      });
      if (result.ok) tally.handledOk++;
      else {
        assert.ok(KINDS.includes(result.error.kind), `unknown error kind ${result.error.kind}`);
        assert.ok(result.error.message.length > 0);
        tally.handledWithError++;
        tally.byKind[result.error.kind] = (tally.byKind[result.error.kind] ?? 0) + 1;
      }
    } finally {
      await agent.dispose();
    }
  }

  it(`${MUTANTS} mutants: each refused with AgentLoadError or sandboxed; the host keeps answering`, async () => {
    const r = seededRandom(fuzzSeed());
    for (let start = 0; start < MUTANTS; start += BATCH) {
      const batch: Array<Promise<void>> = [];
      for (let i = start; i < Math.min(MUTANTS, start + BATCH); i++) {
        const base = bases[Math.floor(r.next() * bases.length)];
        const other = bases[Math.floor(r.next() * bases.length)];
        let m = r.next() < 0.5 ? gentleMutate(base.bytes, r) : mutate(base.bytes, r, other.bytes);
        if (r.next() < 0.3) {
          const again = mutate(m.bytes, r, other.bytes);
          m = { bytes: again.bytes, how: `${m.how}, ${again.how}` };
        }
        tally.mutants++;
        batch.push(trial(i, m.bytes, m.how, base.name));
      }
      await Promise.all(batch);
    }
    // The healthy agent in the same pool still answers 10 + 20 = 30.
    const answer = await calc.handle({
      performative: 'request',
      sender: 'fuzzer',
      receiver: 'calculator',
      reply_with: 'final',
      content: { action: 'calculate', x: 10, y: 20 },
    });
    assert.ok(answer.ok, JSON.stringify(answer));
    const reply = answer.effects.find((e) => e.kind === 'send');
    assert.deepEqual(reply && reply.kind === 'send' ? reply.message.content : undefined, { result: 30 });
    assert.equal(tally.crashes, 0);
    assert.deepEqual(unhandled, [], 'no unhandled rejections');
    assert.equal(tally.refused + tally.accepted, tally.mutants);
    assert.ok(tally.refused > 0 && tally.accepted > 0, `both outcomes exercised (refused ${tally.refused}, accepted ${tally.accepted})`);
  });
});
