/**
 * A subscriber in its own process, for tests that freeze it (SIGSTOP) to make it a slow consumer:
 *   node out/test/support/natsCounterNode.js <nats-url> <subject>
 * Counts what arrives on <subject>; answers `<subject>.stats` with { received, stats }; prints `ready`.
 */
import { NatsLink } from '../../runtime/transport/nats/natsLink';

async function main(): Promise<void> {
  const [url, subject] = process.argv.slice(2);
  const link = await NatsLink.connect({ url, name: 'counter', env: {} });
  let received = 0;
  link.subscribe(subject, () => {
    received++;
  });
  link.subscribe(`${subject}.stats`, (m) => m.respond(JSON.stringify({ received, stats: link.stats() })));
  await link.flush();
  process.stdout.write('ready\n');
  setInterval(() => undefined, 1 << 30);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
