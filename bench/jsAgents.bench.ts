/**
 * TypeScript agents (QuickJS in wasm) against their AssemblyScript twins, in one run on this machine (figures and
 * ratios only, never assertions): per-message cost and msg/s of the calculator, in-thread and through a worker;
 * start time per agent; idle memory per agent; and the hosting choice (an engine per agent, vs one engine per
 * shard with a runtime per agent, vs one runtime per shard with a context per agent).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage } from '../schemas';
import { buildJsAgent } from '../runtime/build';
import { AgentInstance } from '../runtime/sandbox/agentInstance';
import { createJsEngine, JsAgentInstance, jsMemoryCap, loadJsAgent, loadWasmAgent, WorkerPool, type WasmAgent } from '../runtime/sandbox';
import { installHostBridge } from '../runtime/sandbox/js/jsHostBridge';
import { JS_PRELUDE } from '../runtime/sandbox/js/jsPrelude';
import { instrumentFuel } from '../runtime/sandbox/meter';
import { Wasm } from '../runtime/sandbox/wasmApi';
import type { WorkerLimits } from '../runtime/sandbox/workerProtocol';
import { seededRandom } from '../runtime/core/random';
import { loadQuickJsWasm } from '../runtime/node/files/quickJsWasm';
import { buildExampleAgent } from '../test/support/fixtures';
import { examplesDir } from '../test/support/paths';

const REQUEST: FipaMessage = {
  performative: 'request',
  sender: 'bench',
  receiver: 'calculator',
  conversation_id: 'c',
  reply_with: 'q',
  content: { action: 'calculate', x: 10, y: 20 },
};
const TEXT = JSON.stringify(REQUEST);
const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const rss = (): number => {
  gc();
  return process.memoryUsage().rss;
};
const limits = (memoryBytes: number): WorkerLimits => ({
  memoryBytes,
  fuelPerMessage: 1e7,
  maxMessageBytes: 1e6,
  maxOutputBytes: 4 << 20,
  maxSendsPerMessage: 100,
});

async function tsCalculatorBundle(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-bench-js-'));
  const out = path.join(dir, 'calculator.js');
  const r = await buildJsAgent(path.join(examplesDir, 'calculator-ts', 'agents', 'calculator.ts'), out, { cache: false });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.text).join('\n'));
  return fs.readFileSync(out, 'utf8');
}

/** Calls per second of `handle` in this thread, after a warm-up. */
function inThread(handle: (text: string) => boolean, n: number): { us: number; perSec: number } {
  for (let i = 0; i < 2000; i++) handle(TEXT);
  const t = performance.now();
  for (let i = 0; i < n; i++) if (!handle(TEXT)) throw new Error('call failed');
  const ms = performance.now() - t;
  return { us: (ms * 1000) / n, perSec: (n / ms) * 1000 };
}

async function throughWorker(agent: WasmAgent, n: number): Promise<{ p50: number; p99: number; perSec: number }> {
  for (let i = 0; i < 300; i++) await agent.handle(REQUEST);
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await agent.handle(REQUEST);
    if (!r.ok) throw new Error(r.error.message);
    lat.push(performance.now() - t);
  }
  // Pipelined: waves of 900 (the default mailbox holds 1000).
  const t = performance.now();
  let done = 0;
  while (done < n * 2) {
    await Promise.all(Array.from({ length: 900 }, () => agent.handle(REQUEST)));
    done += 900;
  }
  return { p50: pct(lat, 0.5) * 1000, p99: pct(lat, 0.99) * 1000, perSec: (done / (performance.now() - t)) * 1000 };
}

export async function run(): Promise<void> {
  const as = await buildExampleAgent('calculator', 'calculator');
  const code = await tsCalculatorBundle();
  const wasm = loadQuickJsWasm();
  console.log(
    `calculator: AssemblyScript ${as.wasm.byteLength} B wasm; TypeScript bundle ${code.length} B (SDK included, inline source map)`,
  );

  // 1. Per-message cost in one thread (what a shard pays per delivery).
  const asInst = AgentInstance.create({
    name: 'calculator',
    module: new Wasm.Module(await instrumentFuel(as.wasm, 1e7)),
    grants: [],
    limits: limits(4 << 20),
    seed: 1,
    metered: true,
  });
  if (!(asInst instanceof AgentInstance)) throw new Error(asInst.message);
  const jsInst = JsAgentInstance.create({
    name: 'calculator',
    code,
    file: 'calculator.js',
    grants: [],
    limits: limits(jsMemoryCap(4 << 20)),
    seed: 1,
    engine: await createJsEngine(wasm, jsMemoryCap(4 << 20)),
  });
  if (!(jsInst instanceof JsAgentInstance)) throw new Error(jsInst.message);
  const N = 20_000;
  const a1 = inThread((t) => asInst.handle(t, 0).ok, N);
  const j1 = inThread((t) => jsInst.handle(t, 0).ok, N);
  console.log(`per message in one thread (handle(): parse, compute, log, reply, host checks), ${N} requests:`);
  console.log(
    `  AssemblyScript ${fmt(a1.us, 2)} us (${fmt(a1.perSec, 0)}/s); TypeScript in QuickJS ${fmt(j1.us, 2)} us (${fmt(j1.perSec, 0)}/s): ${fmt(j1.us / a1.us, 1)}x the cost`,
  );

  // 2. Through today's worker hop.
  const pool = new WorkerPool({ size: 1 });
  const asAgent = await loadWasmAgent({ manifest: as.manifest, wasm: as.wasm, pool });
  const jsAgent = await loadJsAgent({
    manifest: { name: 'calculator-ts', module: 'calculator.ts', language: 'typescript', limits: { memory: '4MiB' } },
    code,
    pool,
  });
  const a2 = await throughWorker(asAgent, 2000);
  const j2 = await throughWorker(jsAgent, 2000);
  console.log('through a worker (WasmAgent endpoint; sequential round trips, then pipelined waves of 900):');
  console.log(
    `  AssemblyScript p50 ${fmt(a2.p50, 0)} us, p99 ${fmt(a2.p99, 0)} us, ${fmt(a2.perSec, 0)} msg/s; TypeScript p50 ${fmt(j2.p50, 0)} us, p99 ${fmt(j2.p99, 0)} us, ${fmt(j2.perSec, 0)} msg/s (${fmt(a2.perSec / j2.perSec, 2)}x fewer)`,
  );

  // 3. Start time per agent.
  const starts = {
    asShared: [] as number[],
    jsShared: [] as number[],
    engine: [] as number[],
    instance: [] as number[],
    rtInShared: [] as number[],
    ctxInShared: [] as number[],
  };
  for (let i = 0; i < 10; i++) {
    let t = performance.now();
    const a = await loadWasmAgent({ manifest: { ...as.manifest, name: `as${i}` }, wasm: as.wasm, pool });
    starts.asShared.push(performance.now() - t);
    t = performance.now();
    const j = await loadJsAgent({ manifest: { name: `js${i}`, module: 'c.ts', language: 'typescript' }, code, pool });
    starts.jsShared.push(performance.now() - t);
    await a.dispose();
    await j.dispose();
  }
  const host = { name: 'x', limits: limits(jsMemoryCap(4 << 20)), random: seededRandom(1), call: () => undefined, now: () => 0 };
  const shared = await createJsEngine(wasm, 256 << 20);
  const sharedRt = shared.module.newRuntime();
  for (let i = 0; i < 20; i++) {
    let t = performance.now();
    const engine = await createJsEngine(wasm, jsMemoryCap(4 << 20));
    starts.engine.push(performance.now() - t);
    t = performance.now();
    const inst = JsAgentInstance.create({
      name: `c${i}`,
      code,
      file: 'c.js',
      grants: [],
      limits: limits(jsMemoryCap(4 << 20)),
      seed: i,
      engine,
    });
    starts.instance.push(performance.now() - t);
    if (inst instanceof JsAgentInstance) inst.dispose();
    // The alternatives: a runtime per agent in one shared engine; a context per agent in one shared runtime.
    t = performance.now();
    const rt = shared.module.newRuntime();
    const ctx = rt.newContext();
    installHostBridge(ctx, host, [], () => undefined);
    ctx.unwrapResult(ctx.evalCode(JS_PRELUDE)).dispose();
    ctx.unwrapResult(ctx.evalCode(code)).dispose();
    starts.rtInShared.push(performance.now() - t);
    ctx.dispose();
    rt.dispose();
    t = performance.now();
    const c2 = sharedRt.newContext();
    installHostBridge(c2, host, [], () => undefined);
    c2.unwrapResult(c2.evalCode(JS_PRELUDE)).dispose();
    c2.unwrapResult(c2.evalCode(code)).dispose();
    starts.ctxInShared.push(performance.now() - t);
    c2.dispose();
  }
  console.log('start time per agent (median):');
  console.log(
    `  into a running shared worker: AssemblyScript ${fmt(med(starts.asShared))} ms; TypeScript ${fmt(med(starts.jsShared))} ms (a fresh QuickJS engine each)`,
  );
  console.log(
    `  in-thread, engine per agent (chosen): new engine ${fmt(med(starts.engine))} ms + runtime, context, SDK and bundle ${fmt(med(starts.instance))} ms`,
  );
  console.log(
    `  in-thread alternatives: runtime per agent in one shared engine ${fmt(med(starts.rtInShared))} ms; context per agent in one shared runtime ${fmt(med(starts.ctxInShared))} ms`,
  );

  // 4. Idle memory per agent (RSS delta over many idle agents, each having answered one message).
  const IDLE = 50;
  let before = rss();
  const engines: JsAgentInstance[] = [];
  for (let i = 0; i < IDLE; i++) {
    const inst = JsAgentInstance.create({
      name: `i${i}`,
      code,
      file: 'c.js',
      grants: [],
      limits: limits(jsMemoryCap(4 << 20)),
      seed: i,
      engine: await createJsEngine(wasm, jsMemoryCap(4 << 20)),
    });
    if (!(inst instanceof JsAgentInstance)) throw new Error(inst.message);
    inst.handle(TEXT, 0);
    engines.push(inst);
  }
  const perEngine = (rss() - before) / IDLE;
  before = rss();
  const big = await createJsEngine(wasm, 1024 << 20);
  const runtimes = [];
  for (let i = 0; i < IDLE; i++) {
    const rt = big.module.newRuntime();
    const ctx = rt.newContext();
    installHostBridge(ctx, host, [], () => undefined);
    ctx.unwrapResult(ctx.evalCode(JS_PRELUDE)).dispose();
    ctx.unwrapResult(ctx.evalCode(code)).dispose();
    runtimes.push({ rt, ctx });
  }
  const perRuntime = (rss() - before) / IDLE;
  before = rss();
  const oneRt = big.module.newRuntime();
  const contexts = [];
  for (let i = 0; i < IDLE; i++) {
    const ctx = oneRt.newContext();
    installHostBridge(ctx, host, [], () => undefined);
    ctx.unwrapResult(ctx.evalCode(JS_PRELUDE)).dispose();
    ctx.unwrapResult(ctx.evalCode(code)).dispose();
    contexts.push(ctx);
  }
  const perContext = (rss() - before) / IDLE;
  before = rss();
  const asIdle = [];
  const asModule = new Wasm.Module(await instrumentFuel(as.wasm, 1e7));
  for (let i = 0; i < IDLE; i++) {
    const inst = AgentInstance.create({ name: `a${i}`, module: asModule, grants: [], limits: limits(4 << 20), seed: i, metered: true });
    if (!(inst instanceof AgentInstance)) throw new Error(inst.message);
    inst.handle(TEXT, 0);
    asIdle.push(inst);
  }
  const perAs = (rss() - before) / IDLE;
  console.log(
    `idle memory per agent (RSS delta over ${IDLE}, in-thread${(globalThis as { gc?: unknown }).gc ? '' : '; run node with --expose-gc for steadier figures'}):`,
  );
  console.log(
    `  AssemblyScript instance ${fmt(perAs / 1024, 0)} KiB; TypeScript: engine per agent (chosen) ${fmt(perEngine / 1024, 0)} KiB, runtime per agent in a shared engine ${fmt(perRuntime / 1024, 0)} KiB, context per agent in a shared runtime ${fmt(perContext / 1024, 0)} KiB`,
  );
  for (const c of contexts) c.dispose();
  oneRt.dispose();
  for (const { rt, ctx } of runtimes) {
    ctx.dispose();
    rt.dispose();
  }
  for (const e of engines) e.dispose();
  sharedRt.dispose();
  await asAgent.dispose();
  await jsAgent.dispose();
  await pool.dispose();
}
