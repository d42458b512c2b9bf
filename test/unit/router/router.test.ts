import * as assert from 'node:assert/strict';
import type { FipaMessage, TraceEvent } from '../../../schemas';
import { SimulatedClock } from '../../../runtime/core/clock';
import type { BlackboardEntry, BlackboardService, BlackboardWriteResult } from '../../../runtime/core/types';
import { Runtime, type RuntimeOptions } from '../../../runtime/runtime';
import { echoAgent, fail, gate, scriptedAgent, send } from './agents';

function setup(options: RuntimeOptions = {}) {
  const clock = new SimulatedClock();
  const events: TraceEvent[] = [];
  const rt = new Runtime({ clock, trace: [(e) => events.push(e)], ...options });
  const outside: Array<{ to: string; message: FipaMessage }> = [];
  rt.onExternalMessage((message, to) => outside.push({ to, message }));
  rt.start();
  const of = <T extends TraceEvent['type']>(type: T) => events.filter((e) => e.type === type) as Array<Extract<TraceEvent, { type: T }>>;
  return { clock, rt, events, outside, of };
}

const msg = (sender: string, receiver: string | string[], content?: unknown, extra: Partial<FipaMessage> = {}): FipaMessage => ({
  performative: 'inform',
  sender,
  receiver,
  content,
  ...extra,
});

describe('router: addressing', () => {
  it('delivers to a name and to a list of names', async () => {
    const { rt } = setup();
    const a = scriptedAgent('a'),
      b = scriptedAgent('b'),
      c = scriptedAgent('c');
    for (const x of [a, b, c]) rt.addAgent(x);
    rt.send(msg('user', 'a', 1));
    rt.send(msg('user', ['b', 'c'], 2));
    await rt.idle();
    assert.deepEqual(
      a.received.map((m) => m.content),
      [1],
    );
    assert.deepEqual(
      b.received.map((m) => m.content),
      [2],
    );
    assert.deepEqual(
      c.received.map((m) => m.content),
      [2],
    );
  });

  it('broadcast reaches every agent but the sender', async () => {
    const { rt } = setup();
    const a = scriptedAgent('a', (m) => (m.content === 'go' ? [send(msg('a', 'broadcast', 'hello'))] : []));
    const b = scriptedAgent('b'),
      c = scriptedAgent('c');
    for (const x of [a, b, c]) rt.addAgent(x);
    rt.send(msg('user', 'a', 'go'));
    await rt.idle();
    assert.deepEqual(
      a.received.map((m) => m.content),
      ['go'],
    );
    assert.deepEqual(
      b.received.map((m) => m.content),
      ['hello'],
    );
    assert.deepEqual(
      c.received.map((m) => m.content),
      ['hello'],
    );
  });

  it('topics fan out to wildcard subscribers whose filters pass, never back to the publisher', async () => {
    const { rt, of } = setup();
    const pub = scriptedAgent('pub', () => [
      send(msg('pub', 'topic://orders/eu/created', { amount: 500 })),
      send(msg('pub', 'topic://orders/eu/created', { amount: 5 })),
    ]);
    const all = scriptedAgent('all'),
      big = scriptedAgent('big'),
      other = scriptedAgent('other');
    for (const x of [pub, all, big, other]) rt.addAgent(x);
    rt.subscribe('all', 'topic://orders/#');
    rt.subscribe('pub', 'topic://orders/#');
    rt.subscribe('big', 'topic://orders/*/created', { amount: { $gte: 100 } });
    rt.subscribe('other', 'topic://payments/#');
    rt.send(msg('user', 'pub', 'go'));
    await rt.idle();
    assert.deepEqual(
      all.received.map((m) => m.content),
      [{ amount: 500 }, { amount: 5 }],
    );
    assert.deepEqual(
      big.received.map((m) => m.content),
      [{ amount: 500 }],
    );
    assert.equal(other.received.length, 0);
    assert.equal(pub.received.length, 1);
    assert.deepEqual(
      of('subscription').map((e) => `${e.agent} ${e.topic}`),
      ['all topic://orders/#', 'pub topic://orders/#', 'big topic://orders/*/created', 'other topic://payments/#'],
    );
  });

  it('refuses publishing to a wildcard topic and records topics nobody hears', async () => {
    const { rt, outside } = setup();
    rt.send(msg('user', 'topic://orders/*', 1));
    rt.send(msg('user', 'topic://nobody/here', 2));
    await rt.idle();
    const [wild, none] = rt.deadLetters();
    assert.equal(wild.code, 'invalid');
    assert.match(wild.reason, /wildcards .* are for subscriptions/);
    assert.equal(none.code, 'no_subscribers');
    // A wrong address is the sender's mistake (told); an unheard publication is not.
    assert.equal(outside.length, 1);
    assert.equal(outside[0].message.performative, 'failure');
  });
});

describe('router: undeliverable messages', () => {
  it('unknown agent -> dead letter and a failure to the sending agent, correlated', async () => {
    const { rt, of } = setup();
    const a = scriptedAgent('a', (m) =>
      m.sender === 'user' ? [send(msg('a', 'ghost', 1, { performative: 'request', reply_with: 'q1', conversation_id: 'c1' }))] : [],
    );
    rt.addAgent(a);
    rt.send(msg('user', 'a', 'go'));
    await rt.idle();
    assert.equal(rt.deadLetters()[0].code, 'unknown_agent');
    assert.match(of('message_dropped')[0].reason, /unknown agent 'ghost'/);
    const failure = a.received[1];
    assert.equal(failure.performative, 'failure');
    assert.equal(failure.sender, 'caxton');
    assert.equal(failure.in_reply_to, 'q1');
    assert.equal(failure.conversation_id, 'c1');
    assert.equal((failure.content as { error: string }).error, 'unknown_agent');
  });

  it('a dead letter keeps the clock time of its drop (the time of its message_dropped event)', async () => {
    const { clock, rt, of } = setup();
    await clock.advance(250);
    rt.send(msg('user', 'ghost', 1));
    await rt.idle();
    assert.equal(rt.deadLetters()[0].t, 250);
    assert.equal(of('message_dropped')[0].t, 250);
  });

  it('a full mailbox refuses the message (backpressure) and tells the sender', async () => {
    const { rt, outside } = setup({ limits: { mailbox: 2 } });
    const g = gate();
    const slow = scriptedAgent('slow', async () => {
      await g.promise;
      return [];
    });
    rt.addAgent(slow);
    for (let i = 1; i <= 4; i++) rt.send(msg('user', 'slow', i));
    // 1 is being handled, 2 and 3 wait in the mailbox, 4 is refused.
    assert.equal(rt.queued('slow'), 2);
    g.open();
    await rt.idle();
    assert.deepEqual(
      slow.received.map((m) => m.content),
      [1, 2, 3],
    );
    assert.equal(rt.deadLetters()[0].code, 'mailbox_full');
    assert.equal(outside.length, 1);
    assert.match((outside[0].message.content as { reason: string }).reason, /mailbox full: 'slow' already has 2 queued/);
  });

  it('a manifest mailbox limit overrides the runtime default', async () => {
    const { rt } = setup();
    const g = gate();
    rt.addAgent(
      scriptedAgent('s', async () => {
        await g.promise;
        return [];
      }),
      { mailbox: 1 },
    );
    for (let i = 0; i < 3; i++) rt.send(msg('user', 's', i));
    g.open();
    await rt.idle();
    assert.equal(rt.deadLetters().length, 1);
  });

  it('refuses messages over the size limit on send', async () => {
    const { rt, of } = setup({ limits: { maxMessageBytes: 2048 } });
    const a = scriptedAgent('a');
    rt.addAgent(a);
    rt.send(msg('user', 'a', 'x'.repeat(4000)));
    rt.send(msg('user', 'a', 'é'.repeat(1500))); // 1500 chars, 3000 bytes
    rt.send(msg('user', 'a', 'small'));
    await rt.idle();
    assert.deepEqual(
      a.received.map((m) => m.content),
      ['small'],
    );
    assert.deepEqual(
      rt.deadLetters().map((d) => d.code),
      ['too_large', 'too_large'],
    );
    assert.equal(of('message_dropped')[0].message?.content, '[omitted: too large]');
  });

  it('an agent failure becomes a dead letter and a failure naming the reason', async () => {
    const { rt, outside } = setup();
    rt.addAgent(scriptedAgent('bad', () => fail('trap', 'unreachable executed')));
    rt.send(msg('user', 'bad', 1, { performative: 'request', reply_with: 'r' }));
    await rt.idle();
    assert.equal(rt.deadLetters()[0].code, 'agent_failed');
    assert.match((outside[0].message.content as { reason: string }).reason, /'bad' trap: unreachable executed/);
    assert.equal(outside[0].message.in_reply_to, 'r');
  });

  it('a message the agent cannot parse (bad_input) gets not_understood, not a dead letter', async () => {
    const { rt, outside } = setup();
    rt.addAgent(
      scriptedAgent('picky', () => ({
        ok: false,
        error: { kind: 'bad_input', message: 'caxton_handle returned 1' },
        usage: { fuel: 1, memoryBytes: 0, durationMs: 0 },
      })),
    );
    rt.send(msg('user', 'picky', 1, { performative: 'request', reply_with: 'r' }));
    await rt.idle();
    assert.equal(rt.deadLetters().length, 0);
    assert.equal(outside[0].message.performative, 'not_understood');
    assert.equal(outside[0].message.in_reply_to, 'r');
    assert.match((outside[0].message.content as { reason: string }).reason, /'picky' could not understand the message/);
  });

  it('an endpoint that throws is treated as crashed, not as a router crash', async () => {
    const { rt } = setup();
    rt.addAgent(
      scriptedAgent('boom', () => {
        throw new Error('kaput');
      }),
    );
    rt.send(msg('user', 'boom', 1));
    await rt.idle();
    assert.match(rt.deadLetters()[0].reason, /crashed: kaput/);
  });

  it('schema validation on send refuses malformed messages with the field named', async () => {
    const { rt } = setup({ validateMessages: true });
    rt.addAgent(scriptedAgent('a'));
    rt.send({ ...msg('user', 'a'), colour: 'red' } as FipaMessage);
    await rt.idle();
    assert.match(rt.deadLetters()[0].reason, /must NOT have additional properties 'colour'/);
  });

  it('never throws on malformed input: dead letter with the reason', async () => {
    const { rt } = setup();
    rt.send(null as unknown as FipaMessage);
    rt.send({ performative: 'inform', sender: 'user', receiver: [] } as unknown as FipaMessage);
    rt.send({ sender: 'user', receiver: 'a' } as unknown as FipaMessage);
    await rt.idle();
    assert.deepEqual(
      rt.deadLetters().map((d) => d.reason),
      [
        'invalid message: a message must be an object',
        'invalid message: `receiver` must be an agent name, a non-empty list of names, `broadcast` or `topic://...`',
        'invalid message: missing `performative`',
      ],
    );
  });

  it('refuses more agents than limits.maxAgents and duplicate names', () => {
    const { rt } = setup({ limits: { maxAgents: 2 } });
    rt.addAgent(scriptedAgent('a'));
    assert.throws(() => rt.addAgent(scriptedAgent('a')), /already running/);
    rt.addAgent(scriptedAgent('b'));
    assert.throws(() => rt.addAgent(scriptedAgent('c')), /already holds 2 agents/);
  });
});

describe('router: ordering and concurrency', () => {
  it('keeps per-sender FIFO to each receiver', async () => {
    const { rt } = setup();
    const order: number[] = [];
    const b = scriptedAgent('b', async (m) => {
      order.push(m.content as number);
      await Promise.resolve();
      return [];
    });
    const a = scriptedAgent('a', () => Array.from({ length: 50 }, (_, i) => send(msg('a', 'b', i))));
    rt.addAgent(a);
    rt.addAgent(b);
    rt.send(msg('user', 'a', 'go'));
    await rt.idle();
    assert.deepEqual(
      order,
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('an agent handles one message at a time while other agents keep going', async () => {
    const { rt } = setup();
    let active = 0,
      maxActive = 0;
    const g = gate();
    const busy = scriptedAgent('busy', async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await g.promise;
      active--;
      return [];
    });
    const free = echoAgent('free');
    rt.addAgent(busy);
    rt.addAgent(free);
    for (let i = 0; i < 3; i++) rt.send(msg('user', 'busy', i));
    const reply = await rt.request({ performative: 'request', sender: 'user', receiver: 'free', content: 'ping' });
    assert.deepEqual(reply.content, { echo: 'ping' }); // answered while busy is stuck
    g.open();
    await rt.idle();
    assert.equal(maxActive, 1);
    assert.equal(busy.received.length, 3);
  });
});

describe('router: effects', () => {
  it('traces logs, refuses ungranted effects and spoofed senders', async () => {
    const { rt, of } = setup();
    rt.addAgent(
      scriptedAgent('a', () => [
        { kind: 'log', level: 'info', text: 'hello' },
        { kind: 'subscribe', topic: 'topic://x' },
        { kind: 'blackboard_read', key: 'k' },
        send(msg('mallory', 'b', 1)),
      ]),
    );
    rt.send(msg('user', 'a', 'go'));
    await rt.idle();
    assert.equal(of('agent_log')[0].text, 'hello');
    const refused = of('effect_refused').map((e) => `${e.effect}: ${e.reason}`);
    assert.match(refused[0], /^subscribe: not granted: add 'subscribe' to host_functions/);
    assert.match(refused[1], /^blackboard_read: not granted/);
    assert.match(refused[2], /may only send as itself/);
    assert.equal(of('subscription').length, 0);
  });

  it('granted subscribe works; blackboard effects go to the service or are refused without one', async () => {
    const { rt, of } = setup();
    rt.addAgent(
      scriptedAgent('a', (m) =>
        m.content === 'go'
          ? [
              { kind: 'subscribe', topic: 'topic://news/#' },
              { kind: 'blackboard_write', key: 'k', value: 1 },
            ]
          : [],
      ),
      { grants: ['subscribe', 'blackboard_write'] },
    );
    rt.send(msg('user', 'a', 'go'));
    await rt.idle();
    assert.equal(of('subscription')[0].topic, 'topic://news/#');
    assert.match(of('effect_refused')[0].reason, /no blackboard service/);
    rt.send(msg('user', 'topic://news/today', 'extra'));
    await rt.idle();
    assert.equal(of('message_delivered').filter((e) => e.to === 'a').length, 2);
  });

  it('blackboard reads come back as an inform and refused writes as a failure', async () => {
    const store = new Map<string, BlackboardEntry>();
    const board: BlackboardService = {
      read: (key) => store.get(key),
      write(key, value, author, expectedVersion): BlackboardWriteResult {
        const cur = store.get(key);
        if (expectedVersion !== undefined && expectedVersion !== (cur?.version ?? 0))
          return { ok: false, reason: 'conflict', key, expectedVersion, currentVersion: cur?.version ?? 0 };
        const entry = { key, value, author, version: (cur?.version ?? 0) + 1, updatedAt: 0 };
        store.set(key, entry);
        return { ok: true, entry };
      },
    };
    const { rt } = setup({ blackboard: board });
    const a = scriptedAgent('a', (m) =>
      m.content === 'go'
        ? [
            { kind: 'blackboard_write', key: 'k', value: 42 },
            { kind: 'blackboard_write', key: 'k', value: 7, expected_version: 5 },
            { kind: 'blackboard_read', key: 'k' },
          ]
        : [],
    );
    rt.addAgent(a, { grants: ['blackboard_read', 'blackboard_write'] });
    rt.send(msg('user', 'a', 'go'));
    await rt.idle();
    const [conflict, read] = a.received.slice(1);
    assert.equal(conflict.performative, 'failure');
    assert.equal((conflict.content as { reason: string }).reason, 'conflict');
    assert.equal(read.performative, 'inform');
    assert.deepEqual(read.content, { key: 'k', found: true, value: 42, version: 1, author: 'a' });
  });

  it('cuts off a send storm at limits.maxSendsPerMessage', async () => {
    const { rt, of } = setup({ limits: { maxSendsPerMessage: 10 } });
    const sink = scriptedAgent('sink');
    rt.addAgent(sink);
    rt.addAgent(scriptedAgent('storm', () => Array.from({ length: 100 }, () => send(msg('storm', 'sink', 1)))));
    rt.send(msg('user', 'storm', 'go'));
    await rt.idle();
    assert.equal(sink.received.length, 10);
    assert.equal(of('effect_refused').length, 1);
  });
});

describe('router: at-least-once and duplicates', () => {
  it('redelivers a fire-and-forget message after a failure, but not a request', async () => {
    const { rt, of } = setup({ deliveryAttempts: 3 });
    let calls = 0;
    const flaky = scriptedAgent('flaky', () => (++calls % 2 === 1 ? fail('trap') : []));
    rt.addAgent(flaky);
    rt.send(msg('user', 'flaky', 'event'));
    await rt.idle();
    assert.equal(flaky.received.length, 2);
    assert.equal(rt.deadLetters().length, 0);
    assert.equal(of('retry').length, 1);
    rt.send(msg('user', 'flaky', 'req', { performative: 'request', reply_with: 'r1' }));
    await rt.idle();
    assert.equal(flaky.received.length, 3);
    assert.equal(rt.deadLetters()[0].code, 'agent_failed');
  });

  it('suppresses a message whose message_id the receiver already got', async () => {
    const { rt } = setup();
    const a = scriptedAgent('a');
    rt.addAgent(a);
    rt.send(msg('user', 'a', 1, { message_id: 'evt-1' }));
    rt.send(msg('user', 'a', 1, { message_id: 'evt-1' }));
    rt.send(msg('user', 'a', 2, { message_id: 'evt-2' }));
    await rt.idle();
    assert.deepEqual(
      a.received.map((m) => m.message_id),
      ['evt-1', 'evt-2'],
    );
    assert.equal(rt.deadLetters()[0].code, 'duplicate');
  });
});

describe('runtime: lifecycle', () => {
  it('idle waits for chains of messages; stop drains, disposes and traces states', async () => {
    const { rt, of } = setup();
    const g = gate();
    const a = scriptedAgent('a', async (m) => {
      await g.promise;
      return (m.content as number) < 3 ? [send(msg('a', 'a', (m.content as number) + 1))] : [];
    });
    rt.addAgent(a);
    rt.send(msg('user', 'a', 0));
    let idle = false;
    void rt.idle().then(() => {
      idle = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(idle, false);
    g.open();
    await rt.stop('done');
    assert.equal(idle, true);
    assert.deepEqual(
      a.received.map((m) => m.content),
      [0, 1, 2, 3],
    );
    assert.equal(a.disposed, true);
    assert.deepEqual(
      of('agent_state').map((e) => `${e.from}->${e.to}`),
      ['unloaded->loaded', 'loaded->running', 'running->draining', 'draining->stopped'],
    );
    const end = of('run_ended')[0];
    assert.equal(end.delivered, 4);
    assert.equal(end.reason, 'done');
  });

  it('stop does not hang on agents that talk forever: it drains for a bounded time, then disposes', async () => {
    const { rt, of } = setup();
    rt.addAgent(scriptedAgent('ping', () => [send(msg('ping', 'pong', 1))]));
    rt.addAgent(scriptedAgent('pong', () => [send(msg('pong', 'ping', 1))]));
    rt.send(msg('user', 'ping', 0));
    await rt.stop('forced', { drainMs: 20 });
    assert.equal(of('run_ended')[0].reason, 'forced');
    assert.deepEqual(rt.agentNames(), []);
  });

  it('removing an agent turns its queue into dead letters', async () => {
    const { rt } = setup();
    const g = gate();
    rt.addAgent(
      scriptedAgent('a', async () => {
        await g.promise;
        return [];
      }),
    );
    rt.send(msg('user', 'a', 1));
    rt.send(msg('user', 'a', 2));
    rt.removeAgent('a');
    g.open();
    await rt.idle();
    assert.equal(rt.deadLetters()[0].code, 'not_running');
    assert.deepEqual(rt.agentNames(), []);
  });

  it('numbers trace events from 0 without gaps', async () => {
    const { rt, events } = setup();
    rt.addAgent(echoAgent('e'));
    await rt.request({ performative: 'request', sender: 'user', receiver: 'e', content: 1 });
    await rt.stop();
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i),
    );
  });
});
