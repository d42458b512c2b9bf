/**
 * The runtime across NATS (figures and ratios only, never assertions; docs/nats.md): this process is a client node on
 * a local nats-server; the agents are in another process, first an in-process JS echo in a bare Runtime node
 * (bench/clusterPeer.ts: the runtime and NATS path alone), then the calculator folder's wasm agents served by
 * `caxton node`. Each figure stands next to the same work inside one process, measured in the same run:
 *  - msg/s: a stream of messages into the echo, each answered (replies counted back here);
 *  - request-response one at a time: p50 / p99 round trip; and with 100 requests in flight;
 *  - idle agents: `caxton run --processes N` of a manifest with `replicas: R` (start time, RSS per agent), against the
 *    same processes holding one agent each (what the processes cost without agents).
 *   npm run bench -- cluster            (CAXTON_BENCH_IDLE_AGENTS=100000, CAXTON_BENCH_PROCESSES=10 by default)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage } from '../schemas';
import { RealClock } from '../runtime/core/clock';
import { startSession, type Session } from '../runtime/node/session/session';
import { Runtime } from '../runtime/runtime';
import { jsEcho } from './jsEcho';
import { startNode } from '../test/support/caxtonNode';
import { NatsServer } from '../test/support/natsServer';
import { distDir, examplesDir } from '../test/support/paths';

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
/** What the figures need of a session or a bare runtime. */
interface Bus {
  send(m: FipaMessage): void;
  request(m: FipaMessage): Promise<FipaMessage>;
  onMessage(l: (m: FipaMessage) => void): () => void;
}
const busOf = (s: Session): Bus => ({ send: (m) => s.send(m), request: (m) => s.request(m), onMessage: (l) => s.onMessage(l) });
const busOfRuntime = (r: Runtime): Bus => ({
  send: (m) => r.send(m),
  request: (m) => r.request(m),
  onMessage: (l) => r.onExternalMessage(l),
});
/** The calculator for a wasm agent, else the echo's request. */
const ask = (receiver: string, i: number): FipaMessage => ({
  performative: 'request',
  sender: 'user',
  receiver,
  content: receiver === 'calculator' ? { action: 'calculate', x: i, y: 2 } : { i },
});

/** n messages into the echo agent `to`, each answered: replies per second. */
async function stream(bus: Bus, to: string, n: number): Promise<number> {
  let replies = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const off = bus.onMessage(() => {
    if (++replies === n) done();
  });
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    bus.send({ performative: 'inform', sender: 'user', receiver: to, content: { i } });
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  await finished;
  off();
  return n / ((performance.now() - t) / 1000);
}

/** Requests to `to` one at a time (round trips, ms), then `inFlight` at once (req/s). */
async function requests(
  bus: Bus,
  to: string,
  n: number,
  inFlight: number,
): Promise<{ p50: number; p99: number; serial: number; parallel: number }> {
  for (let i = 0; i < 200; i++) await bus.request(ask(to, i));
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await bus.request(ask(to, i));
    lat.push(performance.now() - s);
  }
  const serial = n / ((performance.now() - t0) / 1000);
  lat.sort((a, b) => a - b);
  let next = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < n * 4) await bus.request(ask(to, next));
    }),
  );
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99), serial, parallel: (n * 4) / ((performance.now() - t1) / 1000) };
}

interface Figures {
  perSec: number;
  p50: number;
  p99: number;
  serial: number;
  parallel: number;
}

async function measure(bus: Bus, echo: string, calc: string, n = 50_000): Promise<Figures> {
  await stream(bus, echo, 5_000);
  const perSec = Math.max(await stream(bus, echo, n), await stream(bus, echo, n));
  return { perSec, ...(await requests(bus, calc, 3_000, 100)) };
}

function report(what: string, remote: Figures, local: Figures): void {
  console.log(
    `${what}: stream into an echo, each answered: across NATS (2 processes) ${fmt(remote.perSec)} msg/s vs in one process ${fmt(local.perSec)} msg/s = ${fmt(remote.perSec / local.perSec, 2)}x (goal >= 50,000 msg/s)`,
  );
  console.log(
    `${what}: request-response one at a time: across NATS p50 ${fmt(remote.p50, 3)} ms, p99 ${fmt(remote.p99, 3)} ms (${fmt(remote.serial)} req/s) vs in one process p50 ${fmt(local.p50, 3)} ms, p99 ${fmt(local.p99, 3)} ms (goal p99 <= 2 ms)`,
  );
  console.log(
    `${what}: request-response, 100 in flight: across NATS ${fmt(remote.parallel)} req/s vs in one process ${fmt(local.parallel)} req/s = ${fmt(remote.parallel / local.parallel, 2)}x`,
  );
}

/** `caxton run <folder> --processes n --quiet`: the "processes:" line's figures. */
async function processesRun(folder: string, n: number): Promise<{ readyS: number; agents: number; rssMiB: number }> {
  const child = spawn(
    process.execPath,
    [path.join(distDir, 'cli.js'), 'run', folder, '--processes', String(n), '--quiet', '--wait', '300s'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const m = /processes: \d+ node\(s\) ready in ([\d.]+) s holding (\d+) agent\(s\).*RSS (\d+) MiB/.exec(out);
  if (!m || code !== 0) throw new Error(`caxton run --processes ${n} failed (${code}):\n${out.slice(-2000)}\n${err}`);
  return { readyS: Number(m[1]), agents: Number(m[2]), rssMiB: Number(m[3]) };
}

/** A client node of the cluster (no agents) for the duration of `fn`; prints what its link counted. */
async function withClient<T>(url: string, names: string[], fn: (bus: Bus) => Promise<T>): Promise<T> {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-bench-client-'));
  const client = await startSession({
    folder: empty,
    noAgents: true,
    limits: { mailbox: 100_000 },
    nats: { url, node: 'bench-client', env: {} },
  });
  try {
    await client.link!.waitFor(names, 20_000);
    const out = await fn(busOf(client));
    const s = client.link!.stats();
    console.log(
      `  link: ${fmt(s.envelopesOut)} envelopes out in ${fmt(s.batchesOut)} NATS messages (${fmt(s.envelopesOut / Math.max(1, s.batchesOut), 1)} per batch), ${fmt(s.envelopesIn)} in; slow consumers ${s.slowConsumers}, may be lost ${s.mayBeLost}`,
    );
    return out;
  } finally {
    await client.stop();
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

function idleFolder(replicas: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-bench-idle-'));
  fs.copyFileSync(path.join(examplesDir, 'calculator', 'agents', 'echo.ts'), path.join(dir, 'echo.ts'));
  fs.writeFileSync(path.join(dir, 'idle.agent.yaml'), `name: idle\nmodule: echo.ts\nreplicas: ${replicas}\n`);
  return dir;
}

export async function run(): Promise<void> {
  console.log(
    `machine: ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (other builds share it)`,
  );
  const server = await NatsServer.start();
  try {
    // The runtime and NATS alone: an in-process JS echo in another process vs the same echo in this one.
    const peer = spawn(process.execPath, [path.join(__dirname, 'clusterPeer.js'), server.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      peer.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      peer.once('exit', (c) => reject(new Error(`bench peer exited with ${c}`)));
    });
    const localRt = new Runtime({ clock: new RealClock(), limits: { mailbox: 100_000 } });
    localRt.addAgent(jsEcho('jsecho'));
    const jsLocal = await measure(busOfRuntime(localRt), 'jsecho', 'jsecho', 100_000);
    await localRt.stop();
    const jsRemote = await withClient(server.url, ['jsecho'], (bus) => measure(bus, 'jsecho', 'jsecho', 100_000));
    peer.kill('SIGTERM');
    await new Promise((r) => peer.once('exit', r));
    report('JS echo (runtime + NATS, no wasm)', jsRemote, jsLocal);

    // The whole thing: the calculator folder's wasm agents served by `caxton node` vs the same folder in this process.
    const calculator = path.join(examplesDir, 'calculator');
    const local = await startSession({ folder: calculator, workers: 1 });
    let wasmLocal: Figures;
    try {
      wasmLocal = await measure(busOf(local), 'echo', 'calculator');
    } finally {
      await local.stop();
    }
    const node = await startNode(calculator, server.url, 'bench-node', ['--workers', '1']);
    let wasmRemote: Figures;
    try {
      wasmRemote = await withClient(server.url, ['echo', 'calculator'], (bus) => measure(bus, 'echo', 'calculator'));
    } finally {
      await node.stop();
    }
    report('wasm agents (caxton node, one worker)', wasmRemote, wasmLocal);
  } finally {
    await server.dispose();
  }

  const replicas = Number(process.env.CAXTON_BENCH_IDLE_AGENTS ?? 100_000);
  const processes = Number(process.env.CAXTON_BENCH_PROCESSES ?? 10);
  if (!replicas) return;
  const base = idleFolder(processes);
  const big = idleFolder(replicas);
  try {
    const empty = await processesRun(base, processes);
    const full = await processesRun(big, processes);
    const perAgent = ((full.rssMiB - empty.rssMiB) * 1024) / full.agents;
    console.log(
      `idle agents: ${fmt(full.agents)} wasm agents over ${processes} processes ready in ${fmt(full.readyS, 1)} s (${fmt(full.agents / full.readyS)} agents/s); RSS ${fmt(full.rssMiB)} MiB in all = ${fmt((full.rssMiB * 1024) / full.agents, 1)} KiB per agent; ` +
        `the same ${processes} processes with one agent each: ${fmt(empty.rssMiB)} MiB, ready in ${fmt(empty.readyS, 1)} s, so ${fmt(perAgent, 1)} KiB per agent beyond the processes`,
    );
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
    fs.rmSync(big, { recursive: true, force: true });
  }
}
