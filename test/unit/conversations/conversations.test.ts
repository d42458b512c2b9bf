import * as assert from 'node:assert/strict';
import type { FipaMessage, TraceEvent } from '../../../schemas';
import { SimulatedClock } from '../../../runtime/core/clock';
import { RequestTimeoutError } from '../../../runtime/core/types';
import { Runtime } from '../../../runtime/runtime';
import { echoAgent, fail, scriptedAgent, send } from '../router/agents';

function setup(requestTimeoutMs?: number) {
  const clock = new SimulatedClock();
  const events: TraceEvent[] = [];
  const rt = new Runtime({ clock, trace: [(e) => events.push(e)], requestTimeoutMs });
  const outside: FipaMessage[] = [];
  rt.onExternalMessage((m) => outside.push(m));
  rt.start();
  const of = <T extends TraceEvent['type']>(type: T) => events.filter((e) => e.type === type) as Array<Extract<TraceEvent, { type: T }>>;
  return { clock, rt, events, outside, of };
}

describe('conversations: request and reply', () => {
  it('request() resolves with the correlated reply, which skips the mailbox', async () => {
    const { rt } = setup();
    const e = echoAgent('e');
    rt.addAgent(e);
    const reply = await rt.request({ performative: 'request', sender: 'user', receiver: 'e', content: { x: 1 } });
    assert.equal(reply.performative, 'inform');
    assert.deepEqual(reply.content, { echo: { x: 1 } });
    assert.equal(reply.in_reply_to, e.received[0].reply_with);
    assert.equal(reply.conversation_id, e.received[0].conversation_id);
  });

  it('an agent can request another agent through the bus (built-in coordinator)', async () => {
    const { rt } = setup();
    rt.addAgent(echoAgent('e'));
    const coordinator = scriptedAgent('coord');
    rt.addAgent(coordinator);
    const reply = await rt.request({ performative: 'request', sender: 'coord', receiver: 'e', content: 7 });
    assert.deepEqual(reply.content, { echo: 7 });
    assert.equal(coordinator.received.length, 0);
  });

  it('request() to a trapping agent gets a failure naming the reason, at once', async () => {
    const { rt } = setup();
    rt.addAgent(scriptedAgent('bad', () => fail('fuel_exhausted', 'fuel budget of 1000000 exhausted')));
    const reply = await rt.request({ performative: 'request', sender: 'user', receiver: 'bad', content: 1 });
    assert.equal(reply.performative, 'failure');
    assert.match((reply.content as { reason: string }).reason, /fuel_exhausted: fuel budget/);
  });
});

describe('conversations: timeouts', () => {
  it('request() rejects with RequestTimeoutError after the default 30 s, with a timeout event', async () => {
    const { rt, clock, of } = setup();
    rt.addAgent(scriptedAgent('mute'));
    const p = rt.request({ performative: 'request', sender: 'user', receiver: 'mute', content: 1 });
    const box: { error?: Error } = {};
    p.catch((e: Error) => {
      box.error = e;
    });
    const current = (): Error | undefined => box.error;
    await clock.advance(29_999);
    assert.equal(current(), undefined);
    await clock.advance(1);
    const error = current();
    assert.ok(error instanceof RequestTimeoutError);
    assert.equal(error.timeoutMs, 30_000);
    assert.equal(of('timeout')[0].deadline, 30_000);
    assert.equal(rt.stats().timeouts, 1);
  });

  it('an agent waiting for a reply gets a timeout event and a failure explaining it', async () => {
    const { rt, clock, of } = setup(5_000);
    const asker = scriptedAgent('asker', (m) =>
      m.sender === 'user'
        ? [send({ performative: 'request', sender: 'asker', receiver: 'mute', reply_with: 'q-1', conversation_id: 'c-9', content: 1 })]
        : [],
    );
    rt.addAgent(asker);
    rt.addAgent(scriptedAgent('mute'));
    rt.send({ performative: 'inform', sender: 'user', receiver: 'asker', content: 'go' });
    await rt.idle();
    await clock.advance(5_000);
    await rt.idle();
    const t = of('timeout')[0];
    assert.deepEqual(
      { waiting: t.waiting, reply_with: t.reply_with, conversation_id: t.conversation_id, deadline: t.deadline },
      { waiting: 'asker', reply_with: 'q-1', conversation_id: 'c-9', deadline: 5_000 },
    );
    const failure = asker.received[1];
    assert.equal(failure.performative, 'failure');
    assert.equal(failure.in_reply_to, 'q-1');
    assert.match((failure.content as { reason: string }).reason, /no reply from mute within 5000 ms to 'q-1'/);
    assert.equal(rt.conversations().find((c) => c.id === 'c-9')?.outcome, 'timed_out');
  });

  it('reply_by sets the deadline; a reply in time cancels it', async () => {
    const { rt, clock, of } = setup();
    const late = scriptedAgent('late');
    rt.addAgent(late);
    rt.addAgent(echoAgent('quick'));
    const replyBy = new Date(clock.wallTime() + 2_000).toISOString();
    rt.send({ performative: 'cfp', sender: 'user', receiver: 'late', reply_with: 'a', reply_by: replyBy, content: 1 });
    rt.send({ performative: 'cfp', sender: 'user', receiver: 'quick', reply_with: 'b', reply_by: replyBy, content: 1 });
    await rt.idle();
    await clock.advance(2_000);
    await rt.idle();
    assert.deepEqual(
      of('timeout').map((e) => e.reply_with),
      ['a'],
    );
    assert.equal(of('timeout')[0].deadline, 2_000);
  });
});

describe('conversations: live protocol checks', () => {
  it('an out-of-sequence message is not delivered: protocol_violation event and not_understood to the sender', async () => {
    const { rt, of } = setup();
    const manager = scriptedAgent('manager', (m) =>
      m.content === 'go'
        ? [
            send({
              performative: 'cfp',
              sender: 'manager',
              receiver: ['w1', 'w2'],
              protocol: 'fipa-contract-net',
              conversation_id: 'cn',
              content: 'task',
            }),
            send({
              performative: 'accept_proposal',
              sender: 'manager',
              receiver: 'w2',
              protocol: 'fipa-contract-net',
              conversation_id: 'cn',
            }),
          ]
        : [],
    );
    const w1 = scriptedAgent('w1'),
      w2 = scriptedAgent('w2');
    for (const a of [manager, w1, w2]) rt.addAgent(a);
    rt.send({ performative: 'inform', sender: 'user', receiver: 'manager', content: 'go' });
    await rt.idle();
    assert.deepEqual(
      w2.received.map((m) => m.performative),
      ['cfp'],
    );
    const v = of('protocol_violation')[0];
    assert.equal(v.protocol, 'fipa-contract-net');
    assert.match(v.expected, /propose from w2/);
    const nu = manager.received[1];
    assert.equal(nu.performative, 'not_understood');
    assert.match((nu.content as { reason: string }).reason, /accept_proposal to w2, who was sent a cfp and never proposed/);
    assert.equal(rt.stats().violations, 1);
  });

  it('a complete fipa-request ends the conversation as completed', async () => {
    const { rt, of } = setup();
    rt.addAgent(
      scriptedAgent('s', (m) => [
        send({ performative: 'agree', sender: 's', receiver: m.sender, in_reply_to: m.reply_with }),
        send({ performative: 'inform', sender: 's', receiver: m.sender, content: 'done', in_reply_to: 'x' }),
      ]),
    );
    rt.send({ performative: 'request', sender: 'user', receiver: 's', protocol: 'fipa-request', conversation_id: 'c1', reply_with: 'x' });
    await rt.idle();
    assert.equal(of('protocol_violation').length, 0);
    assert.deepEqual(
      of('conversation_ended').map((e) => [e.conversation_id, e.outcome]),
      [['c1', 'completed']],
    );
  });

  it("the runtime's own notices are never protocol-checked", async () => {
    const { rt, of, outside } = setup();
    rt.send({
      performative: 'request',
      sender: 'user',
      receiver: 'nobody',
      protocol: 'fipa-request',
      conversation_id: 'c2',
      reply_with: 'r',
    });
    await rt.idle();
    assert.equal(of('protocol_violation').length, 0);
    assert.equal(outside[0].performative, 'failure');
    assert.equal(rt.conversations()[0].outcome, 'failed');
  });
});
