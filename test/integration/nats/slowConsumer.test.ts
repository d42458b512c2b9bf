/**
 * A slow consumer on a real nats-server: a subscriber process frozen (SIGSTOP) while a flood comes is cut off by the
 * server (its max_pending exceeded), loses messages (core NATS is at-most-once), and its link counts the disconnect
 * and reconnects when it runs again; what it lost is visible as received < sent.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { NatsLink } from '../../../runtime/transport/nats/natsLink';
import type { LinkCounters } from '../../../runtime/transport/nats/natsLink';
import { NatsServer } from '../../support/natsServer';
import { waitFor } from '../../vscode/suite/waitFor';

describe('NATS slow consumer (real nats-server, a frozen subscriber process)', function () {
  this.timeout(120_000);

  it('the server cuts the frozen subscriber off; it reconnects and its counters show the disconnect; messages were lost', async () => {
    const server = await NatsServer.start({ maxPending: 256 * 1024, maxPayload: 64 * 1024 });
    const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'support', 'natsCounterNode.js'), server.url, 'flood'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const link = await NatsLink.connect({ url: server.url, env: {} });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve();
        });
        child.once('exit', (c) => reject(new Error(`counter node exited with ${c}`)));
      });
      child.kill('SIGSTOP');
      const payload = 'x'.repeat(16 * 1024);
      let sent = 0;
      // Flood until the server reports the slow consumer (socket buffers absorb the first megabytes).
      while (!/slow consumer/i.test(server.output)) {
        for (let i = 0; i < 200; i++) {
          link.publish('flood', payload);
          sent++;
        }
        await link.flush();
        assert.ok(sent < 200_000, `no slow consumer after ${sent} messages:\n${server.output}`);
      }
      child.kill('SIGCONT');
      const report = await waitFor(
        'the counter node reconnects',
        async () => {
          try {
            const r = JSON.parse(Buffer.from(await link.request('flood.stats', '', 2000)).toString('utf8')) as {
              received: number;
              stats: LinkCounters;
            };
            return r.stats.reconnects >= 1 ? r : undefined;
          } catch {
            return undefined;
          }
        },
        60_000,
        50,
      );
      assert.ok(report.stats.disconnects >= 1, JSON.stringify(report.stats));
      assert.ok(report.received < sent, `received ${report.received} of ${sent}: some were dropped`);
      console.log(
        `      sent ${sent}, the frozen subscriber received ${report.received}; its link: ${report.stats.disconnects} disconnect(s), ${report.stats.reconnects} reconnect(s)`,
      );
    } finally {
      child.kill('SIGKILL');
      await link.close();
      await server.dispose();
    }
  });
});
