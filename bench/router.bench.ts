/**
 * Router benchmarks (figures only, never assertions):
 *  - messages/s routed between in-process agents (fan-in throughput and a ping-pong chain);
 *  - messages/s into a wasm agent, with and without schema validation on send;
 *  - request-response p50/p99 between two wasm agents in one worker and across two workers.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage } from '../schemas';
import { RealClock } from '../runtime/core/clock';
import type { AgentEndpoint, AgentResult } from '../runtime/core/types';
import { buildAgentSource } from '../runtime/build';
import { Runtime } from '../runtime/runtime';
import { loadWasmAgent, WorkerPool } from '../runtime/sandbox';
import { buildExampleAgent, fixtureCacheDir } from '../test/support/fixtures';

const NO_USAGE = { fuel: 0, memoryBytes: 0, durationMs: 0 };

/** An AssemblyScript relay: asks the calculator for the user and forwards the answer (two wasm agents talking). */
const RELAY_SOURCE = `
import { Message, onMessage, send, sendJson } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";
let n = 0;
onMessage(handle);
function handle(msg: Message): void {
  const c = msg.content;
  const content = c != null ? c.toString() : "null";
  if (msg.sender == "user") {
    n++;
    sendJson("{\\"performative\\":\\"request\\",\\"receiver\\":\\"calculator\\",\\"reply_with\\":\\"q" + n.toString() + "\\",\\"content\\":" + content + "}");
  } else {
    send("inform", "user", content);
  }
}
`;

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')} msg/s`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function sink(name: string, onMessage?: (m: FipaMessage) => AgentResult): AgentEndpoint {
  return {
    name,
    handle: async (m) => onMessage?.(m) ?? { ok: true, effects: [], usage: NO_USAGE },
    dispose: async () => {},
  };
}

async function inProcess(): Promise<void> {
  for (const withTrace of [false, true]) {
    let bestMs = Infinity;
    let events = 0;
    const n = 200_000;
    for (let round = 0; round < 3; round++) {
      events = 0;
      const rt = new Runtime({
        clock: new RealClock(),
        limits: { mailbox: 100_000 },
        trace: withTrace
          ? [
              () => {
                events++;
              },
            ]
          : [],
      });
      rt.addAgent(sink('sink'));
      const t0 = performance.now();
      for (let i = 0; i < n; i += 1000) {
        for (let j = 0; j < 1000; j++) rt.send({ performative: 'inform', sender: 'user', receiver: 'sink', content: { i: i + j } });
        await rt.idle();
      }
      bestMs = Math.min(bestMs, performance.now() - t0);
      await rt.stop();
    }
    console.log(
      `in-process fan-in (${withTrace ? 'trace listener on' : 'no trace listener'}): ${rate(n, bestMs)} (${n} messages in ${bestMs.toFixed(0)} ms, best of 3${withTrace ? `, ${events} events` : ''})`,
    );
  }
  // A ping-pong chain: every message is handled before the next exists (latency-bound). A chain of 50,000 hops is
  // exactly what the hop limit cuts (limits.maxHops): lift it here, and count what was delivered rather than assume it.
  let delivered = 0;
  const rt = new Runtime({
    clock: new RealClock(),
    limits: { maxHops: Number.MAX_SAFE_INTEGER, maxSendsPerTick: Number.MAX_SAFE_INTEGER },
    trace: [
      (e) => {
        if (e.type === 'message_delivered') delivered++;
      },
    ],
  });
  const n = 50_000;
  const bounce = (me: string, other: string) =>
    sink(me, (m) => ({
      ok: true,
      usage: NO_USAGE,
      effects:
        (m.content as number) < n
          ? [{ kind: 'send', message: { performative: 'inform', sender: me, receiver: other, content: (m.content as number) + 1 } }]
          : [],
    }));
  rt.addAgent(bounce('ping', 'pong'));
  rt.addAgent(bounce('pong', 'ping'));
  const t0 = performance.now();
  rt.send({ performative: 'inform', sender: 'user', receiver: 'ping', content: 0 });
  await rt.idle();
  const ms = performance.now() - t0;
  if (delivered < n) throw new Error(`the ping-pong chain stopped after ${delivered} of ${n} deliveries`);
  console.log(`in-process ping-pong chain: ${rate(delivered, ms)} (${((ms * 1000) / delivered).toFixed(2)} µs per hop, trace listener on)`);
  await rt.stop();
}

async function intoWasm(): Promise<void> {
  const logger = await buildExampleAgent('calculator', 'logger');
  const best: Record<string, number> = { off: 0, on: 0 };
  // Alternate the variants and keep each one's best run: the machine is shared, single runs are noisy.
  for (const validate of [false, true, false, true, false, true]) {
    const clock = new RealClock();
    const pool = new WorkerPool({ size: 1 });
    const rt = new Runtime({ clock, validateMessages: validate, limits: { mailbox: 10_000 } });
    rt.addAgent(await loadWasmAgent({ manifest: logger.manifest, wasm: logger.wasm, clock, pool }), { ownLifecycle: true });
    const n = 4_000;
    // Warm up the worker and the JIT first.
    for (let i = 0; i < 200; i++) rt.send({ performative: 'inform', sender: 'user', receiver: 'logger', content: { warm: i } });
    await rt.idle();
    const t0 = performance.now();
    for (let i = 0; i < n; i += 500) {
      for (let j = 0; j < 500; j++)
        rt.send({ performative: 'inform', sender: 'user', receiver: 'logger', content: { sensor: 't1', value: i + j } });
      await rt.idle();
    }
    const perMs = n / (performance.now() - t0);
    const key = validate ? 'on' : 'off';
    best[key] = Math.max(best[key], perMs);
    await rt.stop();
    await pool.dispose();
  }
  console.log(`into a wasm agent, schema validation off: ${rate(best.off, 1)} (best of 3)`);
  console.log(`into a wasm agent, schema validation on : ${rate(best.on, 1)} (best of 3)`);
  console.log(`  with validation: ${((best.on / best.off) * 100).toFixed(0)}% of the throughput without`);
}

async function buildRelay(): Promise<Uint8Array> {
  const hash = crypto.createHash('sha256').update(RELAY_SOURCE).digest('hex').slice(0, 16);
  const wasm = path.join(fixtureCacheDir, `rt-relay-${hash}.wasm`);
  if (!fs.existsSync(wasm)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-relay-'));
    fs.writeFileSync(path.join(dir, 'relay.ts'), RELAY_SOURCE);
    fs.mkdirSync(fixtureCacheDir, { recursive: true });
    const r = await buildAgentSource(path.join(dir, 'relay.ts'), `${wasm}.${process.pid}.tmp`, { cache: false });
    fs.rmSync(dir, { recursive: true, force: true });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.text).join('\n'));
    fs.renameSync(`${wasm}.${process.pid}.tmp`, wasm);
  }
  return fs.readFileSync(wasm);
}

async function requestResponse(): Promise<void> {
  const calc = await buildExampleAgent('calculator', 'calculator');
  const relay = await buildRelay();
  for (const workers of [1, 2]) {
    const clock = new RealClock();
    const pool = new WorkerPool({ size: workers });
    const rt = new Runtime({ clock });
    rt.addAgent(await loadWasmAgent({ manifest: { name: 'relay', module: 'relay.wasm' }, wasm: relay, clock, pool }), {
      ownLifecycle: true,
    });
    rt.addAgent(await loadWasmAgent({ manifest: calc.manifest, wasm: calc.wasm, clock, pool }), { ownLifecycle: true });
    let answered: (() => void) | undefined;
    rt.onExternalMessage((_m, to) => {
      if (to === 'user') answered?.();
    });
    const once = () =>
      new Promise<void>((resolve) => {
        answered = resolve;
        rt.send({ performative: 'request', sender: 'user', receiver: 'relay', content: { x: 10, y: 20 } });
      });
    for (let i = 0; i < 100; i++) await once();
    const samples: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      await once();
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    console.log(
      `request-response relay <-> calculator (wasm, ${workers === 1 ? 'one worker ' : 'two workers'}): p50 ${percentile(samples, 50).toFixed(3)} ms, p99 ${percentile(samples, 99).toFixed(3)} ms (4 hops per round trip)`,
    );
    await rt.stop();
    await pool.dispose();
  }
}

/** Run every router benchmark and print the figures. */
export async function run(): Promise<void> {
  await inProcess();
  await intoWasm();
  await requestResponse();
}
