/**
 * TypeScript agents in real QuickJS (quickjs-ng in wasm), bundled by the real builder: the SDK's shape (onMessage,
 * reply, send, log, now, random, grants), ordinary TypeScript (JSON, Map, closures, async), deny by default,
 * determinism, and errors mapped to the TypeScript lines.
 */
import * as assert from 'node:assert/strict';
import { JsAgentInstance } from '../../../../runtime/sandbox';
import { answer, calculatorTs, failure, js, request, sent, startJs } from './jsHarness';

describe('JS agents: the SDK in real QuickJS', function () {
  this.timeout(60_000);

  it('the calculator-ts example answers, fails and refuses like its AssemblyScript twin', async () => {
    const calc = await calculatorTs();
    const r = calc.handle(request({ action: 'calculate', x: 10, y: 20 }), 0);
    assert.deepEqual(
      sent(r).map((m) => [m.performative, m.receiver, m.content, m.in_reply_to]),
      [['inform', 'tester', { result: 30 }, r.ok && sent(r)[0].in_reply_to]],
    );
    assert.deepEqual(r.ok && r.effects[0], { kind: 'log', level: 'info', text: 'add(10, 20) = 30' });
    assert.deepEqual(answer(calc.handle(request({ x: 1, y: 0, op: 'div' }), 0)), { reason: 'division by zero' });
    assert.deepEqual(answer(calc.handle(request({ x: 'a' }), 0)), { reason: 'content needs numbers x and y' });
    assert.equal(failure(calc.handle('not json', 0)).kind, 'bad_input');
  });

  it('reply carries in_reply_to, conversation and protocol, and goes to reply_to when set', async () => {
    const a = await js(`import { onMessage, reply } from 'caxton-agent'; onMessage((m) => reply(m, 'agree'));`);
    const [m] = sent(a.handle(request(null, { reply_with: 'rw', conversation_id: 'cv', protocol: 'fipa-request', reply_to: 'boss' }), 0));
    assert.deepEqual(m, {
      performative: 'agree',
      receiver: 'boss',
      in_reply_to: 'rw',
      conversation_id: 'cv',
      protocol: 'fipa-request',
      sender: 'agent',
    });
  });

  it('ordinary TypeScript: JSON, Map, classes, closures and state kept between messages', async () => {
    const a = await js(`
      import { onMessage, reply, type Message } from 'caxton-agent';
      class Tally { private seen = new Map<string, number>(); add(k: string): number { const n = (this.seen.get(k) ?? 0) + 1; this.seen.set(k, n); return n; } }
      const tally = new Tally();
      const counter = (() => { let n = 0; return () => ++n; })();
      onMessage((m: Message) => reply(m, 'inform', { sender: tally.add(m.sender), total: counter(), parsed: JSON.parse(JSON.stringify({ deep: [1, { two: 2 }] })) }));
    `);
    a.handle(request(1), 0);
    assert.deepEqual(answer(a.handle(request(2), 0)), { sender: 2, total: 2, parsed: { deep: [1, { two: 2 }] } });
  });

  it('async handlers: awaited chains finish within the message, their sends in order', async () => {
    const a = await js(`
      import { onMessage, send, reply } from 'caxton-agent';
      const later = async (n: number) => { await null; return n * 2; };
      onMessage(async (m) => {
        send('inform', 'audit', { step: 1 });
        const x = await later(21);
        await Promise.all([later(1), later(2)]);
        reply(m, 'inform', { x });
      });
    `);
    const out = sent(a.handle(request(null), 0));
    assert.deepEqual(
      out.map((m) => [m.receiver, m.content]),
      [
        ['audit', { step: 1 }],
        ['tester', { x: 42 }],
      ],
    );
  });

  it('a rejected async handler fails the message with the error, mapped to the TypeScript line', async () => {
    const a = await js(
      [
        `import { onMessage } from 'caxton-agent';`,
        `onMessage(async (m) => {`,
        `  await null;`,
        `  throw new TypeError('no such order ' + m.sender);`,
        `});`,
      ].join('\n'),
    );
    const e = failure(a.handle(request(null), 0));
    assert.equal(e.kind, 'trap');
    assert.match(e.message, /async handler threw TypeError: no such order tester/);
    assert.match(e.message, /agent\.ts:4:\d+/, e.message);
  });

  it('a synchronous exception names the TypeScript line and column of the throw', async () => {
    const a = await js(
      [
        `import { onMessage } from 'caxton-agent';`,
        `interface Order { lines: { qty: number }[] }`,
        `function total(o: Order): number {`,
        `  return o.lines.reduce((s, l) => s + l.qty, 0);`,
        `}`,
        `onMessage((m) => { total(m.content as unknown as Order); });`,
      ].join('\n'),
    );
    const e = failure(a.handle(request({}), 0));
    assert.equal(e.kind, 'trap');
    assert.match(e.message, /handler threw TypeError/);
    assert.match(e.message, /at total \(agent\.ts:4:\d+\)/, e.message);
    assert.match(e.message, /agent\.ts:6:\d+/, e.message);
    assert.doesNotMatch(e.message, /agent\.js:/, 'every frame is mapped');
  });

  it('log levels and console.* reach the log effects', async () => {
    const a = await js(`
      import { onMessage, log, LogLevel } from 'caxton-agent';
      onMessage(() => { log('plain'); log('careful', LogLevel.Warn); console.error('bad', { code: 7 }); console.debug(1, 2); });
    `);
    const r = a.handle(request(null), 0);
    assert.ok(r.ok);
    assert.deepEqual(r.effects, [
      { kind: 'log', level: 'info', text: 'plain' },
      { kind: 'log', level: 'warn', text: 'careful' },
      { kind: 'log', level: 'error', text: 'bad {"code":7}' },
      { kind: 'log', level: 'debug', text: '1 2' },
    ]);
  });

  it('now(), Date.now() and new Date() read the runtime clock; random() and Math.random() are one seeded generator', async () => {
    const src = `
      import { onMessage, reply, now, random } from 'caxton-agent';
      onMessage((m) => reply(m, 'inform', { now: now(), date: Date.now(), iso: new Date().toISOString(), r: [random(), Math.random(), random()] }));
    `;
    const a = await js(src, { seed: 42 });
    const b = await js(src, { seed: 42 });
    const c = await js(src, { seed: 43 });
    const ra = answer(a.handle(request(null), 1500)) as { now: number; date: number; iso: string; r: number[] };
    assert.equal(ra.now, 1500);
    assert.equal(ra.date, 1500);
    assert.equal(ra.iso, '1970-01-01T00:00:01.500Z');
    assert.deepEqual(answer(b.handle(request(null), 1500)), ra, 'same seed, same numbers');
    assert.notDeepEqual((answer(c.handle(request(null), 1500)) as { r: number[] }).r, ra.r);
    assert.ok(ra.r.every((x) => x >= 0 && x < 1) && new Set(ra.r).size === 3);
  });

  it('grant-gated functions: refused with the fix when not granted, effects when granted', async () => {
    const src = `
      import { onMessage, blackboardWrite, blackboardRead, subscribe, unsubscribe } from 'caxton-agent';
      onMessage(() => { blackboardWrite('k', { v: 1 }, 3); blackboardRead('k'); subscribe('topic://a/*', { kind: 'x' }); unsubscribe('topic://a/*'); });
    `;
    const denied = await js(src);
    const e = failure(denied.handle(request(null), 0));
    assert.match(e.message, /blackboardWrite needs the 'blackboard_write' grant: add it to host_functions/);
    const granted = await js(src, { grants: ['blackboard_read', 'blackboard_write', 'subscribe'] });
    const r = granted.handle(request(null), 0);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.effects, [
      { kind: 'blackboard_write', key: 'k', value: { v: 1 }, expected_version: 3 },
      { kind: 'blackboard_read', key: 'k' },
      { kind: 'subscribe', topic: 'topic://a/*', filter: { kind: 'x' } },
      { kind: 'unsubscribe', topic: 'topic://a/*' },
    ]);
  });

  it('deny by default: no require, process, fetch, timers or Node globals; no code from strings', async () => {
    const a = await js(`
      import { onMessage, reply } from 'caxton-agent';
      const g = globalThis as Record<string, unknown>;
      const probe = (f: () => unknown) => { try { return String(f()); } catch (e) { return (e as Error).name; } };
      onMessage((m) => reply(m, 'inform', {
        types: ['require', 'process', 'fetch', 'setTimeout', 'setInterval', 'XMLHttpRequest', 'WebAssembly', 'Buffer', 'std', 'os', 'module', 'eval'].map((k) => typeof g[k]),
        fn: probe(() => new Function('return 1')()),
        asyncFn: probe(() => (Object.getPrototypeOf(async function () { /* */ }).constructor as FunctionConstructor)('return 1')),
        ctor: probe(() => ((() => 0).constructor as FunctionConstructor)('return 1')()),
        instance: (() => 0) instanceof Function,
      }));
    `);
    assert.deepEqual(answer(a.handle(request(null), 0)), {
      types: Array(12).fill('undefined'),
      fn: 'EvalError',
      asyncFn: 'EvalError',
      ctor: 'EvalError',
      instance: true,
    });
  });

  it('start code runs once under the budget; sending from it is refused as in a wasm start function', async () => {
    const a = await startJs(`import { send, onMessage } from 'caxton-agent'; send('inform', 'x', 1); onMessage(() => {});`);
    assert.ok(!(a instanceof JsAgentInstance));
    assert.equal(a.kind, 'bad_output');
    assert.match(a.message, /outside message handling/);
    const noHandler = await js(`import 'caxton-agent';`);
    assert.match(failure(noHandler.handle(request(null), 0)).message, /no handler registered/);
    const noSdk = await startJs(`export const x = 1;`);
    assert.ok(!(noSdk instanceof JsAgentInstance));
    assert.match(noSdk.message, /defines no caxton_handle: import \{ onMessage \} from 'caxton-agent'/);
  });

  it('a thrown start error is mapped to the TypeScript line', async () => {
    const a = await startJs(
      [
        'import { onMessage } from "caxton-agent";',
        'const config: { port?: number } = {};',
        'if (!config.port) throw new Error("no port configured");',
        'onMessage(() => {});',
      ].join('\n'),
    );
    assert.ok(!(a instanceof JsAgentInstance));
    assert.match(a.message, /start code threw Error: no port configured/);
    assert.match(a.message, /agent\.ts:3:\d+/);
  });
});
