/**
 * The far side of bench/cluster.bench.ts's transport figures, in its own process: `node out/bench/clusterPeer.js <nats-url>`.
 * A Runtime node (`js-peer`) with one in-process JS agent, `jsecho`, that answers every message (inform, same
 * content, in_reply_to its reply_with): the runtime and NATS path without a wasm call. Prints `ready`.
 */
import { RealClock } from '../runtime/core/clock';
import { jsEcho } from './jsEcho';
import { Runtime } from '../runtime/runtime';
import { NatsRemoteLink } from '../runtime/transport/nats/natsRemoteLink';

async function main(): Promise<void> {
  const runtime = new Runtime({ clock: new RealClock(), node: 'js-peer', limits: { mailbox: 100_000 } });
  runtime.addAgent(jsEcho('jsecho'));
  const link = await NatsRemoteLink.connect({ url: process.argv[2], node: 'js-peer', env: {} });
  runtime.attachRemote(link);
  link.flushAnnouncement();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void runtime
      .stop()
      .then(() => link.close())
      .then(() => process.exit(0));
  });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
