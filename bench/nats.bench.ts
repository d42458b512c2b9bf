/**
 * NATS between two processes with @nats-io/transport-node and a local nats-server (figures only, never assertions):
 *  - publish msg/s of single FIPA JSON messages (decoded on the far side), until the far side has them all;
 *  - request/reply p50/p99 one at a time, and throughput with 100 requests in flight (the nats.node#581 flush pitfall
 *    showed up as ~850 req/s);
 *  - batched envelopes (100 FIPA messages per NATS message) msg/s;
 * each against the bare JSON work of the same messages in one thread (stringify + parse), measured in the same run.
 * This is the baseline the phase-2 NATS transport is compared with.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { NatsLink } from '../runtime/transport/nats/natsLink';
import { NatsServer } from '../test/support/natsServer';

const message = (i: number): Record<string, unknown> => ({
  performative: 'request',
  sender: 'client',
  receiver: `calc${i % 16}`,
  conversation_id: `c-${i}`,
  message_id: `m-${i}`,
  reply_with: `r-${i}`,
  protocol: 'fipa-request',
  content: { op: 'add', a: i, b: 2 },
});

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}
const fmt = (n: number): string => n.toLocaleString('en-US');
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The bare JSON work of n messages in one thread: the machine's own limit for what the wire needs. */
const envelopes = Array.from({ length: 1000 }, (_, i) => ({ to: 'calc', message: message(i) }));

function bareJson(n: number): number {
  const t0 = now();
  let count = 0;
  for (let i = 0; i < n; i++) count += (JSON.parse(JSON.stringify(envelopes[i % 1000])) as object) ? 1 : 0;
  return rate(count, now() - t0);
}

async function counts(link: NatsLink): Promise<{ single: number; items: number; slow: number }> {
  return JSON.parse(Buffer.from(await link.request('bench.count', '', 10_000)).toString('utf8')) as {
    single: number;
    items: number;
    slow: number;
  };
}

async function waitCount(link: NatsLink, key: 'single' | 'items', n: number): Promise<void> {
  for (;;) {
    if ((await counts(link))[key] >= n) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function run(): Promise<void> {
  const server = await NatsServer.start();
  const peer = spawn(process.execPath, [path.join(__dirname, 'natsPeer.js'), server.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    peer.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    peer.once('exit', (c) => reject(new Error(`bench peer exited with ${c}`)));
  });
  const link = await NatsLink.connect({ url: server.url, name: 'bench', env: {} });
  try {
    console.log(
      `nats-server ${link.serverVersion}, max_payload ${link.maxPayload}; client @nats-io/transport-node; node ${process.version}`,
    );
    const bare = Math.max(bareJson(200_000), bareJson(200_000));
    console.log(`bare JSON work (stringify + parse of one envelope, one thread): ${fmt(bare)} msg/s`);

    // Publish: single messages (stringified by the sender, parsed by the far side), yielding every 1,000 so the socket drains.
    const n = 200_000;
    const payloads = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ to: 'calc', message: message(i) }));
    let best = 0;
    for (let round = 0; round < 3; round++) {
      await link.request('bench.reset', '', 10_000);
      const t0 = now();
      for (let i = 0; i < n; i++) {
        link.publish('bench.sink', JSON.stringify(envelopes[i % 1000]));
        if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
      }
      await waitCount(link, 'single', n);
      best = Math.max(best, rate(n, now() - t0));
    }
    console.log(
      `publish, one FIPA message per NATS message (${payloads[0].length} bytes), received and parsed by the other process: ${fmt(best)} msg/s (${(best / bare).toFixed(2)}x bare JSON; goal >= 50,000)`,
    );

    // Batched envelopes: 100 per NATS message.
    const nb = 1_000_000;
    let bestBatch = 0;
    for (let round = 0; round < 3; round++) {
      await link.request('bench.reset', '', 10_000);
      const batcher = link.batcher({ maxCount: 100, auto: 'manual' });
      const t0 = now();
      for (let i = 0; i < nb; i++) {
        batcher.add('bench.batch', JSON.stringify(envelopes[i % 1000]));
        if (i % 10_000 === 9_999) await new Promise((r) => setImmediate(r));
      }
      batcher.flush();
      await waitCount(link, 'items', nb);
      bestBatch = Math.max(bestBatch, rate(nb, now() - t0));
    }
    console.log(
      `batched, 100 envelopes per NATS message: ${fmt(bestBatch)} msg/s (${(bestBatch / best).toFixed(1)}x single publishes, ${(bestBatch / bare).toFixed(2)}x bare JSON)`,
    );

    // Request/reply, one at a time.
    const lat: number[] = [];
    const req = payloads[0];
    for (let i = 0; i < 200; i++) await link.request('bench.echo', req, 10_000); // warm-up
    const t0 = now();
    for (let i = 0; i < 5000; i++) {
      const s = now();
      await link.request('bench.echo', req, 10_000);
      lat.push(now() - s);
    }
    const serialRate = rate(5000, now() - t0);
    lat.sort((a, b) => a - b);
    console.log(
      `request/reply, one at a time: p50 ${percentile(lat, 50).toFixed(3)} ms, p99 ${percentile(lat, 99).toFixed(3)} ms, ${fmt(serialRate)} req/s (goal p99 <= 2 ms)`,
    );

    // Request/reply, 100 in flight.
    const total = 20_000;
    const t1 = now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (next++ < total) await link.request('bench.echo', req, 10_000);
      }),
    );
    console.log(`request/reply, 100 in flight: ${fmt(rate(total, now() - t1))} req/s`);
    const s = link.stats();
    console.log(
      `link counters: published ${fmt(s.published)}, slow consumers ${s.slowConsumers}, disconnects ${s.disconnects}, refused ${s.refusedTooLarge}; far side slow consumers ${(await counts(link)).slow}`,
    );
  } finally {
    await link.close();
    peer.kill('SIGTERM');
    await new Promise((r) => peer.once('exit', r));
    await server.dispose();
  }
}
