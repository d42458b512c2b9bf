/** Breakpoints: message conditions, hit counts, logpoints, line breakpoints mapped to messages in files, event filters. */
import * as assert from 'node:assert/strict';
import type { FipaMessage, TraceEvent } from '../../../schemas';
import { Breakpoints, formatLog, parseHitCondition } from '../../../runtime/debug/breakpoints';

const add: FipaMessage = {
  performative: 'request',
  sender: 'user',
  receiver: 'calculator',
  conversation_id: 'add-1',
  content: { op: 'add', x: 10, y: 20 },
} as FipaMessage;
const ctx = (m: FipaMessage, receiver: string) => ({ ...m, receiver, conversation: m.conversation_id });

const SCENARIO = `scenario:
  name: calc
  messages:
    - at: 0
      message:
        performative: request
        sender: user
        receiver: calculator
        conversation_id: add-1
        content: { op: add, x: 10, y: 20 }
    - at: 10ms
      message:
        performative: request
        sender: user
        receiver: calculator
        conversation_id: mul-1
        content: { op: mul, x: 6, y: 7 }
`;

describe('debug breakpoints', () => {
  it('message breakpoints stop on their condition and report bad ones unverified', () => {
    const bps = new Breakpoints();
    const r = bps.setMessageBreakpoints([
      { name: 'performative == "request" && content.x > 5' },
      { name: 'sender ==' },
      { name: 'receiver == "echo"' },
    ]);
    assert.deepEqual(
      r.map((x) => x.verified),
      [true, false, true],
    );
    assert.match(r[1].message!, /column/);
    assert.deepEqual(bps.matchDelivery(add, ctx(add, 'calculator')).ids, [r[0].id]);
    assert.deepEqual(bps.matchDelivery({ ...add, content: { x: 1 } }, ctx({ ...add, content: { x: 1 } }, 'calculator')).ids, []);
  });

  it('hit counts and logpoints', () => {
    const bps = new Breakpoints();
    const [every2nd, log] = bps.setMessageBreakpoints([
      { name: 'true', hitCondition: '% 2' },
      { name: 'true', logMessage: 'to {receiver}: x={content.x}' },
    ]);
    const first = bps.matchDelivery(add, ctx(add, 'calculator'));
    assert.deepEqual(first, { ids: [], logs: ['to calculator: x=10'] });
    assert.deepEqual(bps.matchDelivery(add, ctx(add, 'calculator')).ids, [every2nd.id]);
    assert.ok(log.verified);
    assert.equal(parseHitCondition('>= 3')(3), true);
    assert.equal(parseHitCondition('3')(4), false);
    assert.throws(() => parseHitCondition('lots'), /not a number/);
    assert.equal(formatLog('{content.op} {nope(}', { content: { op: 'add' } }).startsWith('add {'), true);
  });

  it('line breakpoints settle on the message a line holds and match its delivery', () => {
    const bps = new Breakpoints();
    const r = bps.setLineBreakpoints('/w/calc.scenario.yaml', SCENARIO, [
      { line: 9 },
      { line: 2 },
      { line: 15, condition: 'content.x == 6' },
    ]);
    assert.deepEqual(
      r.map((x) => [x.verified, x.line]),
      [
        [true, 6],
        [false, undefined],
        [true, 13],
      ],
    );
    assert.match(r[1].message!, /no message on line 2/);
    const withId = { ...add, message_id: 'user-1' };
    assert.deepEqual(bps.matchDelivery(withId, ctx(withId, 'calculator')).ids, [r[0].id]);
    const mul = { ...add, conversation_id: 'mul-1', content: { op: 'mul', x: 6, y: 7 } } as FipaMessage;
    assert.deepEqual(bps.matchDelivery(mul, ctx(mul, 'calculator')).ids, [r[2].id]);
  });

  it('line breakpoints in a *.fipa.json conversation, and refusal elsewhere', () => {
    const bps = new Breakpoints();
    const text = JSON.stringify(
      [add, { ...add, performative: 'inform', sender: 'calculator', receiver: 'user', content: { result: 30 } }],
      null,
      2,
    );
    const line = text.split('\n').findIndex((l) => l.includes('"inform"')) + 1;
    const [r] = bps.setLineBreakpoints('/w/add.fipa.json', text, [{ line }]);
    assert.equal(r.verified, true);
    const reply = { ...add, performative: 'inform', sender: 'calculator', receiver: 'user', content: { result: 30 } } as FipaMessage;
    assert.deepEqual(bps.matchDelivery(reply, ctx(reply, 'user')).ids, [r.id]);
    assert.deepEqual(bps.matchDelivery(add, ctx(add, 'calculator')).ids, []);
    const [other] = bps.setLineBreakpoints('/w/agent.ts', 'x', [{ line: 1 }]);
    assert.equal(other.verified, false);
    assert.match(other.message!, /\*\.fipa\.json or \*\.scenario\.yaml/);
  });

  it('event filters with conditions', () => {
    const bps = new Breakpoints();
    const r = bps.setEventBreakpoints(['timeout'], [{ filterId: 'breaker_open', condition: 'route == "pay"' }, { filterId: 'nope' }]);
    assert.deepEqual(
      r.map((x) => x.verified),
      [true, true, false],
    );
    const ev = (e: Partial<TraceEvent>) => ({ seq: 1, t: 0, ...e }) as TraceEvent;
    assert.equal(bps.matchEvent(ev({ type: 'timeout', waiting: 'a', deadline: 5 }))?.filter, 'timeout');
    assert.equal(
      bps.matchEvent(ev({ type: 'breaker_state', route: 'pay', from: 'closed', to: 'open', failures: 3 }))?.filter,
      'breaker_open',
    );
    assert.equal(bps.matchEvent(ev({ type: 'breaker_state', route: 'other', from: 'closed', to: 'open', failures: 3 })), undefined);
    assert.equal(
      bps.matchEvent(ev({ type: 'agent_state', agent: 'a', from: 'running', to: 'failed' })),
      undefined,
      'agent_trap is not armed',
    );
  });
});
