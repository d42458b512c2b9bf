/**
 * Agents are untrusted: probes try to reach the file system, the network, the process, the environment and other
 * agents' memory, each the way a real module would (imports, out-of-bounds reads, huge grows, lying to the host).
 * Every probe must be refused at load (AgentLoadError naming the module and the fix) or contained at run time
 * (a classified AgentError, the host and the other agents unharmed).
 */
import * as assert from 'node:assert/strict';
import type { FipaMessage } from '../../schemas';
import type { AgentResult } from '../../runtime/core/types';
import { collectTrace } from '../../runtime/trace/traceRecorder';
import { Runtime } from '../../runtime/runtime';
import { AgentLoadError, loadWasmAgent, WorkerPool, type WasmAgent } from '../../runtime/sandbox';
import { buildExampleAgent, watFixture } from '../support/fixtures';
import { securityFixturePath, securityWasm } from './securityFixtures';

const request = (receiver: string, content: unknown = {}): FipaMessage => ({
  performative: 'request',
  sender: 'tester',
  receiver,
  content,
  reply_with: 'q',
});
const inform = (receiver: string): FipaMessage => ({ performative: 'inform', sender: 'tester', receiver, content: {} });

function sentBy(result: AgentResult): FipaMessage[] {
  assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
  return result.effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []));
}

describe('security: agents cannot reach fs, network, process, environment or other agents', function () {
  this.timeout(60_000);
  let pool: WorkerPool;
  let calc: WasmAgent;
  const loaded: WasmAgent[] = [];
  const stopped: Array<{ probe: string; how: string; ms: number }> = [];

  before(async () => {
    pool = new WorkerPool({ size: 1 }); // one worker: every probe shares a thread with the calculator
    const built = await buildExampleAgent('calculator', 'calculator');
    calc = await loadWasmAgent({ manifest: built.manifest, manifestPath: built.manifestPath, wasm: built.wasm, pool });
  });

  after(async () => {
    await Promise.all([...loaded, calc].filter(Boolean).map((a) => a.dispose()));
    await pool?.dispose();
    for (const s of stopped) console.log(`      [security] ${s.probe}: ${s.how} in ${s.ms.toFixed(1)} ms`);
  });

  async function load(probe: string, extra: { name?: string; memory?: string } = {}): Promise<WasmAgent> {
    const agent = await loadWasmAgent({
      manifest: {
        name: extra.name ?? probe.replace(/-/g, '_'),
        module: `${probe}.wasm`,
        limits: extra.memory ? { memory: extra.memory } : undefined,
      },
      manifestPath: `test/fixtures/security/${probe}.agent.yaml`,
      wasmPath: securityFixturePath(probe),
      wasm: await securityWasm(probe),
      pool,
    });
    loaded.push(agent);
    return agent;
  }

  async function assertCalculatorAnswers(): Promise<void> {
    const [reply] = sentBy(
      await calc.handle({
        performative: 'request',
        sender: 'tester',
        receiver: 'calculator',
        reply_with: 'c',
        content: { action: 'calculate', x: 10, y: 20 },
      }),
    );
    assert.deepEqual(reply.content, { result: 30 });
  }

  const refusals: Array<{ probe: string; what: string; message: RegExp }> = [
    {
      probe: 'probe-wasi-fs',
      what: 'file system (WASI path_open)',
      message: /imports wasi_snapshot_preview1\.path_open, which Caxton does not provide; agents may import only caxton\.\*/,
    },
    {
      probe: 'probe-wasi-env',
      what: 'environment (WASI environ_get)',
      message: /imports wasi_snapshot_preview1\.environ_get, which Caxton does not provide/,
    },
    {
      probe: 'probe-env-process',
      what: 'process and environment (env.getenv, env.proc_exit)',
      message: /imports env\.getenv, which Caxton does not provide/,
    },
    {
      probe: 'probe-net',
      what: 'network (WASI sock_accept, net.connect)',
      message: /imports wasi_snapshot_preview1\.sock_accept, which Caxton does not provide/,
    },
    {
      probe: 'probe-caxton-extra',
      what: 'a made-up host function (caxton.exec)',
      message: /imports caxton\.exec, which is not a Caxton host function/,
    },
    {
      probe: 'probe-other-memory',
      what: "another agent's memory (calculator.memory)",
      message: /imports a memory \(calculator\.memory\); agents may not import memories, tables or globals/,
    },
    {
      probe: 'probe-table',
      what: 'a host table',
      message: /imports a table \(caxton\.table\); agents may not import memories, tables or globals/,
    },
    {
      probe: 'probe-global',
      what: 'a host global',
      message: /imports a global \(caxton\.fuel\); agents may not import memories, tables or globals/,
    },
    {
      probe: 'probe-fuel-export',
      what: 'the fuel counter (reserved export caxton_fuel)',
      message: /exports `caxton_fuel`, a name Caxton reserves for its metering/,
    },
    {
      probe: 'probe-start-send',
      what: 'acting in the start function, before any message',
      message: /failed while starting \(bad_output: send called outside message handling \(in the start function/,
    },
  ];

  for (const r of refusals) {
    it(`refuses at load: ${r.what}`, async () => {
      const t = performance.now();
      await assert.rejects(load(r.probe), (e: Error) => {
        assert.ok(e instanceof AgentLoadError, `expected AgentLoadError, got ${e.name}: ${e.message}`);
        assert.match(e.message, r.message);
        assert.ok(e.message.startsWith(securityFixturePath(r.probe)), `names the module: ${e.message}`);
        assert.match(e.message, /Declared in test\/fixtures\/security\//, 'names the manifest');
        return true;
      });
      stopped.push({ probe: r.probe, how: 'refused at load', ms: performance.now() - t });
      await assertCalculatorAnswers();
    });
  }

  // The sandbox suite checks these kinds; here they run with the default limits, to report the time to stop.
  for (const [fixture, kind] of [
    ['hostile/infinite-loop', 'fuel_exhausted'],
    ['hostile/memory-hog', 'memory_limit'],
    ['hostile/send-storm', 'oversized_output'],
  ] as const) {
    it(`stops ${fixture} under the default limits (${kind}); the calculator keeps answering`, async () => {
      const name = fixture.split('/')[1].replace(/-/g, '_');
      const agent = await loadWasmAgent({
        manifest: { name, module: `${fixture}.wasm`, restart: { policy: 'fail' } },
        wasm: await watFixture(fixture),
        pool,
      });
      loaded.push(agent);
      const t = performance.now();
      const r = await agent.handle(request(name));
      stopped.push({ probe: fixture, how: `stopped (${r.ok ? 'ok?!' : r.error.kind}, default limits)`, ms: performance.now() - t });
      assert.equal(!r.ok && r.error.kind, kind);
      // A crash fails the agent (restart policy `fail`); running out of fuel fails only that message (SECURITY.md).
      assert.equal(agent.state, kind === 'fuel_exhausted' ? 'running' : 'failed');
      await assertCalculatorAnswers();
    });
  }

  it('contains an out-of-bounds read: a trap inside the sandbox, not a read of host memory', async () => {
    const agent = await load('probe-oob-read');
    const t = performance.now();
    const r = await agent.handle(request(agent.name));
    stopped.push({ probe: 'probe-oob-read', how: `contained (${r.ok ? 'ok?!' : r.error.kind})`, ms: performance.now() - t });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.kind, 'trap');
      assert.match(r.error.message, /memory access out of bounds/);
    }
    await assertCalculatorAnswers();
  });

  it('contains a host call pointing outside the agent memory: bad_output, nothing read', async () => {
    const agent = await load('probe-host-oob');
    const t = performance.now();
    const r = await agent.handle(request(agent.name));
    stopped.push({ probe: 'probe-host-oob', how: `contained (${r.ok ? 'ok?!' : r.error.kind})`, ms: performance.now() - t });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.kind, 'bad_output');
      assert.match(r.error.message, /send points outside the agent's memory \(4294967040\+200\)/);
    }
    await assertCalculatorAnswers();
  });

  it('caps memory.grow: a 4 GiB grow gets -1 and memory stays under the cap', async () => {
    const agent = await load('probe-grow', { memory: '1MiB' });
    const r = await agent.handle(request(agent.name));
    const [reply] = sentBy(r);
    assert.equal(reply.content, 'denied', 'memory.grow(65535) was refused (-1)');
    assert.ok(r.usage.memoryBytes <= 1024 * 1024, `memory ${r.usage.memoryBytes} bytes stays under the 1 MiB cap`);
    stopped.push({ probe: 'probe-grow', how: 'grow refused (-1)', ms: r.usage.durationMs });
  });

  it("keeps agents' memories apart, even two instances of one module in one worker", async () => {
    const a = await load('probe-peek', { name: 'peek_a' });
    const b = await load('probe-peek', { name: 'peek_b' });
    // b first writes its own copy, then a (unwritten) and b read theirs: a must not see b's secret.
    assert.equal(sentBy(await b.handle(request('peek_b')))[0].content, 'SECRET42');
    assert.equal(sentBy(await a.handle(inform('peek_a')))[0].content, '........', "peek_a sees its own memory, not peek_b's");
    assert.equal(sentBy(await b.handle(inform('peek_b')))[0].content, 'SECRET42', 'peek_b keeps its state between messages');
  });

  it('cannot send as another agent, and JSON __proto__ keys pollute nothing', async () => {
    const agent = await load('probe-spoof');
    const [sent] = sentBy(await agent.handle(inform(agent.name)));
    assert.equal(sent.sender, 'probe_spoof', 'the host sets the sender to the agent itself');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(sent), Object.prototype);
    // Routed for real: the runtime refuses nothing and delivers it as probe_spoof, not as calculator.
    const { events, listener } = collectTrace();
    const runtime = new Runtime({ trace: [listener] });
    runtime.addAgent(agent);
    const got: FipaMessage[] = [];
    runtime.onExternalMessage((m) => got.push(m));
    runtime.send(inform('probe_spoof'));
    await runtime.idle();
    assert.deepEqual(
      got.map((m) => m.sender),
      ['probe_spoof'],
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched after routing');
    assert.ok(!events.some((e) => e.type === 'message_sent' && e.message.sender === 'calculator'));
    runtime.removeAgent('probe_spoof');
    loaded.splice(loaded.indexOf(agent), 1);
    await runtime.stop();
  });
});
