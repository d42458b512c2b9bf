/** The directory's pure state on simulated time: joins, lookups, lists changing, silence -> lost, restarts, bye, conflicts, bad payloads. */
import * as assert from 'node:assert/strict';
import { DirectoryState, nodeNameProblem, readControl, type DirectoryEvent } from '../../../runtime/transport/nats/directoryState';

const self = { node: 'n0', epoch: 'e0', version: 0, agents: ['me'] };
const types = (events: DirectoryEvent[]): string[] =>
  events.map((e) => `${e.type}:${e.node}${'agent' in e && e.agent ? `/${e.agent}` : ''}`);

describe('directory state', () => {
  it('knows its own agents, learns others from announcements, and reports a join once', () => {
    const d = new DirectoryState(self, 1000, 0);
    assert.equal(d.lookup('me'), 'n0');
    assert.deepEqual(types(d.announce({ node: 'n1', epoch: 'a', version: 0, agents: ['alice', 'bob'] }, 10)), ['joined:n1']);
    assert.deepEqual(d.announce({ node: 'n1', epoch: 'a', version: 0, agents: ['alice', 'bob'] }, 20), [], 'the same list again');
    assert.equal(d.lookup('bob'), 'n1');
    assert.equal(d.lookup('nobody'), undefined);
    assert.deepEqual(
      d.nodes().map((n) => [n.node, n.self, n.agents]),
      [
        ['n0', true, ['me']],
        ['n1', false, ['alice', 'bob']],
      ],
    );
  });

  it('applies a newer list and ignores an older one', () => {
    const d = new DirectoryState(self, 1000, 0);
    d.announce({ node: 'n1', epoch: 'a', version: 2, agents: ['alice'] }, 0);
    d.announce({ node: 'n1', epoch: 'a', version: 3, agents: ['carol'] }, 1);
    assert.equal(d.lookup('alice'), undefined);
    assert.equal(d.lookup('carol'), 'n1');
    d.announce({ node: 'n1', epoch: 'a', version: 1, agents: ['alice'] }, 2);
    assert.equal(d.lookup('alice'), undefined, 'a late old announcement changes nothing');
  });

  it('asks for the list when a heartbeat is from an unknown node or shows a newer version', () => {
    const d = new DirectoryState(self, 1000, 0);
    assert.equal(d.heartbeat({ node: 'n1', epoch: 'a', version: 0 }, 0).query, true);
    d.announce({ node: 'n1', epoch: 'a', version: 0, agents: [] }, 0);
    assert.equal(d.heartbeat({ node: 'n1', epoch: 'a', version: 0 }, 5).query, false);
    assert.equal(d.heartbeat({ node: 'n1', epoch: 'a', version: 1 }, 5).query, true);
  });

  it('declares a node lost after lostAfterMs of silence, naming it and its agents; heartbeats keep it alive', () => {
    const d = new DirectoryState(self, 1000, 0);
    d.announce({ node: 'n1', epoch: 'a', version: 0, agents: ['alice'] }, 0);
    d.announce({ node: 'n2', epoch: 'b', version: 0, agents: ['bob'] }, 0);
    d.heartbeat({ node: 'n2', epoch: 'b', version: 0 }, 900);
    assert.deepEqual(d.tick(1000), [], 'not yet');
    const lost = d.tick(1001);
    assert.deepEqual(lost, [{ type: 'lost', node: 'n1', agents: ['alice'], reason: 'silent', silentMs: 1001 }]);
    assert.equal(d.lookup('alice'), undefined);
    assert.equal(d.lookup('bob'), 'n2');
    assert.deepEqual(types(d.tick(1901)), ['lost:n2']);
    assert.deepEqual(d.tick(50_000), [], 'never loses itself');
  });

  it('a restarted node (new epoch) is lost then joined again', () => {
    const d = new DirectoryState(self, 1000, 0);
    d.announce({ node: 'n1', epoch: 'a', version: 5, agents: ['alice'] }, 0);
    const r = d.heartbeat({ node: 'n1', epoch: 'a2', version: 0 }, 10);
    assert.deepEqual(types(r.events), ['lost:n1']);
    assert.equal((r.events[0] as { reason: string }).reason, 'restarted');
    assert.equal(r.query, true);
    assert.deepEqual(types(d.announce({ node: 'n1', epoch: 'a2', version: 0, agents: ['alice'] }, 11)), ['joined:n1']);
    assert.equal(d.lookup('alice'), 'n1');
  });

  it('bye removes a node at once; a bye of another epoch is ignored', () => {
    const d = new DirectoryState(self, 1000, 0);
    d.announce({ node: 'n1', epoch: 'a', version: 0, agents: ['alice'] }, 0);
    assert.deepEqual(d.bye({ node: 'n1', epoch: 'old' }), []);
    assert.deepEqual(d.bye({ node: 'n1', epoch: 'a' }), [{ type: 'left', node: 'n1', agents: ['alice'] }]);
    assert.equal(d.lookup('alice'), undefined);
  });

  it('reports two nodes claiming one agent (the first keeps it, the second takes over when the first goes)', () => {
    const d = new DirectoryState(self, 1000, 0);
    d.announce({ node: 'n1', epoch: 'a', version: 0, agents: ['alice'] }, 0);
    const events = d.announce({ node: 'n2', epoch: 'b', version: 0, agents: ['alice'] }, 0);
    assert.deepEqual(types(events), ['conflict:n2/alice', 'joined:n2']);
    assert.match((events[0] as { detail: string }).detail, /agent alice is announced by node n2 but lives on node n1/);
    assert.equal(d.lookup('alice'), 'n1');
    d.bye({ node: 'n1', epoch: 'a' });
    assert.equal(d.lookup('alice'), 'n2');
  });

  it('reports another process using this node name, and ignores its own echo', () => {
    const d = new DirectoryState(self, 1000, 0);
    assert.deepEqual(d.announce({ ...self }, 1), []);
    const [e] = d.announce({ node: 'n0', epoch: 'other', version: 0, agents: [] }, 1);
    assert.match((e as { detail: string }).detail, /another process announces itself as node n0; give each node its own --name/);
  });

  it('setOwn bumps the version and changes lookups', () => {
    const d = new DirectoryState(self, 1000, 0);
    const { announcement } = d.setOwn(['x', 'y']);
    assert.equal(announcement.version, 1);
    assert.equal(d.lookup('me'), undefined);
    assert.equal(d.lookup('y'), 'n0');
  });

  it('reads only well-formed control payloads', () => {
    assert.ok(readControl('announce', { node: 'n1', epoch: 'e', version: 0, agents: ['a.b@c:d'] }));
    for (const bad of [
      null,
      'x',
      { node: 'n 1', epoch: 'e', version: 0, agents: [] },
      { node: 'n1', epoch: '', version: 0, agents: [] },
      { node: 'n1', epoch: 'e', version: -1, agents: [] },
      { node: 'n1', epoch: 'e', version: 0, agents: ['a b'] },
      { node: 'n1', epoch: 'e', version: 0 },
    ]) {
      assert.equal(readControl('announce', bad), undefined, JSON.stringify(bad));
    }
    assert.ok(readControl('heartbeat', { node: 'n1', epoch: 'e', version: 3 }));
    assert.equal(readControl('heartbeat', { node: 'n1', epoch: 'e' }), undefined);
  });
});

describe('directory state: outside parties, subscriptions, changes', () => {
  it('carries outside parties and subscriptions, and reports a newer list of a known node as changed', () => {
    const d = new DirectoryState(self, 1000, 0);
    const subs = [{ agent: 'alice', topic: 'topic://orders/#', filter: { total: { $gt: 10 } } }];
    d.announce({ node: 'n1', epoch: 'a', version: 0, agents: ['alice'] }, 0);
    assert.deepEqual(d.announce({ node: 'n1', epoch: 'a', version: 1, agents: ['alice'], externals: ['user'], subscriptions: subs }, 1), [
      { type: 'changed', node: 'n1' },
    ]);
    assert.deepEqual(d.view('n1')?.externals, ['user']);
    assert.deepEqual(d.view('n1')?.subscriptions, subs);
    assert.equal(d.lookup('user'), undefined, 'outside parties are not agents');
    assert.deepEqual(d.setOwn(['me']).events, [], "this node's own list is not a change of another node");
  });

  it('reads externals and subscriptions only when well-formed', () => {
    const base = { node: 'n1', epoch: 'e', version: 0, agents: [] };
    assert.ok(readControl('announce', { ...base, externals: ['user'], subscriptions: [{ agent: 'a', topic: 'topic://x/*' }] }));
    for (const bad of [
      { externals: ['a b'] },
      { subscriptions: [{ agent: 'a', topic: 'x/*' }] },
      { subscriptions: [{ agent: 'a', topic: 'topic://x', filter: [] }] },
      { subscriptions: 'topic://x' },
    ]) {
      assert.equal(readControl('announce', { ...base, ...bad }), undefined, JSON.stringify(bad));
    }
    assert.equal(nodeNameProblem('worker-1'), undefined);
    assert.match(nodeNameProblem('1 bad') ?? '', /node name "1 bad" is invalid/);
  });

  it('losing a node of many agents stays linear (only contested names look for another claimant)', () => {
    const d = new DirectoryState(self, 1000, 0);
    const agents = Array.from({ length: 50_000 }, (_, i) => `a-${i}`);
    d.announce({ node: 'n1', epoch: 'a', version: 0, agents }, 0);
    d.announce({ node: 'n2', epoch: 'b', version: 0, agents: ['a-7', 'b-1'] }, 0);
    d.heartbeat({ node: 'n2', epoch: 'b', version: 0 }, 4500);
    const t = performance.now();
    const [lost] = d.tick(5000).filter((e) => e.type === 'lost' && e.node === 'n1');
    assert.ok(lost && performance.now() - t < 5000);
    assert.equal(d.lookup('a-7'), 'n2', 'the other claimant takes a contested agent over');
    assert.equal(d.lookup('a-8'), undefined);
  });
});
