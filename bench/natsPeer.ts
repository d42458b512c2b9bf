/**
 * The far side of bench/nats.bench.ts, in its own process: `node out/bench/natsPeer.js <nats-url>`.
 * Echoes requests on bench.echo, decodes and counts single messages on bench.sink and batched envelopes on
 * bench.batch (JSON.parse each, as a node would), answers the counts on bench.count; prints `ready`.
 */
import { NatsLink } from '../runtime/transport/nats/natsLink';
import { decodeBatch, parsePayload } from '../runtime/transport/nats/batchCodec';

async function main(): Promise<void> {
  const link = await NatsLink.connect({ url: process.argv[2], name: 'bench-peer', env: {} });
  let single = 0;
  let items = 0;
  link.subscribe('bench.echo', (m) => m.respond(m.data));
  link.subscribe('bench.sink', (m) => {
    parsePayload(m.data);
    single++;
  });
  link.subscribe('bench.batch', (m) => {
    const d = decodeBatch(m.data);
    if ('items' in d) items += d.items.length;
  });
  link.subscribe('bench.count', (m) => m.respond(JSON.stringify({ single, items, slow: link.stats().slowConsumers })));
  link.subscribe('bench.reset', (m) => {
    single = 0;
    items = 0;
    m.respond('{}');
  });
  await link.flush();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void link.close().then(() => process.exit(0));
  });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
