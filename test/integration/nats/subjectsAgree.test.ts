/**
 * Our topic matcher (SubscriptionTable.match) and a REAL nats-server agree on who receives a publication: each agent's
 * patterns are subscribed as the subjects ClusterSubjects.interest gives, in a queue group per agent (so overlapping
 * patterns of one agent deliver once, as a node's will); exact patterns must agree exactly, covering ones (a `#`
 * before a literal) may only add publications the local matcher then drops.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SubscriptionTable } from '../../../runtime/router/subscriptionTable';
import { ClusterSubjects } from '../../../runtime/transport/nats/subjects';
import { NatsServer } from '../../support/natsServer';

const literal = fc.constantFrom('a', 'b', 'c.d', 'x*', 'e-f', 'g#h');
const patternLevel = fc.oneof({ arbitrary: literal, weight: 3 }, { arbitrary: fc.constantFrom('*', '+', '#'), weight: 2 });
const pattern = fc.array(patternLevel, { minLength: 1, maxLength: 4 });
const topic = fc.array(literal, { minLength: 1, maxLength: 4 });
const agents = ['a0', 'a1', 'a2', 'a3'];
const subscriptions = fc.array(fc.tuple(fc.constantFrom(...agents), pattern), { minLength: 1, maxLength: 6 });

describe('NATS subjects agree with our topic matcher (fast-check, real nats-server)', function () {
  this.timeout(120_000);
  let server: NatsServer;
  let pub: NatsConnection;
  let sub: NatsConnection;
  before(async () => {
    server = await NatsServer.start();
    pub = await connect({ servers: server.url });
    sub = await connect({ servers: server.url });
  });
  after(async () => {
    await pub?.close();
    await sub?.close();
    await server?.dispose();
  });

  it('delivers each publication to exactly the agents our matcher picks (after the local filter for covering patterns)', async () => {
    let run = 0;
    let covering = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(subscriptions, fc.array(topic, { minLength: 1, maxLength: 4 }), async (subs, topics) => {
        const subjects = new ClusterSubjects(`p${run++}`);
        const table = new SubscriptionTable();
        const inexact = new Set<string>();
        const got = topics.map(() => new Map<string, number>());
        const natsSubs = [];
        for (const [agent, levels] of subs) {
          assert.equal(table.subscribe(agent, `topic://${levels.join('/')}`), undefined);
          const interest = subjects.interest(levels);
          if (!interest.exact) inexact.add(agent);
          for (const subject of interest.subjects) {
            natsSubs.push(
              sub.subscribe(subject, {
                queue: `q-${agent}`,
                callback: (_e, m) => {
                  const i = Number(m.string());
                  got[i].set(agent, (got[i].get(agent) ?? 0) + 1);
                },
              }),
            );
          }
        }
        const done = new Promise<void>((resolve) =>
          natsSubs.push(sub.subscribe(`${subjects.prefix}.sentinel`, { callback: () => resolve() })),
        );
        await sub.flush();
        topics.forEach((levels, i) => pub.publish(subjects.topic(levels), String(i)));
        // Messages of one publisher reach a subscriber in order: once the sentinel is in, every publication is.
        pub.publish(`${subjects.prefix}.sentinel`, '');
        await done;
        for (const s of natsSubs) s.unsubscribe();
        topics.forEach((levels, i) => {
          const expected = table.match(levels, undefined).sort();
          const delivered = [...got[i].keys()].sort();
          for (const [agent, count] of got[i]) assert.equal(count, 1, `${agent} got topic://${levels.join('/')} ${count} times`);
          for (const agent of expected) assert.ok(delivered.includes(agent), `NATS missed ${agent} for topic://${levels.join('/')}`);
          for (const agent of delivered.filter((a) => !expected.includes(a))) {
            assert.ok(
              inexact.has(agent),
              `NATS delivered topic://${levels.join('/')} to ${agent} whose patterns are all exact (${subs
                .filter(([a]) => a === agent)
                .map(([, l]) => l.join('/'))
                .join(', ')})`,
            );
            covering++;
          }
          // After the local filter (what a node does for covering patterns) the two agree exactly.
          assert.deepEqual(
            delivered.filter((a) => !inexact.has(a) || expected.includes(a)),
            expected,
          );
          compared++;
        });
      }),
      { numRuns: 300, seed: 9 },
    );
    console.log(`      ${compared} publications compared; ${covering} extra deliveries from covering patterns filtered locally`);
    assert.ok(compared >= 300);
  });
});
