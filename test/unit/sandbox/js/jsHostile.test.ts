/**
 * Hostile TypeScript agents in real QuickJS: each is stopped with a clear error, and a neighbour (the calculator-ts
 * example, in an engine of its own) keeps answering after every attack.
 */
import * as assert from 'node:assert/strict';
import { JsAgentInstance, type JsAgentInstance as Instance } from '../../../../runtime/sandbox';
import { answer, calculatorTs, failure, js, LIMITS, request, sent, startJs } from './jsHarness';

describe('JS agents: hostile code is stopped, neighbours keep answering (real QuickJS)', function () {
  this.timeout(120_000);
  let neighbour: Instance;
  before(async () => {
    neighbour = await calculatorTs();
  });
  afterEach(() => {
    assert.deepEqual(
      answer(neighbour.handle(request({ action: 'calculate', x: 2, y: 3 }), 0)),
      { result: 5 },
      'the neighbour still answers',
    );
  });

  it('an infinite loop runs out of fuel, deterministically, and the instance answers nothing more', async () => {
    const src = `import { onMessage } from 'caxton-agent'; onMessage(() => { for (;;) { /* spin */ } });`;
    const a = await js(src);
    const r = a.handle(request(null), 0);
    const e = failure(r);
    assert.equal(e.kind, 'fuel_exhausted');
    assert.match(e.message, /handler used more than its 1000000 fuel/);
    assert.equal(r.usage.fuel, LIMITS.fuelPerMessage);
    const b = await js(src);
    assert.deepEqual(b.handle(request(null), 0).usage.fuel, r.usage.fuel, 'the same code stops at the same count');
  });

  it('while(true) inside a Promise chain is stopped by the same budget', async () => {
    const a = await js(`
      import { onMessage } from 'caxton-agent';
      onMessage(() => { Promise.resolve().then(() => 1).then(() => { while (true) { /* spin */ } }); });
    `);
    assert.equal(failure(a.handle(request(null), 0)).kind, 'fuel_exhausted');
    const b = await js(`
      import { onMessage } from 'caxton-agent';
      onMessage(async () => { try { await new Promise<void>((resolve) => { while (true) { /* spin */ } resolve(); }); } catch { /* an interrupt cannot be caught */ } });
    `);
    assert.equal(failure(b.handle(request(null), 0)).kind, 'fuel_exhausted');
  });

  it('a catastrophic regular expression is interrupted inside the regexp engine', async () => {
    const a = await js(`import { onMessage } from 'caxton-agent'; onMessage(() => { /(a+)+$/.test('a'.repeat(40) + 'b'); });`);
    assert.equal(failure(a.handle(request(null), 0)).kind, 'fuel_exhausted');
  });

  it('the in-thread wall-clock backstop stops a loop whose fuel budget is huge', async () => {
    const a = await js(`import { onMessage } from 'caxton-agent'; onMessage(() => { for (;;) { /* spin */ } });`, {
      limits: { fuelPerMessage: Number.MAX_SAFE_INTEGER },
      timeoutMs: 200,
    });
    const e = failure(a.handle(request(null), 0));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /ran past its 200 ms in-thread deadline/);
  });

  it('a memory hog hits the cap: memory_limit, and the wasm memory never grows past it', async () => {
    for (const body of [
      'const keep: object[] = []; for (;;) keep.push({ a: 1, b: [1, 2, 3] });',
      'const keep: string[] = []; for (let i = 0; ; i++) keep.push("x".repeat(1 << 20) + i);',
      'const keep: Uint8Array[] = []; for (;;) keep.push(new Uint8Array(1 << 20));',
    ]) {
      const a = await js(`import { onMessage } from 'caxton-agent'; onMessage(() => { ${body} });`, { limits: { fuelPerMessage: 1e9 } });
      const r = a.handle(request(null), 0);
      assert.equal(failure(r).kind, 'memory_limit', `${body}: ${JSON.stringify(!r.ok && r.error)}`);
      assert.match(
        failure(r).message,
        /ran out of memory: the JS heap is capped at 4 MiB \(limits.memory\), the engine's wasm memory at 20 MiB/,
      );
      assert.ok(r.usage.memoryBytes <= LIMITS.memoryBytes, `${r.usage.memoryBytes} <= ${LIMITS.memoryBytes}`);
    }
  });

  it('huge strings: a 256 MiB repeat fails on memory; a 2 MB send is refused as oversized output', async () => {
    const a = await js(`import { onMessage } from 'caxton-agent'; onMessage(() => { 'x'.repeat(2 ** 28).length; });`);
    assert.equal(failure(a.handle(request(null), 0)).kind, 'memory_limit');
    const b = await js(`import { onMessage, reply } from 'caxton-agent'; onMessage((m) => reply(m, 'inform', 'y'.repeat(2_000_000)));`);
    const e = failure(b.handle(request(null), 0));
    assert.equal(e.kind, 'oversized_output');
    assert.match(e.message, /send of \d+ bytes exceeds the 1000000-byte limit/);
    const c = await js(
      `import { onMessage, log } from 'caxton-agent'; onMessage(() => { for (let i = 0; i < 10; i++) log('z'.repeat(900_000)); });`,
    );
    assert.match(failure(c.handle(request(null), 0)).message, /output while handling one message exceeds 4194304 bytes/);
  });

  it("deep recursion is caught by QuickJS's stack limit (a trap naming the overflow), also when the agent catches it", async () => {
    const a = await js(
      `import { onMessage } from 'caxton-agent'; const down = (n: number): number => down(n + 1) + 1; onMessage(() => { down(0); });`,
    );
    const e = failure(a.handle(request(null), 0));
    assert.equal(e.kind, 'trap');
    assert.match(e.message, /overflowed the stack/);
    // Catching the overflow and recursing again is exponential, and each overflow builds a deep backtrace: native
    // work between QuickJS's polls, so fuel is slow to add up; the wall-clock backstop ends it.
    const b = await js(
      `import { onMessage } from 'caxton-agent'; const down = (n: number): number => { try { return down(n + 1) + 1; } catch { return down(n + 1); } }; onMessage(() => { down(0); });`,
      { timeoutMs: 300 },
    );
    assert.ok(['fuel_exhausted', 'timeout'].includes(failure(b.handle(request(null), 0)).kind));
    for (const nested of [
      'let o: unknown = {}; for (let i = 0; i < 1e5; i++) o = { o }; JSON.stringify(o);',
      'JSON.parse("[".repeat(1e5) + "]".repeat(1e5));',
    ]) {
      const c = await js(`import { onMessage } from 'caxton-agent'; onMessage(() => { ${nested} });`);
      assert.equal(failure(c.handle(request(null), 0)).kind, 'trap', nested);
    }
  });

  it("a host stack overflow inside QuickJS poisons only that agent's engine", async () => {
    // With QuickJS's own limit set far above what the host thread allows, V8's stack overflows inside the wasm.
    const a = await js(
      `import { onMessage } from 'caxton-agent'; const down = (n: number): number => down(n + 1) + 1; onMessage(() => { down(0); });`,
      { maxStackBytes: 1024 * 1024 },
    );
    const e = failure(a.handle(request(null), 0));
    assert.equal(e.kind, 'trap');
    assert.match(e.message, /overflowed the host stack inside QuickJS.*the engine was discarded/);
    assert.equal(failure(a.handle(request(null), 0)).kind, 'crashed', 'a poisoned engine runs nothing more');
  });

  it('prototype pollution cannot reach the host: values cross as JSON strings only', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const a = await js(`
      import { onMessage, sendMessage } from 'caxton-agent';
      onMessage(() => {
        (Object.prototype as Record<string, unknown>).polluted = true;
        (Array.prototype as unknown as Record<string, unknown>).isAdmin = true;
        sendMessage(JSON.parse('{"performative":"inform","receiver":"x","content":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}},"__proto__":{"sender":"root"}}'));
      });
    `);
    const [m] = sent(a.handle(request(null), 0));
    assert.equal(m.sender, 'agent', 'the runtime sets the sender; a __proto__ key does not');
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
    assert.equal(([] as unknown as Record<string, unknown>).isAdmin, undefined);
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.equal(Object.getPrototypeOf(m.content), Object.prototype);
    const tamper = await js(`
      import { onMessage, reply } from 'caxton-agent';
      const host = (globalThis as Record<string, unknown>).__caxton_host as Record<string, unknown>;
      const attempts: string[] = [];
      const attempt = (what: string, f: () => void) => { try { f(); attempts.push(what + ': no error'); } catch (e) { attempts.push(what + ': ' + (e as Error).name); } };
      onMessage((m) => {
        if (m.content === 'object') (host.send as (x: unknown) => void)({ performative: 'inform', receiver: 'x' });
        attempt('replace send', () => { host.send = () => 0; });
        attempt('replace host', () => { (globalThis as Record<string, unknown>).__caxton_host = {}; });
        reply(m, 'inform', { attempts, sendIsHost: String(host.send).includes('native'), same: (globalThis as Record<string, unknown>).__caxton_host === host });
      });
    `);
    const tampered = answer(tamper.handle(request(null), 0)) as { attempts: string[]; sendIsHost: boolean; same: boolean };
    assert.equal(tampered.sendIsHost, true, 'the frozen host object keeps its functions');
    assert.equal(tampered.same, true, 'the host object cannot be replaced');
    const r = tamper.handle(request('object'), 0);
    const e = failure(r);
    assert.equal(e.kind, 'bad_output', 'passing an object to a host function fails the message');
    assert.match(e.message, /send expects a string of JSON/);
  });

  it('a message storm (sends past the per-message cap) fails that message with a send-storm error', async () => {
    const a = await js(
      `import { onMessage, send } from 'caxton-agent'; onMessage(() => { for (let i = 0; i < 10_000; i++) send('inform', 'victim', i); });`,
    );
    const e = failure(a.handle(request(null), 0));
    assert.equal(e.kind, 'oversized_output');
    assert.match(e.message, /send storm: more than 100 sends/);
    const b = await js(
      `import { onMessage, send } from 'caxton-agent'; onMessage(() => { for (let i = 0; i < 10_000; i++) { try { send('inform', 'victim', i); } catch { /* keep going */ } } });`,
    );
    assert.equal(failure(b.handle(request(null), 0)).kind, 'oversized_output', 'catching the refusal does not let the storm through');
  });

  it('a runaway start (top-level loop) fails the load with fuel_exhausted', async () => {
    const a = await startJs(`import { onMessage } from 'caxton-agent'; for (;;) { /* spin */ } onMessage(() => {});`);
    assert.ok(!(a instanceof JsAgentInstance));
    assert.equal(a.kind, 'fuel_exhausted');
    assert.match(a.message, /start code used more than its 1000000 fuel/);
  });
});
