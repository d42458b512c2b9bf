/**
 * NatsLink against a real nats-server: credentials (URL, env, token) never printed, reconnect after a server restart
 * (publishes resume, what was published while down is counted), max_payload read from the server and enforced,
 * batches within it, request/reply with "no responders" and timeouts.
 */
import * as assert from 'node:assert/strict';
import { NatsLink } from '../../../runtime/transport/nats/natsLink';
import { decodeBatch } from '../../../runtime/transport/nats/batchCodec';
import { NatsConfigError } from '../../../runtime/transport/nats/credentials';
import { MessageTooLargeError, NoRespondersError, RequestTimeoutError } from '../../../runtime/transport/nats/natsErrors';
import { NatsServer } from '../../support/natsServer';
import { waitFor } from '../../vscode/suite/waitFor';

const SECRET = 'Sup3r-s3cret-pw';
const text = (d: Uint8Array): string => Buffer.from(d).toString('utf8');

/** Capture everything written to stdout/stderr (console included) while `body` runs. */
async function captureOutput(body: () => Promise<void>): Promise<string> {
  let captured = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (chunk: unknown): boolean => {
    captured += String(chunk);
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    await body();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return captured;
}

describe('NatsLink (real nats-server)', function () {
  this.timeout(60_000);

  it('authenticates with user:password from the URL or the env, or a token, and never prints the secret', async () => {
    const server = await NatsServer.start({ user: 'caxton', password: SECRET });
    const tokenServer = await NatsServer.start({ token: SECRET });
    const links: NatsLink[] = [];
    const log = (line: string): void => {
      console.log(line);
    };
    try {
      const output = await captureOutput(async () => {
        links.push(await NatsLink.connect({ url: `nats://caxton:${SECRET}@127.0.0.1:${server.port}`, log, env: {} }));
        links.push(await NatsLink.connect({ url: server.url, env: { CAXTON_NATS_USER: 'caxton', CAXTON_NATS_PASSWORD: SECRET }, log }));
        links.push(await NatsLink.connect({ url: `nats://${SECRET}@127.0.0.1:${tokenServer.port}`, log, env: {} }));
        await assert.rejects(
          NatsLink.connect({ url: `nats://caxton:x${SECRET}x@127.0.0.1:${server.port}`, log, env: {}, maxReconnectAttempts: 0 }),
          (e: Error) => {
            console.error(e.message, e.stack);
            assert.ok(e instanceof NatsConfigError);
            assert.match(e.message, new RegExp(`cannot connect to NATS at nats://127.0.0.1:${server.port} as user caxton: .*credentials`));
            return true;
          },
        );
        await assert.rejects(
          NatsLink.connect({ url: server.url, credsFile: '/nonexistent/node.creds', env: {} }),
          /cannot read the NATS creds file \/nonexistent\/node.creds \(ENOENT\)/,
        );
        // A round trip on each, and a restart with reconnect messages, all through the captured output.
        for (const l of links) {
          l.subscribe('hello', (m) => m.respond('hi'));
          await l.flush();
        }
        assert.equal(text(await links[0].request('hello', 'x', 10_000)), 'hi');
        await server.stop();
        await server.restart();
        await waitFor('reconnects', () => (links[0].stats().reconnects && links[1].stats().reconnects ? true : undefined), 30_000, 20);
        for (const l of links) console.log(l.endpoint.display, JSON.stringify(l.stats()));
      });
      assert.match(output, /nats: connected to nats:\/\/127\.0\.0\.1:\d+ as user caxton \(server 2\.\d+\.\d+, max_payload 1048576\)/);
      assert.match(output, /nats: connected to nats:\/\/127\.0\.0\.1:\d+ with a token/);
      assert.match(output, /nats: reconnected to/);
      assert.ok(!output.includes(SECRET), `the secret appears in the output:\n${output}`);
    } finally {
      for (const l of links) await l.close();
      await server.dispose();
      await tokenServer.dispose();
    }
  });

  it('reconnects after a server restart: publishes resume, those made while down are counted', async () => {
    const server = await NatsServer.start();
    const a = await NatsLink.connect({ url: server.url, env: {} });
    const b = await NatsLink.connect({ url: server.url, env: {} });
    try {
      const got: string[] = [];
      b.subscribe('caxton.agent.x', (m) => got.push(text(m.data)));
      await b.flush();
      a.publish('caxton.agent.x', 'before');
      await waitFor('before', () => (got.includes('before') ? true : undefined), 10_000, 10);
      await server.kill();
      await waitFor('both links see the disconnect', () => (!a.connected && !b.connected ? true : undefined), 10_000, 10);
      a.publish('caxton.agent.x', 'while-down');
      assert.equal(a.stats().publishedWhileDisconnected, 1);
      await server.restart();
      await waitFor('both links reconnect', () => (a.connected && b.connected ? true : undefined), 30_000, 20);
      await b.flush(); // b's subscription is registered again on the new server
      a.publish('caxton.agent.x', 'after');
      await waitFor('after', () => (got.includes('after') ? true : undefined), 10_000, 10);
      const s = a.stats();
      assert.ok(s.disconnects >= 1 && s.reconnects >= 1, JSON.stringify(s));
      assert.equal(s.published, 3);
    } finally {
      await a.close();
      await b.close();
      await server.dispose();
    }
  });

  it("reads the server's max_payload and refuses more, in publish, request and batches", async () => {
    const server = await NatsServer.start({ maxPayload: 4096 });
    const a = await NatsLink.connect({ url: server.url, env: {} });
    const b = await NatsLink.connect({ url: server.url, env: {} });
    try {
      assert.equal(a.maxPayload, 4096);
      assert.equal(a.maxMessageBytes, 4096);
      const big = 'x'.repeat(5000);
      assert.throws(
        () => a.publish('s', big),
        (e: Error) =>
          e instanceof MessageTooLargeError &&
          /5000 bytes is over the limit of 4096 bytes \(caxton's message limit 1048576, the NATS server's max_payload 4096\); .*raise max_payload/.test(
            e.message,
          ),
      );
      await assert.rejects(a.request('s', big, 1000), MessageTooLargeError);
      assert.equal(a.stats().refusedTooLarge, 2);
      const small = await NatsLink.connect({ url: server.url, env: {}, maxMessageBytes: 1000 });
      assert.equal(small.maxMessageBytes, 1000, 'our limit when it is the smaller');
      await small.close();

      const items: unknown[] = [];
      const sizes: number[] = [];
      b.subscribe('caxton.node.n2', (m) => {
        sizes.push(m.data.byteLength);
        const d = decodeBatch(m.data);
        if ('items' in d) items.push(...d.items);
      });
      await b.flush();
      const batcher = a.batcher({ auto: 'manual' });
      const sent = Array.from({ length: 100 }, (_, i) => ({
        to: `agent${i}`,
        message: { performative: 'inform', sender: 'a', receiver: `agent${i}`, content: { n: i, pad: 'y'.repeat(60) } },
      }));
      for (const e of sent) batcher.add('caxton.node.n2', JSON.stringify(e));
      batcher.flush();
      assert.throws(() => batcher.add('caxton.node.n2', JSON.stringify({ to: 'x', pad: big })), MessageTooLargeError);
      await waitFor('100 envelopes', () => (items.length === 100 ? true : undefined), 10_000, 10);
      assert.deepEqual(items, sent);
      assert.ok(sizes.length >= 3 && sizes.every((s) => s <= 4096), `batches of ${sizes.join(', ')} bytes`);
    } finally {
      await a.close();
      await b.close();
      await server.dispose();
    }
  });

  it('request/reply: a reply, "no responders" at once for an address nobody hosts, a timeout for one that never answers', async () => {
    const server = await NatsServer.start();
    const a = await NatsLink.connect({ url: server.url, env: {} });
    const b = await NatsLink.connect({ url: server.url, env: {} });
    try {
      b.subscribe('caxton.agent.calc', (m) => m.respond(`=${text(m.data)}`));
      b.subscribe('caxton.agent.mute', () => undefined);
      await b.flush();
      assert.equal(text(await a.request('caxton.agent.calc', '42', 10_000)), '=42');
      await assert.rejects(
        a.request('caxton.agent.ghost', 'x', 60_000),
        (e: Error) => e instanceof NoRespondersError && /nobody on NATS listens on caxton\.agent\.ghost/.test(e.message),
      );
      await assert.rejects(
        a.request('caxton.agent.mute', 'x', 200),
        (e: Error) => e instanceof RequestTimeoutError && /no reply on caxton\.agent\.mute within 200 ms/.test(e.message),
      );
      const s = a.stats();
      assert.equal(s.noResponders, 1);
      assert.equal(s.requestTimeouts, 1);
      assert.equal(b.stats().received, 2, 'calc and mute got one request each; the ghost request reached nobody');
    } finally {
      await a.close();
      await b.close();
      await server.dispose();
    }
  });
});
