/**
 * TypeScript agents end to end, with real parts: esbuild bundles, QuickJS runs them in the worker threads wasm agents
 * use. The two TypeScript examples give the same traces as their AssemblyScript twins; `caxton run` runs them;
 * hostile TS agents share a worker pool with the calculator and are stopped while it keeps answering; hot reload
 * and start errors point at the TypeScript source.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { startSession, type Session } from '../../runtime';
import { buildJsAgent } from '../../runtime/build';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { WorkspaceError } from '../../runtime/node/files/workspace';
import { loadJsAgent, WorkerPool, type WasmAgent } from '../../runtime/sandbox';
import { distDir, examplesDir, repoRoot } from '../support/paths';

/** The TypeScript twins' agents are named `<name>-ts` (agent names are unique in a workspace such as examples/). */
const TWIN_NAME = /\b(calculator|echo|logger|collector-ann|collector-ben|collector-cy)-ts\b/g;

/**
 * What "identical" means: every event, in order, field for field, once the twins' `-ts` name suffix is removed
 * (wherever a name appears: agent lists, senders, receivers, contents, log text), except the scenario's name, path
 * and module hashes on run_started (the replay header: the twins' code differs by design) and, on agent_usage, the engine's own measures (fuel, memory_bytes, memory_limit_bytes, duration_ms):
 * fuel counts wasm instructions in one and QuickJS polls in the other, and the engines' memories differ in size.
 */
function comparable(events: TraceEvent[]): unknown[] {
  return events.map((event) => {
    const e = JSON.parse(JSON.stringify(event).replace(TWIN_NAME, '$1')) as TraceEvent;
    const copy = { ...e } as Record<string, unknown>;
    if (e.type === 'run_started') for (const k of ['name', 'scenario', 'modules']) delete copy[k];
    if (e.type === 'agent_usage') for (const k of ['fuel', 'memory_bytes', 'memory_limit_bytes', 'duration_ms']) delete copy[k];
    return copy;
  });
}

async function traceOf(example: string): Promise<{ events: TraceEvent[]; ok: boolean }> {
  const folder = path.join(examplesDir, example);
  const scenario = fs.readdirSync(folder).find((f) => f.endsWith('.scenario.yaml'))!;
  const events: TraceEvent[] = [];
  const summary = await runScenario(path.join(folder, scenario), { clock: 'simulated', seed: 7, onTrace: (e) => events.push(e) });
  return { events, ok: summary.ok };
}

const calc = (x: number, y: number, id: string, receiver = 'calculator'): FipaMessage => ({
  performative: 'request',
  sender: 'tester',
  receiver,
  content: { action: 'calculate', x, y },
  conversation_id: id,
  reply_with: id,
});

describe('TypeScript agents end to end (esbuild + QuickJS in the agent workers)', function () {
  this.timeout(120_000);

  for (const [as, tsTwin] of [
    ['calculator', 'calculator-ts'],
    ['english-auction', 'english-auction-ts'],
  ]) {
    it(`${tsTwin} gives the same trace as ${as} (AssemblyScript)`, async () => {
      const a = await traceOf(as);
      const b = await traceOf(tsTwin);
      assert.ok(a.ok && b.ok, 'both scenarios pass their expectations');
      assert.ok(
        b.events.some((e) => e.type === 'agent_log'),
        'the TypeScript agents logged',
      );
      assert.deepEqual(comparable(b.events), comparable(a.events));
      // The usage events are there in both, with the engine's figures against its limits.
      const usage = b.events.filter(
        (e): e is Extract<TraceEvent, { type: 'agent_usage' }> => e.type === 'agent_usage' && e.memory_limit_bytes !== undefined,
      );
      assert.ok(usage.length > 0 && usage.every((u) => u.memory_bytes! <= u.memory_limit_bytes!), JSON.stringify(usage.slice(0, 3)));
    });
  }

  it('caxton run examples/calculator-ts passes (the CLI bundle, its worker and QuickJS)', () => {
    const r = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), 'run', path.join(examplesDir, 'calculator-ts')], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /calculator-ts log: add\(10, 20\) = 30/);
    assert.match(r.stdout, /calculator-ts — passed/);
  });

  describe("hostile TypeScript agents in the calculator's worker", () => {
    let pool: WorkerPool;
    let calculator: WasmAgent;
    const built = new Map<string, string>();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-js-hostile-'));
    const agent = async (name: string, source: string, limits: Record<string, unknown> = {}): Promise<WasmAgent> => {
      fs.writeFileSync(path.join(dir, `${name}.ts`), source);
      const r = await buildJsAgent(path.join(dir, `${name}.ts`), path.join(dir, 'build', `${name}.js`));
      assert.ok(r.ok, r.diagnostics.map((d) => d.text).join('\n'));
      built.set(name, r.outWasm!);
      return loadJsAgent({
        manifest: { name, module: `${name}.ts`, language: 'typescript', limits, restart: { policy: 'reset', max_restarts: 20 } },
        code: fs.readFileSync(r.outWasm!, 'utf8'),
        codePath: r.outWasm,
        pool,
      });
    };
    before(async () => {
      pool = new WorkerPool({ size: 1 });
      calculator = await agent('calculator', fs.readFileSync(path.join(examplesDir, 'calculator-ts', 'agents', 'calculator.ts'), 'utf8'), {
        memory: '4MiB',
        fuel_per_message: 1_000_000,
      });
    });
    after(async () => {
      await calculator?.dispose();
      await pool?.dispose();
    });
    afterEach(async () => {
      const r = await calculator.handle(calc(20, 22, 'still-there'));
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(
        r.effects.find((e) => e.kind === 'send'),
        {
          kind: 'send',
          message: {
            performative: 'inform',
            receiver: 'tester',
            content: { result: 42 },
            in_reply_to: 'still-there',
            conversation_id: 'still-there',
            sender: 'calculator',
          },
        },
      );
    });

    const cases: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
      // Fuel, not the clock, must stop these: the wall-clock backstop is set far away, so a starved machine (CI runs
      // this beside other builds; 10M fuel took over 750 ms once) cannot turn the expected fuel_exhausted into a timeout.
      ['looper', 'onMessage(() => { for (;;) { /* spin */ } });', { timeout: '20s' }, 'fuel_exhausted', /used more than its 10000000 fuel/],
      [
        'promise_looper',
        'onMessage(() => { void Promise.resolve().then(() => { while (true) { /* spin */ } }); });',
        { timeout: '20s' },
        'fuel_exhausted',
        /fuel/,
      ],
      [
        'hog',
        'const keep: string[] = []; onMessage(() => { for (let i = 0; ; i++) keep.push("x".repeat(1 << 16) + i); });',
        { memory: '2MiB', fuel_per_message: 1e9 },
        'memory_limit',
        /JS heap is capped at 2 MiB/,
      ],
      ['recurser', 'const f = (n: number): number => f(n + 1) + 1; onMessage(() => { f(0); });', {}, 'trap', /overflowed the stack/],
      [
        'stormer',
        'onMessage(() => { for (let i = 0; i < 1000; i++) send("inform", "calculator", { x: i }); });',
        {},
        'oversized_output',
        /send storm/,
      ],
      // Normally the in-thread backstop stops it at 225 ms (the worker survives); on a starved machine the pool's fence
      // (300 ms + 250) may come first and terminate the worker: either is a timeout, and the calculator answers after.
      [
        'spinner',
        'onMessage(() => { for (;;) { /* spin */ } });',
        { fuel_per_message: Number.MAX_SAFE_INTEGER, timeout: '300ms' },
        'timeout',
        /ran past its (225 ms in-thread|300 ms) deadline/,
      ],
    ];
    for (const [name, body, limits, kind, message] of cases) {
      it(`${name}: ${kind}, the agent restarts, the calculator answers`, async () => {
        const a = await agent(name, `import { onMessage, send } from 'caxton-agent';\nvoid send;\n${body}`, limits);
        const restarts = pool.restarts;
        try {
          const r = await a.handle({ performative: 'request', sender: 'tester', receiver: name, content: {} });
          assert.ok(!r.ok, JSON.stringify(r));
          assert.equal(r.error.kind, kind, r.error.message);
          assert.match(r.error.message, message);
          if (kind !== 'timeout') assert.equal(pool.restarts, restarts, 'stopped inside its worker: no worker was terminated');
        } finally {
          await a.dispose();
        }
      });
    }
  });

  describe('a session with TypeScript agents: hot reload and start errors', () => {
    let ws: string;
    let session: Session | undefined;
    const source = (): string => path.join(ws, 'agents', 'calculator.ts');
    beforeEach(() => {
      ws = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-ts-session-'));
      fs.cpSync(path.join(examplesDir, 'calculator-ts'), ws, { recursive: true, filter: (f) => !f.includes(`${path.sep}build`) });
    });
    afterEach(async () => {
      await session?.stop();
      session = undefined;
      fs.rmSync(ws, { recursive: true, force: true });
    });

    it('an edited TypeScript source is rebundled and swapped in; a broken one is refused at its line, the old one answers', async () => {
      session = await startSession({ folder: ws, agents: ['calculator-ts'], requestTimeoutMs: 20_000 });
      const result = async (id: string): Promise<unknown> =>
        ((await session!.request(calc(10, 20, id, 'calculator-ts'))).content as { result?: unknown }).result;
      assert.equal(await result('before'), 30);
      fs.writeFileSync(
        source(),
        fs.readFileSync(source(), 'utf8').replace("reply(msg, 'inform', { result });", "reply(msg, 'inform', { result: result + 1000 });"),
      );
      const [reloaded] = await session.reloadChanged([source()]);
      assert.deepEqual([reloaded.agent, reloaded.status, reloaded.build], ['calculator-ts', 'reloaded', 'built'], JSON.stringify(reloaded));
      assert.equal(await result('after'), 1030);
      fs.writeFileSync(source(), fs.readFileSync(source(), 'utf8').replace('const result = ', 'const result = = '));
      const [refused] = await session.reloadChanged([source()]);
      assert.equal(refused.status, 'failed');
      const p = refused.problems![0];
      assert.equal(p.file, source());
      assert.ok(p.line > 40, `${p.line}`);
      assert.match(refused.error!, new RegExp(`^${source().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
      assert.equal(await result('still'), 1030, 'the previous module keeps answering');
      // It bundles, but its start code throws: refused at the TypeScript line, the previous bundle keeps answering.
      fs.writeFileSync(
        source(),
        `import { onMessage, reply } from 'caxton-agent';\nconst table: Record<string, number> = {};\nif (!table.scale) throw new RangeError('scale missing');\nonMessage((m) => reply(m, 'inform', { result: 0 }));\n`,
      );
      const [thrown] = await session.reloadChanged([source()]);
      assert.equal(thrown.status, 'failed');
      assert.deepEqual([thrown.problems![0].file, thrown.problems![0].line], [source(), 3], JSON.stringify(thrown.problems));
      assert.match(thrown.problems![0].message, /start code threw RangeError: scale missing/);
      assert.equal(await result('still-2'), 1030);
    });

    it("in the session's shards: hostile TypeScript agents fail their messages, the TS calculator keeps answering", async () => {
      const hostile: Record<string, string> = {
        looper: 'onMessage(() => { for (;;) { /* spin */ } });',
        hog: 'const keep: string[] = []; onMessage(() => { for (let i = 0; ; i++) keep.push("x".repeat(1 << 16) + i); });',
        recurser: 'const f = (n: number): number => f(n + 1) + 1; onMessage(() => { f(0); });',
      };
      for (const [name, body] of Object.entries(hostile)) {
        fs.writeFileSync(path.join(ws, 'agents', `${name}.ts`), `import { onMessage } from 'caxton-agent';\n${body}\n`);
        fs.writeFileSync(
          path.join(ws, 'agents', `${name}.agent.yaml`),
          `name: ${name}\nlanguage: typescript\nmodule: ${name}.ts\nlimits: { memory: 2MiB, fuel_per_message: 2000000 }\n`,
        );
      }
      session = await startSession({ folder: ws, agents: ['calculator-ts', ...Object.keys(hostile)], requestTimeoutMs: 20_000 });
      const expected: Record<string, RegExp> = { looper: /fuel_exhausted/, hog: /memory_limit/, recurser: /overflowed the stack/ };
      for (const name of Object.keys(hostile)) {
        const answer = await session.request({
          performative: 'request',
          sender: 'tester',
          receiver: name,
          content: {},
          conversation_id: `h-${name}`,
          reply_with: `h-${name}`,
        });
        assert.equal(answer.performative, 'failure', JSON.stringify(answer));
        assert.match(JSON.stringify(answer.content), expected[name]);
        const sum = await session.request(calc(20, 22, `after-${name}`, 'calculator-ts'));
        assert.deepEqual(sum.content, { result: 42 });
      }
    });

    it('a start error (top-level throw) is a workspace problem at the TypeScript line', async () => {
      fs.writeFileSync(
        source(),
        `import { onMessage } from 'caxton-agent';\nconst settings: Record<string, number> = {};\nif (!settings.precision) throw new Error('precision is not configured');\nonMessage(() => {});\n`,
      );
      await assert.rejects(startSession({ folder: ws, agents: ['calculator-ts'] }), (e: unknown) => {
        assert.ok(e instanceof WorkspaceError, String(e));
        const p = e.problems[0];
        assert.deepEqual([p.file, p.line], [source(), 3]);
        assert.match(p.message, /start code threw Error: precision is not configured/);
        return true;
      });
    });
  });
});
