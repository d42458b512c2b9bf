/** The peer table (pure): peer ids, directory entries and subscription changes as differences; lost nodes as tombstones. */
import * as assert from 'node:assert/strict';
import { OwnNames } from '../../../runtime/transport/nats/ownNames';
import { PeerTable } from '../../../runtime/transport/nats/peerTable';
import type { NodeView } from '../../../runtime/transport/nats/directoryState';
import { REMOTE_BASE } from '../../../runtime/shard/transport';

const view = (node: string, agents: string[], more: Partial<NodeView> = {}): NodeView => ({
  node,
  epoch: 'e',
  version: 0,
  agents,
  externals: [],
  subscriptions: [],
  lastSeen: 0,
  self: false,
  ...more,
});
const firstClaim = (): ((a: string) => string | undefined) => {
  const owners = new Map<string, string>();
  return (a) => owners.get(a);
};

describe('peer table', () => {
  it('gives each node a stable peer id from REMOTE_BASE and reports only what changed', () => {
    const t = new PeerTable(() => false);
    const owner = (a: string): string => (a.startsWith('b') ? 'n2' : 'n1');
    assert.deepEqual(t.update(view('n1', ['alice'], { externals: ['user'] }), owner).entries, [
      { name: 'alice', shard: REMOTE_BASE, kind: 'agent' },
      { name: 'user', shard: REMOTE_BASE, kind: 'external' },
    ]);
    assert.equal(t.peerOf('n2'), REMOTE_BASE + 1);
    assert.deepEqual(t.update(view('n1', ['alice'], { externals: ['user'] }), owner).entries, [], 'the same list again');
    assert.deepEqual(t.update(view('n1', ['alice', 'amy']), owner).entries, [
      { name: 'amy', shard: REMOTE_BASE, kind: 'agent' },
      { name: 'user', shard: -1, kind: 'agent' },
    ]);
    assert.equal(t.nodeOf(REMOTE_BASE), 'n1');
  });

  it('never takes over a name this node announces, nor one another live node holds', () => {
    const t = new PeerTable((n) => n === 'user');
    const owners: Record<string, string> = { alice: 'n1' };
    assert.deepEqual(
      t.update(view('n1', ['alice'], { externals: ['user'] }), (a) => owners[a]).entries.map((e) => e.name),
      ['alice'],
    );
    assert.deepEqual(t.update(view('n2', ['alice']), (a) => owners[a]).entries, [], 'alice stays on n1, its first claimant');
    assert.equal(firstClaim()('x'), undefined);
  });

  it('turns a lost node into tombstones routed to its peer (kind external: broadcast skips them), then restores them when it rejoins', () => {
    const t = new PeerTable(() => false);
    const owner = (): string => 'n1';
    t.update(view('n1', ['alice', 'bob'], { subscriptions: [{ agent: 'alice', topic: 'topic://a/#' }] }), owner);
    const lost = t.lost('n1', 'silent for 1200 ms');
    assert.deepEqual(lost.entries, [
      { name: 'alice', shard: REMOTE_BASE, kind: 'external' },
      { name: 'bob', shard: REMOTE_BASE, kind: 'external' },
    ]);
    assert.deepEqual(lost.subscriptions, [{ agent: 'alice', topic: 'topic://a/#', action: 'unsubscribe' }]);
    assert.deepEqual(t.stateOf(REMOTE_BASE), { state: 'lost', reason: 'silent for 1200 ms' });
    const back = t.update(view('n1', ['alice']), owner);
    assert.deepEqual(back.entries, [
      { name: 'alice', shard: REMOTE_BASE, kind: 'agent' },
      { name: 'bob', shard: -1, kind: 'agent' },
    ]);
    assert.deepEqual(t.stateOf(REMOTE_BASE), { state: 'live' });
  });

  it('lets another node take over a tombstone, and forgets a node that left', () => {
    const t = new PeerTable(() => false);
    t.update(view('n1', ['alice']), () => 'n1');
    t.lost('n1', 'it restarted');
    assert.deepEqual(t.update(view('n2', ['alice']), () => 'n2').entries, [{ name: 'alice', shard: REMOTE_BASE + 1, kind: 'agent' }]);
    assert.equal(t.holderOf('alice'), 'n2');
    assert.deepEqual(t.left('n2').entries, [{ name: 'alice', shard: -1, kind: 'agent' }]);
    assert.equal(t.holderOf('alice'), undefined);
    assert.deepEqual(t.stateOf(REMOTE_BASE + 1), { state: 'left' });
  });

  it('reports subscription changes, a changed filter as unsubscribe then subscribe, and a snapshot of everything', () => {
    const t = new PeerTable(() => false);
    const s1 = { agent: 'a', topic: 'topic://x/*', filter: { total: { $gt: 1 } } };
    assert.deepEqual(t.update(view('n1', ['a'], { subscriptions: [s1] }), () => 'n1').subscriptions, [{ ...s1, action: 'subscribe' }]);
    const s2 = { ...s1, filter: { total: { $gt: 5 } } };
    assert.deepEqual(t.update(view('n1', ['a'], { subscriptions: [s2] }), () => 'n1').subscriptions, [
      { agent: 'a', topic: 'topic://x/*', action: 'unsubscribe' },
      { ...s2, action: 'subscribe' },
    ]);
    assert.deepEqual(t.snapshot(), {
      entries: [{ name: 'a', shard: REMOTE_BASE, kind: 'agent' }],
      subscriptions: [{ ...s2, action: 'subscribe' }],
    });
  });
});

describe('own names', () => {
  it('keeps what this node announces: names added and removed, one subscription per agent and pattern', () => {
    const own = new OwnNames();
    assert.deepEqual(
      own.apply([
        { name: 'a', shard: 1, kind: 'agent' },
        { name: 'user', shard: 0, kind: 'external' },
      ]),
      { added: ['a', 'user'], removed: [] },
    );
    assert.deepEqual(
      own.apply([
        { name: 'a', shard: 2, kind: 'agent' },
        { name: 'user', shard: -1, kind: 'external' },
      ]),
      { added: [], removed: ['user'] },
    );
    own.subscribe([
      { agent: 'a', topic: 'topic://x/#', action: 'subscribe' },
      { agent: 'a', topic: 'topic://x/#', action: 'subscribe', filter: { n: 1 } },
      { agent: 'a', topic: 'topic://y', action: 'subscribe' },
    ]);
    own.subscribe([{ agent: 'a', topic: 'topic://y', action: 'unsubscribe' }]);
    assert.deepEqual(own.lists(), {
      agents: ['a'],
      externals: [],
      subscriptions: [{ agent: 'a', topic: 'topic://x/#', filter: { n: 1 } }],
    });
    assert.ok(own.has('a') && !own.has('user'));
  });
});
