/**
 * One test per attack class found by attacking the sandbox (issue 14), each on real wasm agents beside a healthy
 * calculator in the same worker pool: the attacker is stopped with a clear error, the calculator still answers and
 * this process is alive. Topic matching and terminal output have their own suites (test/fuzz, test/integration).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage } from '../../schemas';
import { SimulatedClock } from '../../runtime/core/clock';
import { MODULE_LIMITS } from '../../runtime/sandbox/limits';
import { tablesHeld } from '../../runtime/sandbox/tableBudget';
import { AgentLoadError, loadWasmAgent, WorkerPool, type WasmAgent } from '../../runtime/sandbox';
import { buildExampleAgent, fixturePath, watFixture, watToWasm } from '../support/fixtures';
import { moduleBomb } from '../support/moduleBombs';
import { InstrumentError, instrumentOffThread, stopInstrumentWorker } from '../../runtime/sandbox/instrumentOffThread';

const request = (receiver: string): FipaMessage => ({ performative: 'request', sender: 'tester', receiver, content: {}, reply_with: 'q' });

describe('security: attack classes are stopped, the healthy agent keeps answering', function () {
  this.timeout(120_000);
  let pool: WorkerPool;
  let calc: WasmAgent;
  const loaded: WasmAgent[] = [];

  const load = async (fixture: string, name: string, extra: object = {}): Promise<WasmAgent> => {
    const agent = await loadWasmAgent({
      manifest: { name, module: `${fixture}.wasm`, restart: { policy: 'fail' } },
      manifestPath: `test/fixtures/agents/${fixture}.agent.yaml`,
      wasmPath: fixturePath(fixture),
      wasm: await watFixture(fixture),
      pool,
      ...extra,
    });
    loaded.push(agent);
    return agent;
  };
  const calculatorAnswers = async (): Promise<void> => {
    const r = await calc.handle({
      performative: 'request',
      sender: 'tester',
      receiver: 'calculator',
      reply_with: 'r',
      content: { action: 'calculate', x: 1, y: 2 },
    });
    assert.ok(r.ok, JSON.stringify(r));
    const reply = r.effects.find((e) => e.kind === 'send');
    assert.deepEqual(reply && reply.kind === 'send' && reply.message.content, { result: 3 });
  };

  before(async () => {
    pool = new WorkerPool({ size: 1 }); // one worker: every attacker shares a thread with the calculator
    const built = await buildExampleAgent('calculator', 'calculator');
    calc = await loadWasmAgent({ manifest: built.manifest, manifestPath: built.manifestPath, wasm: built.wasm, pool });
  });
  after(async () => {
    await Promise.all([...loaded, calc].filter(Boolean).map((a) => a.dispose()));
    await pool?.dispose();
  });

  it('tables are memory: three agents declaring (table 6000000 funcref) are refused at load, the process lives', async () => {
    for (let i = 0; i < 3; i++) {
      await assert.rejects(load('hostile/table-bomb', `tables${i}`), (e: Error) => {
        assert.ok(e instanceof AgentLoadError, String(e));
        assert.match(e.message, /table-bomb\.wat declares tables of 6000000 elements, above the limit of 100000; declare a smaller table/);
        return true;
      });
    }
    await calculatorAnswers();
  });

  it('tables are counted across a worker pool: the agent that would pass the budget is refused, stopping gives it back', async () => {
    const per = 90_000;
    const held = tablesHeld(pool); // the calculator's own small table
    const fit = Math.floor((MODULE_LIMITS.maxTableElementsPerWorker - held) / per);
    const hogs: WasmAgent[] = [];
    for (let i = 0; i < fit; i++) hogs.push(await load('hostile/table-hog', `hog${i}`));
    await assert.rejects(
      load('hostile/table-hog', 'hog_last'),
      /table-hog\.wat declares tables of 90000 elements, but the agents of its worker already hold \d+ of the 1000000 table elements a worker may hold/,
    );
    await calculatorAnswers();
    await hogs[0].dispose();
    const again = await load('hostile/table-hog', 'hog_again');
    assert.equal(again.state, 'running');
    await Promise.all([...hogs, again].map((h) => h.dispose()));
    assert.equal(tablesHeld(pool), held, 'every reservation was given back');
  });

  it('bulk memory is charged by length: a loop of 16 MiB fills/copies runs out of fuel, not past the deadline', async () => {
    const agent = await load('hostile/bulk-fill', 'bulkfill', { limits: { memoryBytes: 32 * 1024 * 1024, timeoutMs: 60_000 } });
    const r = await agent.handle(request('bulkfill'));
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.kind, 'fuel_exhausted', r.error.message);
      assert.match(r.error.message, /handler used more than its 10000000 fuel/);
    }
    assert.ok(pool.restarts === 0, 'the worker was not terminated: fuel stopped it');
    await calculatorAnswers();
  });

  it('table instructions (table.copy, table.init, elem.drop) are refused at load: the metering cannot charge them', async () => {
    await assert.rejects(load('hostile/table-ops', 'tableops'), (e: Error) => {
      assert.ok(e instanceof AgentLoadError, String(e));
      assert.match(e.message, /table-ops\.wat function \S+ uses an instruction the fuel metering does not support/);
      return true;
    });
    await calculatorAnswers();
  });

  it('a manifest may not ask for more than 256 MiB of memory', async () => {
    await assert.rejects(
      loadWasmAgent({
        manifest: { name: 'greedy', module: 'x.wasm', limits: { memory: '1GiB' } },
        manifestPath: 'greedy.agent.yaml',
        wasm: await watFixture('hostile/trap'),
        pool,
      }),
      /greedy\.agent\.yaml has invalid limits: limits\.memory of 1073741824 bytes is above the 256MiB most an agent may have; ask for at most '256MiB'/,
    );
  });

  it('now is coarse: a clock with a fraction of a millisecond reaches the agent whole', async () => {
    const clock = new SimulatedClock();
    await clock.advance(1234.5678);
    const agent = await load('hostile/clock-probe', 'clockprobe', { clock });
    const r = await agent.handle(request('clockprobe'));
    assert.ok(r.ok, `the probe saw a fractional now: ${JSON.stringify(r)}`);
  });

  it('only a true memory-cap hit is labelled memory_limit: an unrelated trap at the cap is a trap', async () => {
    const agent = await load('hostile/trap-at-cap', 'trapatcap', { limits: { memoryBytes: 1024 * 1024 } });
    const r = await agent.handle(request('trapatcap'));
    assert.equal(!r.ok && r.error.kind, 'trap', JSON.stringify(r));
    assert.equal(r.usage.memoryBytes, 1024 * 1024, 'the agent sat at its cap');
    const hog = await load('hostile/memory-hog', 'hogcap', { limits: { memoryBytes: 1024 * 1024 } });
    const h = await hog.handle(request('hogcap'));
    assert.equal(!h.ok && h.error.kind, 'memory_limit', JSON.stringify(h));
    await calculatorAnswers();
  });

  for (const bomb of [
    {
      what: 'a 4 MB module of 1,000,000 functions',
      opts: { functions: 1_000_000 },
      error: /defines 1000000 functions, above the limit of 50000/,
    },
    {
      what: 'a function declaring 40,000 locals',
      opts: { functions: 2, locals: 40_000 },
      error: /declares 40000 locals in function 0, above the limit of 10000; use fewer locals/,
    },
  ]) {
    it(`module bombs: ${bomb.what} is refused by the section scan, before compiling or instrumenting`, async () => {
      const wasm = moduleBomb(bomb.opts);
      // Ask the calculator while the bomb is being refused: it answers.
      const [refused] = await Promise.allSettled([
        loadWasmAgent({
          manifest: { name: 'bomb', module: 'bomb.wasm' },
          manifestPath: 'bomb.agent.yaml',
          wasmPath: 'bomb.wasm',
          wasm,
          pool,
        }),
        calculatorAnswers(),
      ]).then((all) => {
        assert.equal(all[1].status, 'fulfilled', JSON.stringify(all[1]));
        return all;
      });
      assert.equal(refused.status, 'rejected');
      const e = (refused as PromiseRejectedResult).reason as Error;
      assert.ok(e instanceof AgentLoadError, String(e));
      assert.match(e.message, bomb.error);
      assert.match(e.message, /^bomb\.wasm /);
    });
  }

  it('instrumentation runs off the main thread: the calculator answers while a large module is instrumented', async () => {
    // 30,000 functions: within the limits, seconds of binaryen work. A fresh fuel budget keeps it out of every cache.
    const funcs = Array.from({ length: 30_000 }, (_, i) => `(func $f${i} (result i32) (i32.add (i32.const ${i}) (i32.const 1)))`).join(
      '\n',
    );
    const wasm = await watToWasm(
      'big.wat',
      `(module (memory (export "memory") 1)
      (func (export "caxton_alloc") (param i32) (result i32) (i32.const 1024))
      (func (export "caxton_handle") (param i32 i32) (result i32) (i32.const 0))\n${funcs})`,
    );
    let settled = false;
    const loading = loadWasmAgent({
      manifest: { name: 'big', module: 'big.wasm' },
      manifestPath: 'big.agent.yaml',
      wasmPath: 'big.wasm',
      wasm,
      pool,
      limits: { fuelPerMessage: 7_777_777 },
    }).then((agent) => {
      settled = true;
      loaded.push(agent);
      return agent;
    });
    await calculatorAnswers();
    await calculatorAnswers();
    assert.equal(settled, false, 'the calculator answered twice while the module was still being prepared');
    const big = await loading;
    assert.equal(big.state, 'running');
  });

  it('instrumentation has a deadline: past it the helper worker is terminated and replaced', async () => {
    const wasm = await watFixture('hostile/trap');
    // A helper that never answers stands for instrumentation that never ends: the deadline alone must end the job.
    const hung = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-hung-')), 'hungWorker.js');
    fs.writeFileSync(hung, "require('node:worker_threads').parentPort.on('message', () => {});\n");
    const saved = process.env.CAXTON_PREPARE_WORKER;
    await stopInstrumentWorker();
    process.env.CAXTON_PREPARE_WORKER = hung;
    try {
      await assert.rejects(
        instrumentOffThread(wasm, 1000, 16, 200),
        (e: Error) => e instanceof InstrumentError && e.reason === 'timeout' && /longer than 200 ms/.test(e.message),
      );
    } finally {
      if (saved === undefined) delete process.env.CAXTON_PREPARE_WORKER;
      else process.env.CAXTON_PREPARE_WORKER = saved;
      fs.rmSync(path.dirname(hung), { recursive: true, force: true });
    }
    const ok = await instrumentOffThread(wasm, 1000, 16, 60_000);
    assert.ok(ok.byteLength > wasm.byteLength, 'the replacement worker instruments');
    await calculatorAnswers();
  });
});
