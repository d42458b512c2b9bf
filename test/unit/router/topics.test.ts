import * as assert from 'node:assert/strict';
import { matchesFilter, checkFilter } from '../../../runtime/router/contentFilter';
import { SubscriptionTable } from '../../../runtime/router/subscriptionTable';
import { parseTopic, topicMatches } from '../../../runtime/router/topics';

const levels = (t: string): string[] => { const p = parseTopic(t); if ('error' in p) throw new Error(p.error); return p.levels; };

describe('router: topics', () => {
  const cases: Array<[string, string, boolean]> = [
    ['topic://a/b/c', 'topic://a/b/c', true],
    ['topic://a/b/c', 'topic://a/b', false],
    ['topic://a/b', 'topic://a/b/c', false],
    ['topic://a/*/c', 'topic://a/x/c', true],
    ['topic://a/*/c', 'topic://a/x/y/c', false],
    ['topic://a/+/c', 'topic://a/x/c', true],
    ['topic://a/*', 'topic://a', false],
    ['topic://a/#', 'topic://a', true],
    ['topic://a/#', 'topic://a/b/c/d', true],
    ['topic://#', 'topic://anything/at/all', true],
    ['topic://a/#/z', 'topic://a/z', true],
    ['topic://a/#/z', 'topic://a/b/c/z', true],
    ['topic://a/#/z', 'topic://a/b/c/y', false],
    ['topic://orders/*/created', 'topic://orders/eu/created', true],
    ['topic://orders/*/created', 'topic://orders/eu/deleted', false],
  ];
  for (const [pattern, topic, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${topic}`, () => assert.equal(topicMatches(levels(pattern), levels(topic)), expected));
  }
  it('refuses malformed topics with a sentence', () => {
    const p = parseTopic('topic://a//b');
    assert.ok('error' in p && /empty or invalid level/.test(p.error));
    assert.ok('error' in parseTopic('a/b'));
  });
});

describe('router: content filters', () => {
  const content = { order: { status: 'paid', amount: 250, tags: ['eu'] }, region: 'eu' };
  const cases: Array<[Record<string, unknown>, boolean]> = [
    [{}, true],
    [{ region: 'eu' }, true],
    [{ region: 'us' }, false],
    [{ 'order.status': 'paid' }, true],
    [{ 'order.tags': ['eu'] }, true],
    [{ 'order.amount': { $gt: 100 } }, true],
    [{ 'order.amount': { $lte: 100 } }, false],
    [{ 'order.status': { $in: ['paid', 'shipped'] } }, true],
    [{ 'order.status': { $nin: ['paid'] } }, false],
    [{ 'order.missing': { $exists: false } }, true],
    [{ 'order.missing': 'x' }, false],
    [{ region: 'eu', 'order.status': 'open' }, false],
  ];
  for (const [filter, expected] of cases) {
    it(`${JSON.stringify(filter)} -> ${expected}`, () => assert.equal(matchesFilter(content, filter), expected));
  }
  it('reports unknown operators', () => assert.match(checkFilter({ a: { $regex: 'x' } })!, /unknown operator '\$regex'/));
});

describe('router: subscription table', () => {
  it('matches each agent once, honouring filters, and forgets on unsubscribe', () => {
    const t = new SubscriptionTable();
    assert.equal(t.subscribe('a', 'topic://orders/#'), undefined);
    assert.equal(t.subscribe('a', 'topic://orders/*/created'), undefined);
    assert.equal(t.subscribe('b', 'topic://orders/eu/created', { amount: { $gt: 100 } }), undefined);
    assert.deepEqual(t.match(levels('topic://orders/eu/created'), { amount: 10 }), ['a']);
    assert.deepEqual(t.match(levels('topic://orders/eu/created'), { amount: 500 }), ['a', 'b']);
    assert.equal(t.unsubscribe('a', 'topic://orders/#'), true);
    assert.deepEqual(t.match(levels('topic://orders/eu/paid'), {}), []);
    assert.match(t.subscribe('c', 'orders')!, /not a topic/);
  });
});
