/**
 * Security of a node's inbox on a real nats-server: it accepts envelopes only for agents it hosts, on subjects of its
 * own cluster prefix; everything else is dropped and counted with a reason; an agent it does not host has no responder.
 */
import * as assert from 'node:assert/strict';
import { NatsInbox, screenEnvelope, type WireEnvelope } from '../../../runtime/transport/nats/inbox';
import { NatsLink } from '../../../runtime/transport/nats/natsLink';
import { encodeBatch } from '../../../runtime/transport/nats/batchCodec';
import { NoRespondersError } from '../../../runtime/transport/nats/natsErrors';
import { ClusterSubjects } from '../../../runtime/transport/nats/subjects';
import { NatsServer } from '../../support/natsServer';
import { waitFor } from '../../vscode/suite/waitFor';

const env = (to: string, content = 'hi'): WireEnvelope => ({
  to,
  message: { performative: 'request', sender: 'eve', receiver: to, content },
});
const text = (d: Uint8Array): string => Buffer.from(d).toString('utf8');

describe('NATS inbox: a node accepts only messages for agents it hosts (real nats-server)', function () {
  this.timeout(60_000);

  it('screens envelopes (pure)', () => {
    const hosts = (a: string): boolean => a === 'alice';
    assert.ok('envelope' in screenEnvelope(env('alice'), hosts));
    assert.deepEqual(screenEnvelope(env('mallory'), hosts), { reason: 'for an agent this node does not host' });
    assert.deepEqual(screenEnvelope([env('alice')], hosts), { reason: 'not an envelope object' });
    assert.deepEqual(screenEnvelope({ to: 'alice', message: 'x' }, hosts), { reason: 'an envelope without a message object' });
    assert.deepEqual(screenEnvelope({ message: {} }, hosts), { reason: 'an envelope without `to`' });
  });

  it('delivers to hosted agents, ignores and counts the rest, answers requests, and forgets an unhosted agent', async () => {
    const server = await NatsServer.start();
    const nodeLink = await NatsLink.connect({ url: server.url, env: {} });
    const sender = await NatsLink.connect({ url: server.url, env: {} });
    const lab = new ClusterSubjects('lab');
    const delivered: WireEnvelope[] = [];
    const inbox = new NatsInbox(nodeLink, lab, 'n1', (e, reply) => {
      delivered.push(e);
      reply?.(JSON.stringify({ to: 'eve', message: { performative: 'inform', sender: e.to, receiver: 'eve', content: 'ok' } }));
    });
    try {
      inbox.host('alice');
      inbox.host('bob');
      await nodeLink.flush();

      sender.publish(
        lab.node('n1'),
        encodeBatch([JSON.stringify(env('alice', 'one')), JSON.stringify(env('mallory')), '"junk"', JSON.stringify(env('bob', 'two'))]),
      );
      sender.publish(lab.node('n1'), 'not json');
      sender.publish(lab.agent('alice'), JSON.stringify(env('mallory')));
      sender.publish(new ClusterSubjects('other').node('n1'), encodeBatch([JSON.stringify(env('alice', 'other-cluster'))]));
      sender.publish(new ClusterSubjects('other').agent('alice'), JSON.stringify(env('alice', 'other-cluster')));
      // A request goes after the publications on the same connection: when it is answered, they have all arrived.
      const answer = JSON.parse(text(await sender.request(lab.agent('alice'), JSON.stringify(env('alice', 'three')), 10_000)));
      assert.equal(answer.message.content, 'ok');

      assert.deepEqual(
        delivered.map((e) => `${e.to}:${String(e.message.content)}`),
        ['alice:one', 'bob:two', 'alice:three'],
      );
      assert.equal(inbox.accepted, 3);
      assert.deepEqual(inbox.rejected, {
        'for an agent this node does not host': 1,
        'not an envelope object': 1,
        'a node message that is not a batch': 1,
        'an envelope whose `to` differs from its subject': 1,
      });
      await assert.rejects(sender.request(lab.agent('mallory'), JSON.stringify(env('mallory')), 10_000), NoRespondersError);

      inbox.unhost('bob');
      await nodeLink.flush();
      await assert.rejects(sender.request(lab.agent('bob'), JSON.stringify(env('bob')), 10_000), NoRespondersError);
      sender.publish(lab.node('n1'), encodeBatch([JSON.stringify(env('bob', 'late'))]));
      await sender.request(lab.agent('alice'), JSON.stringify(env('alice', 'four')), 10_000);
      assert.ok(!delivered.some((e) => e.message.content === 'late'), 'bob is no longer hosted here');
      assert.equal(inbox.rejected['for an agent this node does not host'], 2);
    } finally {
      inbox.close();
      await nodeLink.close();
      await sender.close();
      await server.dispose();
    }
  });

  it("works with the permissions docs/nats.md lists for a node's user; a user of another prefix cannot reach its agents", async () => {
    // docs/nats.md: a node's user may publish and subscribe <prefix>.> and _INBOX.> (request replies); nothing else.
    const server = await NatsServer.start({
      users: [
        { user: 'node', password: 'pw-node', permissions: { publish: ['lab.>', '_INBOX.>'], subscribe: ['lab.>', '_INBOX.>'] } },
        {
          user: 'intruder',
          password: 'pw-intruder',
          permissions: { publish: ['other.>', '_INBOX.>'], subscribe: ['other.>', '_INBOX.>'] },
        },
      ],
    });
    const lab = new ClusterSubjects('lab');
    const nodeLink = await NatsLink.connect({ url: `nats://node:pw-node@127.0.0.1:${server.port}`, env: {} });
    const peer = await NatsLink.connect({ url: `nats://node:pw-node@127.0.0.1:${server.port}`, env: {} });
    const intruder = await NatsLink.connect({ url: `nats://intruder:pw-intruder@127.0.0.1:${server.port}`, env: {} });
    const delivered: WireEnvelope[] = [];
    const inbox = new NatsInbox(nodeLink, lab, 'n1', (e, reply) => {
      delivered.push(e);
      reply?.('{}');
    });
    try {
      inbox.host('alice');
      await nodeLink.flush();
      peer.publish(lab.node('n1'), encodeBatch([JSON.stringify(env('alice', 'from-peer'))]));
      assert.equal(text(await peer.request(lab.agent('alice'), JSON.stringify(env('alice', 'req')), 10_000)), '{}');
      assert.deepEqual(
        delivered.map((e) => e.message.content),
        ['from-peer', 'req'],
      );
      assert.equal(nodeLink.stats().serverErrors + peer.stats().serverErrors, 0, 'the documented permissions suffice');

      intruder.publish(lab.node('n1'), encodeBatch([JSON.stringify(env('alice', 'intrusion'))]));
      await waitFor('the server refuses the intruder', () => (intruder.stats().serverErrors >= 1 ? true : undefined), 10_000, 10);
      await peer.request(lab.agent('alice'), JSON.stringify(env('alice', 'after')), 10_000);
      assert.deepEqual(
        delivered.map((e) => e.message.content),
        ['from-peer', 'req', 'after'],
        'nothing from the intruder',
      );
    } finally {
      inbox.close();
      for (const l of [nodeLink, peer, intruder]) await l.close();
      await server.dispose();
    }
  });
});
