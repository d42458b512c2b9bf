/**
 * A directory node in its own process, for tests that SIGKILL it:
 *   node out/test/support/natsDirectoryNode.js <nats-url> <prefix> <node> <agent,agent,...> <heartbeatMs>
 * Prints `ready <node> <epoch>` once it has joined, then every directory event as one JSON line; SIGTERM leaves (bye).
 */
import { NatsLink } from '../../runtime/transport/nats/natsLink';
import { NatsDirectory } from '../../runtime/transport/nats/natsDirectory';
import { ClusterSubjects } from '../../runtime/transport/nats/subjects';

async function main(): Promise<void> {
  const [url, prefix, node, agents, heartbeat] = process.argv.slice(2);
  const link = await NatsLink.connect({ url, name: node, env: {} });
  const dir = await NatsDirectory.start(link, new ClusterSubjects(prefix), {
    node,
    agents: agents ? agents.split(',') : [],
    heartbeatMs: Number(heartbeat),
  });
  dir.onEvent((e) => process.stdout.write(`${JSON.stringify(e)}\n`));
  process.stdout.write(`ready ${node} ${dir.epoch}\n`);
  process.once('SIGTERM', () => {
    void dir
      .stop()
      .then(() => link.close())
      .then(() => process.exit(0));
  });
  // Keep the process alive: the directory's timer is unref'd.
  setInterval(() => undefined, 1 << 30);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
