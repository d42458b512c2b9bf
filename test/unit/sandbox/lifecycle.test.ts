import * as assert from 'node:assert/strict';
import type { AgentState } from '../../../schemas';
import { canTransition, IllegalTransitionError, Lifecycle, TRANSITIONS } from '../../../runtime/sandbox/lifecycle';
import { restartDelay, resolveLimits, resolveRestart, parseBytes, DEFAULT_LIMITS } from '../../../runtime/sandbox/limits';
import { capMemoryMax, readMemoryLimits } from '../../../runtime/sandbox/wasmSections';

const STATES: AgentState[] = ['unloaded', 'loaded', 'running', 'draining', 'stopped', 'failed'];

describe('sandbox lifecycle (pure)', () => {
  const legal: Array<[AgentState, AgentState]> = [
    ['unloaded', 'loaded'],
    ['loaded', 'running'],
    ['running', 'draining'],
    ['draining', 'loaded'],
    ['draining', 'stopped'],
    ['running', 'failed'],
    ['failed', 'loaded'],
    ['failed', 'stopped'],
    ['unloaded', 'failed'],
  ];
  const illegal: Array<[AgentState, AgentState]> = [
    ['unloaded', 'running'],
    ['stopped', 'running'],
    ['stopped', 'loaded'],
    ['running', 'loaded'],
    ['failed', 'running'],
    ['running', 'stopped'],
  ];
  for (const [from, to] of legal) it(`allows ${from} -> ${to}`, () => assert.equal(canTransition(from, to), true));
  for (const [from, to] of illegal) it(`refuses ${from} -> ${to}`, () => assert.equal(canTransition(from, to), false));

  it('has an entry for every state and only known targets; stopped is terminal', () => {
    for (const s of STATES) for (const t of TRANSITIONS[s]) assert.ok(STATES.includes(t));
    assert.deepEqual(TRANSITIONS.stopped, []);
  });

  it('reports changes and throws on an illegal one', () => {
    const seen: string[] = [];
    const lc = new Lifecycle('a', (c) => seen.push(`${c.from}>${c.to}${c.reason ? `:${c.reason}` : ''}`));
    lc.to('loaded');
    lc.to('running');
    assert.throws(() => lc.to('stopped'), IllegalTransitionError);
    lc.to('failed', 'trap');
    assert.deepEqual(seen, ['unloaded>loaded', 'loaded>running', 'running>failed:trap']);
    assert.equal(lc.state, 'failed');
  });
});

describe('sandbox limits (pure)', () => {
  it('takes defaults, then the manifest, then overrides', () => {
    assert.equal(resolveLimits({ name: 'a', module: 'a.wasm' }).memoryBytes, 16 * 1024 * 1024);
    const l = resolveLimits(
      { name: 'a', module: 'a.wasm', limits: { memory: '1MiB', fuel_per_message: 5000, timeout: '2s' } },
      { maxSendsPerMessage: 3 },
    );
    assert.deepEqual(
      [l.memoryBytes, l.fuelPerMessage, l.timeoutMs, l.maxSendsPerMessage, l.maxMessageBytes],
      [1048576, 5000, 2000, 3, DEFAULT_LIMITS.maxMessageBytes],
    );
  });
  it('parses sizes and rejects nonsense with the accepted forms', () => {
    assert.equal(parseBytes('512KiB', 'x'), 524288);
    assert.throws(
      () => parseBytes('lots', 'limits.memory'),
      /limits\.memory: invalid size "lots"; write bytes or a string such as '16MiB'/,
    );
  });
  it('doubles the restart backoff up to 30 s, and restarts at once without one', () => {
    const p = resolveRestart({ name: 'a', module: 'a.wasm', restart: { backoff: '1s', max_restarts: 3 } });
    assert.deepEqual(
      [1, 2, 3, 10].map((n) => restartDelay(p, n)),
      [1000, 2000, 4000, 30000],
    );
    assert.equal(restartDelay(resolveRestart({ name: 'a', module: 'a.wasm' }), 1), 0);
  });
});

describe('wasm memory section rewriting (pure)', () => {
  // (module (memory 2)) and (module (memory 1 100))
  const noMax = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 2]);
  const withMax = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, 1, 1, 100]);
  it('reads limits', () => {
    assert.deepEqual(readMemoryLimits(noMax), { initialPages: 2, maxPages: undefined, shared: false, memory64: false });
    assert.equal(readMemoryLimits(withMax)?.maxPages, 100);
  });
  it('caps the maximum, keeping the initial size', () => {
    const capped = capMemoryMax(noMax, 16);
    assert.deepEqual(readMemoryLimits(capped), { initialPages: 2, maxPages: 16, shared: false, memory64: false });
    assert.equal(readMemoryLimits(capMemoryMax(withMax, 300))?.maxPages, 300);
    assert.ok((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(capped));
  });
});
