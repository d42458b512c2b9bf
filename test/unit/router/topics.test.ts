import * as assert from 'node:assert/strict';
import { matchesFilter, checkFilter } from '../../../runtime/router/contentFilter';
import { SubscriptionTable } from '../../../runtime/router/subscriptionTable';
import { parsePattern, parseTopic, TOPIC_LIMITS, topicMatches, type MatchMeter } from '../../../runtime/router/topics';

const levels = (t: string): string[] => {
  const p = parseTopic(t);
  if ('error' in p) throw new Error(p.error);
  return p.levels;
};

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
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${topic}`, () =>
      assert.equal(topicMatches(levels(pattern), levels(topic)), expected));
  }
  it('matches adversarial patterns (every level a #, 64-level topics) in at most levels x pattern steps', () => {
    // Unbounded input straight to the matcher: the old backtracking search took seconds at 8 '#' and 40 levels.
    const topic = Array.from({ length: 64 }, (_, i) => `l${i}`);
    for (const pattern of [
      Array(64).fill('#').concat('nope'),
      Array(20).fill(['#', '*']).flat().concat('l63'),
      ['#', 'l1', '#', 'l1', '#', 'x'],
    ]) {
      const meter: MatchMeter = { steps: 0 };
      topicMatches(pattern, topic, meter);
      assert.ok(
        meter.steps <= 2 * (topic.length + 1) * (pattern.length + 1),
        `${meter.steps} steps for ${pattern.length} x ${topic.length}`,
      );
    }
    assert.equal(topicMatches(Array(64).fill('#').concat('l63'), topic), true);
    assert.equal(topicMatches(Array(64).fill('#').concat('nope'), topic), false);
  });
  it('refuses topics and patterns beyond TOPIC_LIMITS with a sentence naming the limit and the fix', () => {
    const deep = `topic://${Array(TOPIC_LIMITS.maxLevels + 1)
      .fill('a')
      .join('/')}`;
    const p1 = parseTopic(deep);
    assert.ok(
      'error' in p1 && p1.error.includes(`above the ${TOPIC_LIMITS.maxLevels}-level topic limit; use fewer levels`),
      JSON.stringify(p1),
    );
    const long = `topic://${'a'.repeat(TOPIC_LIMITS.maxLength)}`;
    const p2 = parseTopic(long);
    assert.ok('error' in p2 && p2.error.includes(`above the ${TOPIC_LIMITS.maxLength}-character topic limit`), JSON.stringify(p2));
    const hashes = `topic://${Array(TOPIC_LIMITS.maxMultiLevelWildcards + 1)
      .fill('#')
      .join('/')}`;
    const p3 = parsePattern(hashes);
    assert.ok(
      'error' in p3 && p3.error.includes(`above the limit of ${TOPIC_LIMITS.maxMultiLevelWildcards} per pattern`),
      JSON.stringify(p3),
    );
    assert.ok('levels' in parsePattern(`topic://${Array(TOPIC_LIMITS.maxMultiLevelWildcards).fill('#').join('/')}`));
  });
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
  it('checks bounds at subscribe: too many #, too deep, too many subscriptions (nothing added)', () => {
    const t = new SubscriptionTable();
    assert.match(t.subscribe('a', 'topic://#/#/#/#/#/#/x')!, /'#' wildcards, above the limit/);
    assert.match(t.subscribe('a', `topic://${Array(40).fill('x').join('/')}`)!, /40 levels, above the 32-level topic limit/);
    for (let i = 0; i < TOPIC_LIMITS.maxSubscriptionsPerAgent; i++) assert.equal(t.subscribe('a', `topic://t${i}`), undefined);
    assert.match(t.subscribe('a', 'topic://one/more')!, /already holds 256 subscriptions/);
    assert.equal(t.subscribe('a', 'topic://t0', { x: 1 }), undefined, 're-subscribing an existing pattern still works at the cap');
    assert.equal(t.list('a').length, TOPIC_LIMITS.maxSubscriptionsPerAgent);
  });
});
