/**
 * A cluster of real `caxton node` processes on a real nats-server, driven by `caxton send --nats` and
 * `caxton run --nats` clients: request-response, pub-sub with wildcards and a content filter, a contract net and an
 * auction whose bidders sit on different nodes, each node's trace stamped with its name, and `caxton inspect`
 * merging the nodes' traces into one causal order.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas';
import { parseTraceJsonl } from '../../../schemas/load/traceJsonl';
import { runCli, startNode, type CliProcess } from '../../support/caxtonNode';
import { NatsServer } from '../../support/natsServer';
import { examplesDir } from '../../support/paths';

const readTrace = (file: string): TraceEvent[] => parseTraceJsonl(fs.readFileSync(file, 'utf8')).events;
const deliveredTo = (events: TraceEvent[], agent: string): number =>
  events.filter((e) => e.type === 'message_delivered' && e.to === agent).length;

describe('a NATS cluster of caxton nodes (real nats-server, node processes, CLI clients)', function () {
  this.timeout(180_000);
  let server: NatsServer;
  let dir: string;
  const nodes: CliProcess[] = [];

  before(async () => {
    server = await NatsServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-cluster-'));
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.kill();
  });
  after(async () => {
    await server.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A client folder holding only `files` (no agents: everything it talks to lives on the nodes). */
  const clientFolder = (name: string, files: Record<string, string>): string => {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder, { recursive: true });
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(folder, f), text);
    return folder;
  };

  it('request-response: `caxton send --nats` reaches the calculator on another node and prints its reply', async () => {
    const trace = path.join(dir, 'calc-node.jsonl');
    nodes.push(await startNode(path.join(examplesDir, 'calculator'), server.url, 'calc-node', ['--trace', trace]));
    const client = clientFolder('send', {
      'add.fipa.json': fs.readFileSync(path.join(examplesDir, 'calculator', 'add.fipa.json'), 'utf8'),
    });
    const r = await runCli(['send', 'add.fipa.json', '--nats', server.url, '--name', 'client-send'], client);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /replies:\n {2}calculator: inform \{"result":30\}/);
    assert.match(r.out, /calculator -> user {2}inform .*\(from node calc-node\)/);
    assert.match(r.out, /nats \(node client-send\): 1 envelope\(s\) out .* 1 in; node_lost 0/);
    assert.doesNotMatch(r.out + r.err, /no replies/);
    assert.equal(await nodes[0].stop(), 0, 'a clean stop on SIGTERM');
    assert.match(nodes[0].out, /node client-send joined with 0 agent\(s\)[\s\S]*node client-send left/);
    assert.match(
      nodes[0].out,
      /node calc-node stopped by SIGTERM: delivered 1, dropped 0, timeouts 0\n {2}nats \(node calc-node\): 1 envelope\(s\) out/,
    );
    const events = readTrace(trace);
    assert.ok(events.length > 0 && events.every((e) => e.node === 'calc-node'), 'every event of the node names it');
    assert.equal(deliveredTo(events, 'calculator'), 1);
    const ended = events.find((e) => e.type === 'run_ended');
    assert.ok(ended && ended.type === 'run_ended' && ended.transport, 'run_ended carries the transport counters');
    assert.deepEqual([ended.transport.envelopes_in, ended.transport.envelopes_out, ended.transport.node_lost], [1, 1, 0]);
  });

  it('pub-sub: wildcard and filtered subscriptions on two nodes get what a publisher on a third node publishes', async () => {
    const pubsub = path.join(examplesDir, 'pubsub');
    const traces = { pub: path.join(dir, 'pub.jsonl'), subs1: path.join(dir, 'subs1.jsonl'), subs2: path.join(dir, 'subs2.jsonl') };
    nodes.push(
      ...(await Promise.all([
        startNode(pubsub, server.url, 'pub', ['--agents', 'order-service', '--trace', traces.pub]),
        startNode(pubsub, server.url, 'subs1', ['--agents', 'audit,eu-desk', '--trace', traces.subs1]),
        startNode(pubsub, server.url, 'subs2', ['--agents', 'big-orders', '--trace', traces.subs2]),
      ])),
    );
    const order = (id: string, region: string, total: number, at: string): string =>
      `    - { at: ${at}, message: { performative: request, sender: operator, receiver: order-service, reply_with: ${id}, content: { action: create, id: ${id}, region: ${region}, total: ${total} } } }`;
    const client = clientFolder('pubsub', {
      'orders.scenario.yaml': [
        'scenario:',
        '  name: orders-across-nodes',
        '  messages:',
        // big-orders subscribes at run time, with a content filter, on its own node.
        '    - { at: 0, message: { performative: request, sender: operator, receiver: big-orders, content: { action: start } } }',
        order('o-1', 'eu', 500, '300ms'),
        order('o-2', 'us', 2500, '300ms'),
        order('o-3', 'eu', 1500, '300ms'),
        '  expect:',
        '    messages:',
        '      - { performative: inform, sender: order-service, receiver: operator, content: { published: orders/us/created } }',
        '',
      ].join('\n'),
    });
    const r = await runCli(['run', 'orders.scenario.yaml', '--nats', server.url, '--name', 'client-pubsub'], client);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /orders-across-nodes — passed/);
    await Promise.all(nodes.map((n) => n.stop()));
    const subs1 = readTrace(traces.subs1),
      subs2 = readTrace(traces.subs2),
      pub = readTrace(traces.pub);
    assert.equal(deliveredTo(subs1, 'audit'), 3, 'topic://orders/# on node subs1 gets all three orders');
    assert.equal(deliveredTo(subs1, 'eu-desk'), 2, 'topic://orders/eu/* gets the two EU orders');
    assert.equal(deliveredTo(subs2, 'big-orders'), 1 + 2, 'the start request, then the two orders over 1000 (filter total > 1000)');
    const published = pub.filter(
      (e) => e.type === 'message_sent' && e.message.sender === 'order-service' && String(e.message.receiver).startsWith('topic://'),
    );
    assert.equal(published.length, 3);
    assert.deepEqual(
      published.map((e) => e.type === 'message_sent' && e.to.slice().sort()),
      [
        ['audit', 'eu-desk'],
        ['audit', 'big-orders'],
        ['audit', 'big-orders', 'eu-desk'],
      ],
      'the publisher names every receiver on other nodes in its message_sent',
    );
  });

  it('a contract net whose bidders sit on two nodes, then `caxton inspect` merges the three traces in causal order', async () => {
    const cn = path.join(examplesDir, 'contract-net');
    const traces = [path.join(dir, 'bidders-ab.jsonl'), path.join(dir, 'bidder-c.jsonl'), path.join(dir, 'manager.jsonl')];
    nodes.push(
      ...(await Promise.all([
        startNode(cn, server.url, 'bidders-ab', ['--agents', 'painter-a,painter-b', '--trace', traces[0]]),
        startNode(cn, server.url, 'bidder-c', ['--agents', 'painter-c', '--trace', traces[1]]),
      ])),
    );
    const client = clientFolder('contract-net', {
      'cn.scenario.yaml': fs.readFileSync(path.join(cn, 'contract-net.scenario.yaml'), 'utf8'),
    });
    const r = await runCli(['run', 'cn.scenario.yaml', '--nats', server.url, '--name', 'manager', '--trace', traces[2]], client);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /✓ pattern winner: "painter-b"/);
    assert.match(r.out, /painter-c -> manager {2}refuse .*\(from node bidder-c\)/);
    await Promise.all(nodes.map((n) => n.stop()));

    const merged = path.join(dir, 'merged.jsonl');
    const page = path.join(dir, 'cn.html');
    const inspect = await runCli(['inspect', ...traces, '-o', page, '--merged', merged], dir);
    assert.equal(inspect.code, 0, inspect.out + inspect.err);
    const events = readTrace(merged);
    assert.deepEqual([...new Set(events.map((e) => e.node))].sort(), ['bidder-c', 'bidders-ab', 'manager']);
    const at = new Map(
      events.map((e, i) => [`${e.type}:${'id' in e ? e.id : ''}:${'to' in e && typeof e.to === 'string' ? e.to : ''}`, i] as const),
    );
    for (const e of events.filter((x) => x.type === 'message_delivered')) {
      const sent = at.get(`message_sent:${e.type === 'message_delivered' ? e.id : ''}:`);
      assert.ok(
        sent !== undefined && sent < at.get(`message_delivered:${e.id}:${e.to}`)!,
        `${e.id} is sent before it is delivered to ${e.to} (on node ${e.node})`,
      );
    }
    const awarded = events.find((e) => e.type === 'message_sent' && e.message.performative === 'accept_proposal');
    assert.equal(awarded?.node, 'manager');
    assert.ok(fs.statSync(page).size > 10_000, 'the inspector page was written');
  });

  it('an English auction with the collectors on two nodes and the auctioneer on the client', async () => {
    const auction = path.join(examplesDir, 'english-auction');
    nodes.push(
      ...(await Promise.all([
        startNode(auction, server.url, 'hall-1', ['--agents', 'collector-ann,collector-cy']),
        startNode(auction, server.url, 'hall-2', ['--agents', 'collector-ben']),
      ])),
    );
    // Ties go to the earlier bid, and on the real clock "earlier" is arrival order, which differs from run to run
    // across nodes: ben (valuation 300) must win, at 280 when ann (260) led the 260 round, else at 260.
    const scenario = fs
      .readFileSync(path.join(auction, 'english-auction.scenario.yaml'), 'utf8')
      .replace(/pattern: \{ ok: true, winner: collector-ben, price: 280 \}/, 'pattern: { ok: true, winner: collector-ben }');
    assert.ok(!scenario.includes('price: 280 }'), 'the example scenario changed: adapt this test');
    const client = clientFolder('auction', { 'auction.scenario.yaml': scenario });
    const trace = path.join(dir, 'auction.jsonl');
    const r = await runCli(['run', 'auction.scenario.yaml', '--nats', server.url, '--name', 'auctioneer-node', '--trace', trace], client);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /✓ pattern winner: "collector-ben"/);
    assert.match(r.out, /collector-ben -> auctioneer {2}propose .*\(from node hall-2\)/);
    const result = readTrace(trace).find((e) => e.type === 'auction_result');
    assert.ok(
      result?.type === 'auction_result' && result.winner === 'collector-ben' && [260, 280].includes(result.price ?? 0),
      JSON.stringify(result),
    );
    const rounds = readTrace(trace).filter((e) => e.type === 'auction_round');
    assert.ok(rounds.length >= 8 && rounds.every((e) => e.node === 'auctioneer-node'), "the rounds are traced on the auctioneer's node");
  });

  it('`caxton run --processes 3`: replicas spread over three node processes on a nats-server of its own, one merged trace', async () => {
    const folder = clientFolder('replicas', {
      'echo.ts': fs.readFileSync(path.join(examplesDir, 'calculator', 'agents', 'echo.ts'), 'utf8'),
      'idle.agent.yaml': 'name: idle\nmodule: echo.ts\nreplicas: 7\n',
      'ping.scenario.yaml': [
        'scenario:',
        '  name: ping-replicas',
        '  messages:',
        ...['idle-0', 'idle-4', 'idle-6'].map(
          (r) => `    - { message: { performative: request, sender: user, receiver: ${r}, reply_with: ${r}, content: { ping: ${r} } } }`,
        ),
        '  expect:',
        '    messages:',
        ...['idle-0', 'idle-4', 'idle-6'].map((r) => `      - { performative: inform, sender: ${r}, receiver: user }`),
        '',
      ].join('\n'),
    });
    const trace = path.join(dir, 'replicas.jsonl');
    const r = await runCli(['run', '.', '--processes', '3', '--trace', trace], folder);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /processes: 3 node\(s\) ready in [\d.]+ s holding 7 agent\(s\) \(p0: 3, p1: 2, p2: 2\); RSS \d+ MiB in all/);
    assert.match(r.out, /ping-replicas — passed/);
    assert.match(r.out, /nodes: delivered 3, dropped 0 over 3 process\(es\)/);
    assert.match(r.err, /nats-server started on nats:\/\/127\.0\.0\.1:\d+/);
    const merged = readTrace(trace);
    assert.deepEqual([...new Set(merged.map((e) => e.node))].sort(), ['client', 'p0', 'p1', 'p2']);
    assert.equal(
      merged.filter((e) => e.type === 'message_delivered' && e.to === 'user').length,
      3,
      'the three replies reach the client node',
    );
  });

  it('`caxton run --processes` without nats-server on PATH refuses, naming the package to install', async () => {
    const folder = path.join(examplesDir, 'calculator');
    const r = await runCli(['run', folder, '--processes', '2'], dir, { CAXTON_NATS_SERVER: path.join(dir, 'no-such-nats-server') });
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /nats-server is not installed .*apt-get install nats-server/);
  });

  it('refuses clearly: no node hosts a receiver, a bad node name, no --nats for caxton node', async () => {
    const client = clientFolder('lonely', {
      'ping.fipa.json': JSON.stringify({ performative: 'request', sender: 'user', receiver: 'nobody-here', reply_with: 'p1', content: {} }),
    });
    const r = await runCli(['send', 'ping.fipa.json', '--nats', server.url, '--name', 'lonely', '--wait', '300ms'], client);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(
      r.err,
      /no node of cluster 'caxton' hosts 'nobody-here' after 300 ms; nodes seen: none; start them with `caxton node <folder> --nats nats:\/\/127\.0\.0\.1:\d+`/,
    );
    const bad = await runCli(['node', path.join(examplesDir, 'calculator'), '--nats', server.url, '--name', '1 bad'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--name: the node name "1 bad" is invalid/);
    const none = await runCli(['node', path.join(examplesDir, 'calculator')], dir);
    assert.equal(none.code, 2);
    assert.match(none.err, /give the NATS server with --nats/);
  });
});
