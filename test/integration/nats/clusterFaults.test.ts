/**
 * Faults of a NATS cluster, with real `caxton node` processes and a client session in this process (so its runtime,
 * dead letters and link counters can be read): a node SIGKILLed mid-conversation (the waiting request is failed
 * with node_lost naming the node, later messages to its agents are dead-lettered the same way, all counted), the
 * node restarted under its name (it rejoins and answers), the NATS server killed and restarted (both sides
 * reconnect and traffic resumes), and a node refusing envelopes for agents it does not host.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../../../schemas';
import { parseTraceJsonl } from '../../../schemas/load/traceJsonl';
import { startSession, type Session } from '../../../runtime/node/session/session';
import { encodeBatch } from '../../../runtime/transport/nats/batchCodec';
import { NatsLink } from '../../../runtime/transport/nats/natsLink';
import { ClusterSubjects } from '../../../runtime/transport/nats/subjects';
import { startNode, type CliProcess } from '../../support/caxtonNode';
import { NatsServer } from '../../support/natsServer';
import { examplesDir } from '../../support/paths';
import { waitFor } from '../../vscode/suite/waitFor';

const HEARTBEAT = ['--heartbeat', '100ms'];
const calc = (x: number): FipaMessage => ({
  performative: 'request',
  sender: 'user',
  receiver: 'calculator',
  content: { action: 'calculate', x, y: 1 },
});

describe('NATS cluster faults (real nats-server, node processes, a client session here)', function () {
  this.timeout(180_000);
  let server: NatsServer;
  let dir: string;
  let client: Session;
  let node: CliProcess | undefined;
  const calculator = path.join(examplesDir, 'calculator');

  before(async () => {
    server = await NatsServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-faults-'));
  });
  beforeEach(async () => {
    node = await startNode(calculator, server.url, 'node-a', [...HEARTBEAT, '--verbose', '--trace', path.join(dir, 'node-a.jsonl')]);
    client = await startSession({
      folder: dir,
      noAgents: true,
      nats: { url: server.url, node: 'client', heartbeatMs: 100, env: {} },
      name: 'faults',
    });
    await client.link!.waitFor(['calculator', 'logger'], 20_000);
  });
  afterEach(async () => {
    await client.stop();
    await node?.kill();
  });
  after(async () => {
    await server.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a node SIGKILLed mid-conversation: the waiting request fails with node_lost naming it, later messages are dead-lettered, all counted; restarted, it rejoins', async () => {
    const link = client.link!;
    const answered = await client.request(calc(41), { timeoutMs: 20_000 });
    assert.deepEqual(answered.content, { result: 42 }, 'the calculator answers across NATS');
    // Broadcast reaches every agent of the other node (they are in this node's directory).
    const sent: string[][] = [];
    const off = client.onTrace((e) => {
      if (e.type === 'message_sent' && e.message.receiver === 'broadcast') sent.push(e.to);
    });
    client.send({ performative: 'inform', sender: 'user', receiver: 'broadcast', content: { note: 'hello all' } });
    off();
    assert.deepEqual(sent, [['calculator', 'echo', 'logger']]);

    // logger never answers: the request stays open on the client until node-a goes away.
    const waiting = client.request(
      { performative: 'request', sender: 'user', receiver: 'logger', content: { note: 'hold on' } },
      { timeoutMs: 60_000 },
    );
    await node!.waitForLine(/user -> logger {2}request/);
    await node!.kill();
    const failure = await waiting;
    assert.equal(failure.performative, 'failure');
    assert.equal(failure.sender, 'caxton');
    const content = failure.content as { error: string; reason: string; receiver: string };
    assert.equal(content.error, 'node_lost');
    assert.equal(content.receiver, 'logger');
    assert.match(content.reason, /^node 'node-a' was lost \(silent for \d+ ms\) before answering$/);

    // Messages to its agents now are dead letters naming the node, at once (not unknown_agent, not a timeout).
    const late = await client.request(calc(1), { timeoutMs: 20_000 });
    assert.equal((late.content as { error: string }).error, 'node_lost');
    assert.match(
      (late.content as { reason: string }).reason,
      /node 'node-a' was lost \(silent for \d+ ms\); its agents are gone until it rejoins/,
    );
    const lost = client.runtime.deadLetters().filter((d) => d.code === 'node_lost');
    assert.deepEqual(
      lost.map((d) => d.to),
      ['logger', 'calculator'],
    );
    assert.equal(link.stats().nodeLost, 2);
    assert.equal(link.stats().nodesLost, 1);
    assert.ok(!client.runtime.agentNames().includes('calculator'), 'broadcast and patterns no longer see its agents');
    const conversation = client.runtime.conversations().find((c) => c.participants.includes('logger'));
    assert.equal(conversation?.outcome, 'failed');
    assert.match(conversation?.detail ?? '', /node 'node-a' was lost/);

    // The node comes back under its name: it rejoins and answers again.
    node = await startNode(calculator, server.url, 'node-a', HEARTBEAT);
    await waitFor(
      'node-a rejoined',
      () => (link.peerList().find((p) => p.node === 'node-a')?.status.state === 'live' ? true : undefined),
      20_000,
      20,
    );
    await link.waitFor(['calculator'], 20_000);
    const again = await client.request(calc(2), { timeoutMs: 20_000 });
    assert.deepEqual(again.content, { result: 3 });
    assert.ok(client.runtime.agentNames().includes('calculator'));
  });

  it('a NATS server restart: both sides reconnect, nobody is declared lost, traffic resumes; what was published meanwhile is counted', async () => {
    const link = client.link!;
    assert.deepEqual((await client.request(calc(9), { timeoutMs: 20_000 })).content, { result: 10 });
    await server.kill();
    await waitFor('the client sees the disconnect', () => (link.stats().disconnects >= 1 ? true : undefined), 20_000, 10);
    client.send({ ...calc(100), reply_with: 'during-outage' });
    await server.restart();
    await waitFor('the client reconnects', () => (link.stats().reconnects >= 1 ? true : undefined), 30_000, 20);
    // The node reconnects on its own schedule: ask until it answers (each try is bounded; nothing is slept).
    let reply: FipaMessage | undefined;
    for (let i = 0; i < 60 && !reply; i++) {
      const r = await client.request(calc(20 + i), { timeoutMs: 500 }).catch(() => undefined);
      if (r && r.performative === 'inform') reply = r;
    }
    assert.ok(reply, 'the calculator answers again after the server restart');
    const stats = link.stats();
    assert.ok(stats.publishedWhileDisconnected >= 1, 'the publish during the outage is counted');
    assert.equal(stats.nodesLost, 0, 'a server restart loses no node');
    assert.equal(client.runtime.deadLetters().filter((d) => d.code === 'node_lost').length, 0);
  });

  it('a node accepts envelopes only for agents it hosts, on its own cluster prefix (counted in its run_ended)', async () => {
    const raw = await NatsLink.connect({ url: server.url, env: {} });
    try {
      const message = (receiver: string): FipaMessage => ({
        performative: 'request',
        sender: 'mallory',
        receiver,
        message_id: `m-${receiver}`,
        content: { action: 'calculate', x: 1, y: 1 },
      });
      const caxton = new ClusterSubjects('caxton');
      raw.publish(
        caxton.node('node-a'),
        encodeBatch([
          JSON.stringify({ to: ['stranger'], message: message('stranger') }),
          JSON.stringify({ to: ['calculator', 'stranger'], message: message('calculator') }),
          '"junk"',
        ]),
      );
      raw.publish(
        new ClusterSubjects('other').node('node-a'),
        encodeBatch([JSON.stringify({ to: ['calculator'], message: message('calculator') })]),
      );
      await raw.flush();
      assert.deepEqual((await client.request(calc(5), { timeoutMs: 20_000 })).content, { result: 6 }, 'the node still serves');
    } finally {
      await raw.close();
    }
    await node!.stop();
    const events: TraceEvent[] = parseTraceJsonl(fs.readFileSync(path.join(dir, 'node-a.jsonl'), 'utf8')).events;
    const ended = events.find((e) => e.type === 'run_ended');
    assert.ok(ended?.type === 'run_ended' && ended.transport);
    assert.equal(ended.transport.rejected, 3, 'two receivers it does not host and one item that is not an envelope');
    assert.ok(!events.some((e) => e.type === 'message_delivered' && e.to === 'stranger'));
    // The calculator got mallory's message, the client's request, and the runtime's notice that its reply to
    // mallory (whom nobody hosts) could not be delivered.
    const toCalculator = events
      .filter((e) => e.type === 'message_delivered' && e.to === 'calculator')
      .map((e) => (e.type === 'message_delivered' ? e.id : ''));
    assert.equal(toCalculator.length, 3, toCalculator.join(', '));
    assert.ok(toCalculator.includes('m-calculator') && toCalculator.some((id) => id.startsWith('caxton/')));
  });
});
