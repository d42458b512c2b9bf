/** Our addresses <-> NATS subjects: escaping, the fixed layout, topic interest (exact and covering), parsing back. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClusterSubjects, checkPrefix, escapeToken, unescapeToken } from '../../../runtime/transport/nats/subjects';

const s = new ClusterSubjects('caxton');

describe('NATS subjects: token escaping', () => {
  const cases: Array<[string, string]> = [
    ['alice', 'alice'],
    ['a_b-c', 'a_b-c'],
    ['calc.v2', 'calc%2Ev2'],
    ['bob@host:1', 'bob%40host%3A1'],
    ['a b', 'a%20b'],
    ['*', '%2A'],
    ['>', '%3E'],
    ['#', '%23'],
    ['+', '%2B'],
    ['50%', '50%25'],
    ['é', '%C3%A9'],
  ];
  for (const [text, token] of cases) {
    it(`${JSON.stringify(text)} <-> ${token}`, () => {
      assert.equal(escapeToken(text), token);
      assert.equal(unescapeToken(token), text);
    });
  }

  it('never produces a character NATS reserves in a token, and round-trips any string (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (text) => {
        const token = escapeToken(text);
        assert.match(token, /^[A-Za-z0-9_%-]+$/);
        assert.equal(unescapeToken(token), text);
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it('refuses malformed and non-canonical tokens', () => {
    for (const bad of ['%', '%2', '%ZZ', '%61lice', 'a%2e', '']) assert.equal(unescapeToken(bad), undefined, bad);
  });
});

describe('NATS subjects: layout', () => {
  it('names agents, nodes, topics, broadcast and control subjects under the prefix', () => {
    assert.equal(s.agent('calc.v2'), 'caxton.agent.calc%2Ev2');
    assert.equal(s.node('n1'), 'caxton.node.n1');
    assert.equal(s.topic(['orders', 'eu.west']), 'caxton.topic.orders.eu%2Ewest');
    assert.equal(s.broadcast, 'caxton.broadcast');
    assert.equal(s.announce('n1'), 'caxton.ctl.dir.announce.n1');
    assert.equal(s.heartbeat('n@1'), 'caxton.ctl.dir.heartbeat.n%401');
    assert.equal(s.directoryAll, 'caxton.ctl.dir.>');
    assert.equal(new ClusterSubjects('caxton.lab-1').agent('a'), 'caxton.lab-1.agent.a');
  });

  it('refuses a bad prefix with a sentence naming it and the fix', () => {
    for (const bad of ['', 'a..b', 'a.*', 'a b', '.a', 'a.>']) {
      assert.match(checkPrefix(bad) ?? '', /cluster prefix .* is invalid; use tokens of letters/);
      assert.throws(() => new ClusterSubjects(bad), RangeError);
    }
    assert.equal(checkPrefix('caxton.lab_1'), undefined);
  });

  it('parses its own subjects back, and nothing outside the prefix', () => {
    assert.deepEqual(s.parse(s.agent('bob@x:1')), { kind: 'agent', name: 'bob@x:1' });
    assert.deepEqual(s.parse(s.node('n.1')), { kind: 'node', node: 'n.1' });
    assert.deepEqual(s.parse(s.topic(['a', 'b*', 'c.d'])), { kind: 'topic', levels: ['a', 'b*', 'c.d'] });
    assert.deepEqual(s.parse(s.broadcast), { kind: 'broadcast' });
    assert.deepEqual(s.parse(s.heartbeat('n1')), { kind: 'ctl', path: ['dir', 'heartbeat', 'n1'] });
    for (const other of [
      'other.agent.a',
      'caxton',
      'caxton.agent',
      'caxton.agent.a.b',
      'caxton.agent.%61',
      'caxton.broadcast.x',
      'caxton.queue.a',
      'caxtonx.agent.a',
    ]) {
      assert.equal(s.parse(other), undefined, other);
    }
  });
});

describe('NATS subjects: topic interest', () => {
  const cases: Array<[string, string[], boolean]> = [
    ['a/b', ['caxton.topic.a.b'], true],
    ['a/*', ['caxton.topic.a.*'], true],
    ['a/+/c', ['caxton.topic.a.*.c'], true],
    ['a/#', ['caxton.topic.a', 'caxton.topic.a.>'], true],
    ['#', ['caxton.topic.>'], true],
    ['a/#/#', ['caxton.topic.a', 'caxton.topic.a.>'], true],
    ['a/#/*', ['caxton.topic.a.>'], true],
    ['a/*/#/*/*', ['caxton.topic.a.*.*.>'], true],
    ['#/*', ['caxton.topic.>'], true],
    ['a/#/c', ['caxton.topic.a.>'], false],
    ['#/c', ['caxton.topic.>'], false],
    ['a/#/b/#/c', ['caxton.topic.a.*.>'], false],
    ['x.y/#', ['caxton.topic.x%2Ey', 'caxton.topic.x%2Ey.>'], true],
    ['a*/b', ['caxton.topic.a%2A.b'], true],
  ];
  for (const [pattern, subjects, exact] of cases) {
    it(`topic://${pattern} -> ${subjects.join(' + ')}${exact ? '' : ' (then filtered locally)'}`, () => {
      assert.deepEqual(s.interest(pattern.split('/')), { subjects, exact });
    });
  }
});
