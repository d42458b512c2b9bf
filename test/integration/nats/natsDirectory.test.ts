/**
 * The directory across processes and a real nats-server: nodes join and are looked up, a late joiner learns everyone,
 * a node SIGKILLed is declared lost by name with its agents, a restarted one rejoins, one stopped says bye.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { NatsLink } from '../../../runtime/transport/nats/natsLink';
import { NatsDirectory } from '../../../runtime/transport/nats/natsDirectory';
import type { DirectoryEvent } from '../../../runtime/transport/nats/directoryState';
import { ClusterSubjects } from '../../../runtime/transport/nats/subjects';
import { NatsServer } from '../../support/natsServer';
import { waitFor } from '../../vscode/suite/waitFor';

const script = path.join(__dirname, '..', '..', 'support', 'natsDirectoryNode.js');
const HEARTBEAT = 100;
// Generous against a loaded machine: a live node that misses 20 heartbeats in a row would be reported lost.
const LOST_AFTER = 2000;

/** Start a directory node process and wait for its `ready` line. */
function startNode(url: string, node: string, agents: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, url, 'lab', node, agents.join(','), String(HEARTBEAT)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^ready /m.test(out)) resolve(child);
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => reject(new Error(`node ${node} exited with ${code}: ${out}`)));
  });
}
const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('NATS directory across processes (real nats-server)', function () {
  this.timeout(60_000);
  let server: NatsServer;
  const children: ChildProcess[] = [];
  const links: NatsLink[] = [];
  before(async () => {
    server = await NatsServer.start();
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    for (const l of links) await l.close();
    await server?.dispose();
  });

  it('join, lookup, SIGKILL -> lost naming the node, restart -> rejoin, stop -> left', async () => {
    const subjects = new ClusterSubjects('lab');
    const link = await NatsLink.connect({ url: server.url, env: {} });
    links.push(link);
    const observer = await NatsDirectory.start(link, subjects, {
      node: 'observer',
      agents: ['watcher'],
      heartbeatMs: HEARTBEAT,
      lostAfterMs: LOST_AFTER,
    });
    const events: DirectoryEvent[] = [];
    observer.onEvent((e) => events.push(e));
    const seen = (type: string, node: string): true | undefined =>
      events.some((e) => e.type === type && e.node === node) ? true : undefined;

    const n1 = await startNode(server.url, 'n1', ['alice', 'bob']);
    const n2 = await startNode(server.url, 'n2', ['carol']);
    children.push(n1, n2);
    await waitFor('n1 and n2 join', () => seen('joined', 'n1') && seen('joined', 'n2'), 20_000, 20);
    assert.equal(observer.lookup('alice'), 'n1');
    assert.equal(observer.lookup('carol'), 'n2');
    assert.equal(observer.lookup('watcher'), 'observer');
    assert.equal(observer.lookup('nobody'), undefined);
    assert.deepEqual(
      observer.nodes().map((n) => n.node),
      ['n1', 'n2', 'observer'],
    );

    // A late joiner learns the others through hello -> announce.
    const link2 = await NatsLink.connect({ url: server.url, env: {} });
    links.push(link2);
    const late = await NatsDirectory.start(link2, subjects, { node: 'late', heartbeatMs: HEARTBEAT, lostAfterMs: LOST_AFTER });
    await waitFor(
      'the late node learns everyone',
      () => (late.lookup('alice') === 'n1' && late.lookup('carol') === 'n2' && late.lookup('watcher') === 'observer' ? true : undefined),
      20_000,
      20,
    );

    // A node killed outright stops its heartbeats: lost, by name, with its agents.
    n1.kill('SIGKILL');
    await exited(n1);
    await waitFor('n1 is lost', () => seen('lost', 'n1'), 20_000, 20);
    const lost = events.find((e) => e.type === 'lost' && e.node === 'n1') as Extract<DirectoryEvent, { type: 'lost' }>;
    assert.deepEqual(lost.agents, ['alice', 'bob']);
    assert.equal(lost.reason, 'silent');
    assert.equal(observer.lookup('alice'), undefined);
    assert.equal(observer.lookup('carol'), 'n2', 'n2 is still alive');

    // Restarted: rejoins with its agents.
    const joinsBefore = events.filter((e) => e.type === 'joined' && e.node === 'n1').length;
    children.push(await startNode(server.url, 'n1', ['alice', 'bob']));
    await waitFor(
      'n1 rejoins',
      () => (events.filter((e) => e.type === 'joined' && e.node === 'n1').length > joinsBefore ? true : undefined),
      20_000,
      20,
    );
    assert.equal(observer.lookup('bob'), 'n1');

    // A node that changes its list is seen changing it.
    late.announce(['dave']);
    await waitFor('dave', () => (observer.lookup('dave') === 'late' ? true : undefined), 20_000, 20);

    // Stopped on purpose: left, at once (no waiting for silence).
    n2.kill('SIGTERM');
    await waitFor('n2 left', () => seen('left', 'n2'), 20_000, 20);
    assert.equal(observer.lookup('carol'), undefined);
    assert.ok(!events.some((e) => e.type === 'lost' && e.node === 'n2'), 'a node that says bye is not reported lost');
    assert.equal(observer.invalid, 0);
    await late.stop();
    await observer.stop();
  });
});
