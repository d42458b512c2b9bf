/**
 * Shard benchmarks (figures and ratios only, never assertions; docs/shards.md). Every figure is put next to the
 * machine's own limit measured in the same run: a bare loop calling the same AssemblyScript echo in one thread.
 *   npm run bench -- shards
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../schemas';
import { AgentInstance } from '../runtime/sandbox/agentInstance';
import { prepareWasmAgent } from '../runtime/sandbox';
import { startSession, type Session } from '../runtime/node/session/session';
import { runScenario } from '../runtime/node/scenario/scenario';
import { buildWorkspace } from '../runtime/build/buildWorkspace';
import { buildExampleAgent, watFixture } from '../test/support/fixtures';
import { ShardGroup } from '../runtime/shard/shardGroup';
import { normaliseLimits } from '../runtime/router/limits';
import { absoluteNow } from '../runtime/core/clock';
import { examplesDir } from '../test/support/paths';

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const MSG: FipaMessage = { performative: 'inform', sender: 'echo-a', receiver: 'echo-b', content: { x: 1, text: 'hello' } };

/** The machine's limit: the AssemblyScript echo called in a loop in this thread (no router, no thread hop). */
async function bareLoop(): Promise<{ callsPerSec: number; jsonPerSec: number }> {
  const echo = await buildExampleAgent('calculator', 'echo');
  const prepared = await prepareWasmAgent({ manifest: { ...echo.manifest, name: 'echo' }, wasm: echo.wasm });
  const inst = AgentInstance.create({ name: 'echo', module: prepared.module, grants: [], limits: prepared.limits, seed: 1, metered: true });
  if (!(inst instanceof AgentInstance)) throw new Error(inst.message);
  const text = JSON.stringify(MSG);
  const n = 200_000;
  for (let i = 0; i < 20_000; i++) inst.handle(text, 0);
  let t = performance.now();
  for (let i = 0; i < n; i++) {
    const r = inst.handle(text, 0);
    if (!r.ok) throw new Error(r.error.message);
  }
  const callsPerSec = n / ((performance.now() - t) / 1000);
  // The bare JSON work of a message: serialise it, parse the reply.
  t = performance.now();
  for (let i = 0; i < n; i++) JSON.parse(JSON.stringify({ ...MSG, in_reply_to: `r${i}` }));
  const jsonPerSec = n / ((performance.now() - t) / 1000);
  return { callsPerSec, jsonPerSec };
}

/** A workspace with two echo agents (they answer every message, so a first message starts an endless ping-pong). */
function echoWorkspace(colocate: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-bench-shards-'));
  fs.mkdirSync(path.join(dir, 'agents'));
  const src = path.join(examplesDir, 'calculator', 'agents', 'echo.ts');
  fs.copyFileSync(src, path.join(dir, 'agents', 'echo.ts'));
  const placement = colocate ? 'placement:\n  group: pingpong\n' : '';
  for (const name of ['echo-a', 'echo-b'])
    fs.writeFileSync(path.join(dir, 'agents', `${name}.agent.yaml`), `name: ${name}\nmodule: echo.ts\n${placement}`);
  return dir;
}

/** Ping-pong between two echo agents for `ms` of real time: deliveries per second and the round-trip latency. */
async function pingPong(
  colocate: boolean,
  ms = 1500,
  inFlight = 1,
): Promise<{ perSec: number; p50us: number; p99us: number; shards: string }> {
  const dir = echoWorkspace(colocate);
  let delivered = 0;
  const sentAt = new Map<string, number>();
  const rtt: number[] = [];
  let session: Session | undefined;
  try {
    session = await startSession({
      // An endless ping-pong is exactly what the hop limit cuts: lift it for the measurement.
      folder: dir,
      workers: 2,
      limits: { maxHops: Number.MAX_SAFE_INTEGER, maxSendsPerTick: Number.MAX_SAFE_INTEGER },
      onTrace: (e: TraceEvent) => {
        if (e.type === 'message_delivered') {
          delivered++;
          if (rtt.length < 200_000) {
            const t0 = sentAt.get(e.id);
            if (t0 !== undefined) {
              rtt.push(e.t - t0);
              sentAt.delete(e.id);
            }
          }
        } else if (e.type === 'message_sent' && sentAt.size < 10_000) sentAt.set(e.id, e.t);
      },
    });
    const shards = session.runtime.shards!;
    for (let i = 0; i < inFlight; i++) session.send({ ...MSG, conversation_id: `pp-${i}` });
    await new Promise((r) => setTimeout(r, 300));
    const d0 = delivered;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const perSec = (delivered - d0) / ((performance.now() - t0) / 1000);
    rtt.sort((a, b) => a - b);
    return { perSec, p50us: pct(rtt, 0.5) * 1000, p99us: pct(rtt, 0.99) * 1000, shards: `${shards.size} worker shard(s)` };
  } finally {
    await session?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Messages from outside (the host) into a wasm agent that answers each one: throughput of the whole loop. */
async function intoAgent(n = 50_000): Promise<number> {
  const dir = echoWorkspace(true);
  let replies = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const session = await startSession({ folder: dir, workers: 1 });
  try {
    session.onMessage(() => {
      if (++replies === n) done();
    });
    const t = performance.now();
    for (let i = 0; i < n; i++) session.send({ performative: 'inform', sender: 'user', receiver: 'echo-a', content: { i } });
    await finished;
    return n / ((performance.now() - t) / 1000);
  } finally {
    await session.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The end-to-end job: a cached `caxton run` of a scenario of `n` requests to the wasm calculator (simulated clock). */
async function loadScenario(n: number): Promise<{ wallMs: number; delivered: number; ok: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-bench-load-'));
  try {
    fs.cpSync(path.join(examplesDir, 'calculator', 'agents'), path.join(dir, 'agents'), {
      recursive: true,
      filter: (f) => !f.includes(`${path.sep}build`),
    });
    // Every request arrives at the same instant: the calculator's mailbox must hold them all (the default is 256).
    const manifest = path.join(dir, 'agents', 'calculator.agent.yaml');
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace(/^limits:\n/m, `limits:\n  mailbox: ${n}\n`));
    const messages = Array.from({ length: n }, (_, i) => ({
      performative: 'request',
      sender: 'user',
      receiver: 'calculator',
      protocol: 'fipa-request',
      conversation_id: `c${i}`,
      reply_with: `q${i}`,
      content: { action: 'calculate', x: i, y: 2, op: 'mul' },
    }));
    fs.writeFileSync(path.join(dir, 'load.fipa.json'), JSON.stringify(messages));
    fs.writeFileSync(
      path.join(dir, 'load.scenario.yaml'),
      `scenario:\n  name: load\n  agents: [agents/calculator.agent.yaml]\n  messages:\n    - file: load.fipa.json\n`,
    );
    // Built first, as `caxton run` finds a workspace it ran before: the figure is the run, not the AssemblyScript compile.
    const built = await buildWorkspace(dir);
    if (!built.ok) throw new Error(`the calculator did not build in ${dir}`);
    const s = await runScenario(path.join(dir, 'load.scenario.yaml'), {});
    return { wallMs: s.wallMs, delivered: s.delivered, ok: s.ok };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Start `n` agents (the echo module, prepared once) on two worker shards: wall time and heap+RSS growth per agent. */
export async function manyAgents(n: number): Promise<{ ms: number; perAgentKiB: number }> {
  const echo = await buildExampleAgent('calculator', 'echo');
  const prepared = await prepareWasmAgent({ manifest: { ...echo.manifest, name: 'echo' }, wasm: echo.wasm });
  const group = new ShardGroup({
    workers: 2,
    init: {
      stepped: false,
      limits: normaliseLimits({}),
      requestTimeoutMs: 30_000,
      attempts: 1,
      dedupe: true,
      protocolChecks: true,
      validate: false,
      epochMs: absoluteNow(),
      epochWallMs: Date.now(),
    },
  });
  const rss0 = process.memoryUsage().rss;
  const t = performance.now();
  const specs = Array.from({ length: n }, (_, i) => ({
    spec: {
      name: `a${i}`,
      kind: 'wasm' as const,
      module: prepared.module,
      grants: [],
      limits: prepared.limits,
      restart: prepared.restart,
      seed: i,
      metered: true,
    },
    shard: 1 + (i % 2),
  }));
  const loaded = await group.load(specs);
  const ms = performance.now() - t;
  const failed = loaded.results.filter((r) => r.error).length;
  if (failed) throw new Error(`${failed} agents failed to start: ${loaded.results.find((r) => r.error)?.error?.message}`);
  const perAgentKiB = (process.memoryUsage().rss - rss0) / n / 1024;
  await group.stop('done', 0);
  return { ms, perAgentKiB };
}

export async function run(): Promise<void> {
  const bare = await bareLoop();
  console.log(
    `machine limit (same run): AssemblyScript echo called in a loop in one thread: ${fmt(bare.callsPerSec)} calls/s; bare JSON work (stringify + parse) ${fmt(bare.jsonPerSec)} msg/s`,
  );
  const one = await pingPong(true);
  console.log(
    `wasm <-> wasm in one shard (real time): ${fmt(one.perSec)} msg/s = ${fmt(one.perSec / bare.callsPerSec, 3)}x the bare loop; round trip p50 ${fmt(one.p50us)} us, p99 ${fmt(one.p99us)} us`,
  );
  const two = await pingPong(false);
  console.log(
    `wasm <-> wasm across two shards (real time): ${fmt(two.perSec)} msg/s = ${fmt(two.perSec / bare.callsPerSec, 3)}x; round trip p50 ${fmt(two.p50us)} us, p99 ${fmt(two.p99us)} us`,
  );
  const twoMany = await pingPong(false, 1500, 64);
  console.log(
    `wasm <-> wasm across two shards, 64 exchanges in flight: ${fmt(twoMany.perSec)} msg/s = ${fmt(twoMany.perSec / bare.callsPerSec, 3)}x; round trip p50 ${fmt(twoMany.p50us)} us, p99 ${fmt(twoMany.p99us)} us`,
  );
  const oneMany = await pingPong(true, 1500, 64);
  console.log(
    `wasm <-> wasm in one shard, 64 exchanges in flight: ${fmt(oneMany.perSec)} msg/s = ${fmt(oneMany.perSec / bare.callsPerSec, 3)}x`,
  );
  const into = await intoAgent();
  console.log(`into a wasm agent from outside and back (real time): ${fmt(into)} msg/s = ${fmt(into / bare.callsPerSec, 3)}x`);
  const many = await manyAgents(10_000);
  console.log(
    `10,000 agents started on two worker shards in ${fmt(many.ms)} ms (${fmt(many.ms / 10, 2)} us per agent), ${fmt(many.perAgentKiB, 1)} KiB RSS per idle agent`,
  );
  for (const n of [5_000, 20_000]) {
    const load = await loadScenario(n);
    const bareMs = ((2 * n) / bare.jsonPerSec) * 1000;
    console.log(
      `caxton run of a ${fmt(n)}-request scenario (simulated clock, full trace): ${fmt(load.wallMs)} ms wall, ${fmt(load.delivered / (load.wallMs / 1000))} deliveries/s (${load.ok ? 'passed' : 'FAILED'}); bare JSON work of its ${fmt(2 * n)} messages ${fmt(bareMs, 1)} ms = ${fmt(bareMs / load.wallMs, 3)}x`,
    );
  }
  void watFixture;
}
