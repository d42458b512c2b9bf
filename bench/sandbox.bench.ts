/**
 * Sandbox benchmarks (figures only, never assertions): agent start time, per-call overhead into a wasm agent in a
 * worker, messages/s, deadline-to-stopped for a runaway, memory per idle agent, and per-call overhead side by side
 * with @extism/extism running an equivalent plugin (test/fixtures/agents/extism/echo-plugin.wat).
 */
import type { FipaMessage } from '../schemas';
import { loadWasmAgent, WorkerPool, type WasmAgent } from '../runtime/sandbox';
import { instrumentFuel } from '../runtime/sandbox/meter';
import { AgentInstance } from '../runtime/sandbox/agentInstance';
import { Wasm } from '../runtime/sandbox/wasmApi';
import { buildExampleAgent, watFixture } from '../test/support/fixtures';

const MSG: FipaMessage = { performative: 'inform', sender: 'bench', receiver: 'echo', content: { x: 1, text: 'hello' } };
const fmt = (n: number, digits = 1): string => n.toFixed(digits);

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function sequentialCalls(agent: WasmAgent, n: number): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await agent.handle(MSG);
    if (!r.ok) throw new Error(r.error.message);
    lat.push(performance.now() - t);
  }
  return lat.sort((a, b) => a - b);
}

export async function run(): Promise<void> {
  const calc = await buildExampleAgent('calculator', 'calculator');
  const echoAs = await buildExampleAgent('calculator', 'echo');
  const rawEcho = await watFixture('wellbehaved/raw-echo');

  // 1. Start time.
  const [, coldMs] = await time(() => instrumentFuel(calc.wasm, 1e7)); // includes importing binaryen
  const instr: number[] = [];
  for (let i = 0; i < 5; i++) instr.push((await time(() => instrumentFuel(calc.wasm, 1e7 + i)))[1]);
  const [first, firstMs] = await time(() => loadWasmAgent({ manifest: { ...calc.manifest, name: 'c0' }, wasm: calc.wasm }));
  await first.dispose();
  const dedicated: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [a, ms] = await time(() => loadWasmAgent({ manifest: { ...calc.manifest, name: `c${i + 1}` }, wasm: calc.wasm }));
    dedicated.push(ms);
    await a.dispose();
  }
  const pool = new WorkerPool({ size: 1 });
  const warm = await loadWasmAgent({ manifest: { ...calc.manifest, name: 'warm' }, wasm: calc.wasm, pool });
  const shared: number[] = [];
  for (let i = 0; i < 10; i++) {
    const [a, ms] = await time(() => loadWasmAgent({ manifest: { ...calc.manifest, name: `s${i}` }, wasm: calc.wasm, pool }));
    shared.push(ms);
    await a.dispose();
  }
  await warm.dispose();
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`agent start (calculator, ${calc.wasm.byteLength} B):`);
  console.log(`  instrument with binaryen: first ${fmt(coldMs)} ms (imports binaryen), then median ${fmt(med(instr))} ms`);
  console.log(
    `  loadWasmAgent, first ever: ${fmt(firstMs)} ms; own worker (cached instrumentation): median ${fmt(med(dedicated))} ms; into a running shared worker: median ${fmt(med(shared))} ms`,
  );

  // 2. Per-call overhead and 3. messages/s.
  const raw = await loadWasmAgent({ manifest: { name: 'raw', module: 'raw.wasm' }, wasm: rawEcho });
  const echo = await loadWasmAgent({ manifest: echoAs.manifest, wasm: echoAs.wasm });
  await sequentialCalls(raw, 500);
  await sequentialCalls(echo, 500);
  const rawLat = await sequentialCalls(raw, 3000);
  const echoLat = await sequentialCalls(echo, 3000);
  console.log('per-message round trip into a wasm agent in a worker (sequential):');
  console.log(`  raw-echo (WAT): p50 ${fmt(percentile(rawLat, 0.5) * 1000, 0)} us, p99 ${fmt(percentile(rawLat, 0.99) * 1000, 0)} us`);
  console.log(
    `  echo (AssemblyScript, JSON parse + write): p50 ${fmt(percentile(echoLat, 0.5) * 1000, 0)} us, p99 ${fmt(percentile(echoLat, 0.99) * 1000, 0)} us`,
  );
  const N = 20_000;
  // The default mailbox holds 1000 messages: send in waves of 900 per agent so none is refused.
  const wave = async (agents: WasmAgent[], total: number): Promise<number> => {
    let ok = 0;
    for (let sent = 0; sent < total; sent += 900 * agents.length) {
      const results = await Promise.all(agents.flatMap((a) => Array.from({ length: 900 }, () => a.handle(MSG))));
      ok += results.filter((r) => r.ok).length;
    }
    return ok;
  };
  const raw2 = await loadWasmAgent({ manifest: { name: 'raw2', module: 'raw.wasm' }, wasm: rawEcho });
  const [okOne, oneMs] = await time(() => wave([raw], N));
  const [okTwo, twoMs] = await time(() => wave([raw, raw2], N));
  const [okEcho, echoMs] = await time(() => wave([echo], N / 2));
  console.log(`messages/s handled (pipelined in waves of 900 per agent):`);
  console.log(
    `  one raw-echo agent: ${fmt((okOne / oneMs) * 1000, 0)}; two raw-echo agents in two workers: ${fmt((okTwo / twoMs) * 1000, 0)}; one AssemblyScript echo: ${fmt((okEcho / echoMs) * 1000, 0)}`,
  );

  // In-process baseline: the same instance without the worker hop (what the worker itself spends).
  const inst = AgentInstance.create({
    name: 'raw',
    module: new Wasm.Module(await instrumentFuel(rawEcho, 1e7)),
    grants: [],
    limits: { memoryBytes: 16 << 20, fuelPerMessage: 1e7, maxMessageBytes: 1e6, maxOutputBytes: 4 << 20, maxSendsPerMessage: 100 },
    seed: 1,
    metered: true,
  });
  if (!(inst instanceof AgentInstance)) throw new Error(inst.message);
  const text = JSON.stringify(MSG);
  const [, inProcMs] = await time(async () => {
    for (let i = 0; i < 20_000; i++) inst.handle(text, 0);
  });
  console.log(`  in-process (no worker hop) raw-echo call incl. host JSON checks: ${fmt((inProcMs / 20_000) * 1000, 1)} us`);

  // 4. Deadline to stopped.
  const stops: number[] = [];
  const runaway = await loadWasmAgent({
    manifest: { name: 'runaway', module: 'loop.wasm' },
    wasm: await watFixture('hostile/infinite-loop'),
    unsafeDisableMetering: true,
    limits: { timeoutMs: 100 },
  });
  for (let i = 0; i < 5; i++) {
    while (runaway.state !== 'running') await new Promise((r) => setTimeout(r, 5));
    const [r, ms] = await time(() => runaway.handle(MSG));
    if (r.ok || r.error.kind !== 'timeout') throw new Error('expected a timeout');
    stops.push(ms - 100);
  }
  const metered = await loadWasmAgent({
    manifest: { name: 'metered', module: 'loop.wasm' },
    wasm: await watFixture('hostile/infinite-loop'),
  });
  const [, fuelMs] = await time(() => metered.handle(MSG));
  console.log(
    `runaway agent: deadline (100 ms) to stopped: median ${fmt(med(stops))} ms over 5 (worker terminate + answer); with metering, 10M fuel is exhausted after ${fmt(fuelMs)} ms`,
  );

  // 5. Memory per idle agent.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  const idlePool = new WorkerPool({ size: 1 });
  const idle: WasmAgent[] = [];
  const IDLE = 300;
  for (let i = 0; i < IDLE; i++)
    idle.push(await loadWasmAgent({ manifest: { ...echoAs.manifest, name: `idle${i}` }, wasm: echoAs.wasm, pool: idlePool }));
  await Promise.all(idle.map((a) => a.handle(MSG)));
  gc?.();
  const perShared = (process.memoryUsage().rss - before) / IDLE;
  const beforeOwn = process.memoryUsage().rss;
  const own: WasmAgent[] = [];
  const OWN = 12;
  for (let i = 0; i < OWN; i++) own.push(await loadWasmAgent({ manifest: { ...echoAs.manifest, name: `own${i}` }, wasm: echoAs.wasm }));
  await Promise.all(own.map((a) => a.handle(MSG)));
  const perOwn = (process.memoryUsage().rss - beforeOwn) / OWN;
  console.log(
    `memory per idle agent (RSS delta): shared worker ${fmt(perShared / 1024, 0)} KiB (${IDLE} AssemblyScript echo agents in one worker); own worker ${fmt(perOwn / 1024 / 1024, 1)} MiB (${OWN} agents)`,
  );
  console.log(
    `  -> by RAM alone, 2 GiB would hold ~${fmt((2 * 1024 ** 3) / perShared, 0)} idle agents in shared workers (extrapolated from ${IDLE}), ~${fmt((2 * 1024 ** 3) / perOwn, 0)} with a worker each`,
  );
  await Promise.all([...idle, ...own].map((a) => a.dispose()));
  await idlePool.dispose();
  // The real ceiling is address space, not RAM: V8 reserves a large guard region per wasm memory.
  const capPool = new WorkerPool({ size: 1 });
  let held = 0;
  const [, capMs] = await time(async () => {
    try {
      for (; held < 30_000; held++)
        await loadWasmAgent({ manifest: { name: `cap${held}`, module: 'raw.wasm' }, wasm: rawEcho, pool: capPool });
    } catch {
      /* the first refusal is the figure */
    }
  });
  await capPool.dispose();
  console.log(
    `  measured ceiling: one worker held ${held} raw-echo agents before the engine refused another wasm memory (${fmt(capMs / 1000)} s); memories reserve address space, so this bounds agents per process whatever the RAM`,
  );

  // 6. Side by side with Extism.
  await extismSideBySide(rawLat);
  await Promise.all([raw, raw2, echo, runaway, metered].map((a) => a.dispose()));
  await pool.dispose();
}

async function extismSideBySide(caxtonLat: number[]): Promise<void> {
  const extism = await import('@extism/extism');
  const plugin = await watFixture('extism/echo-plugin');
  const input = JSON.stringify(MSG);
  console.log('per-call overhead, equivalent echo (input copied to output), side by side:');
  for (const runInWorker of [false, true]) {
    const p = await extism.createPlugin({ wasm: [{ data: plugin }] }, { useWasi: false, runInWorker });
    for (let i = 0; i < 300; i++) await p.call('echo', input);
    const lat: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const t = performance.now();
      await p.call('echo', input);
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    console.log(
      `  @extism/extism ${runInWorker ? 'runInWorker' : 'in-process'}: p50 ${fmt(percentile(lat, 0.5) * 1000, 0)} us, p99 ${fmt(percentile(lat, 0.99) * 1000, 0)} us`,
    );
    if (runInWorker)
      console.log(`  ratio Caxton worker / Extism worker (p50): ${fmt(percentile(caxtonLat, 0.5) / percentile(lat, 0.5), 2)}`);
    else
      console.log(
        `  ratio Caxton worker / Extism in-process (p50): ${fmt(percentile(caxtonLat, 0.5) / percentile(lat, 0.5), 2)} (Caxton pays a thread hop; Extism in-process runs on the caller's thread)`,
      );
    await p.close();
  }
}
