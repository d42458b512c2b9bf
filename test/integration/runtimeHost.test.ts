import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TraceEvent } from '../../schemas/trace';
import { DEFAULT_RUNTIME_HOST_SETTINGS } from '../../schemas/protocol/runtimeHost';
import { RuntimeHostClient, type HostExit } from '../../client/runtimeHostClient';
import { distDir, examplesDir } from '../support/paths';

const hostScript = path.join(distDir, 'runtimeHost.js');
const folder = path.join(examplesDir, 'calculator');
// No trace files written into examples/ by tests.
const settings = { ...DEFAULT_RUNTIME_HOST_SETTINGS, traceDir: '', requestTimeoutMs: 20_000 };

function next<T>(subscribe: (l: (v: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((v) => {
      off();
      resolve(v);
    });
  });
}

for (const transport of ['ipc', 'stdio'] as const) {
  describe(`runtime host over ${transport} (real child process, examples/calculator)`, () => {
    let host: RuntimeHostClient;
    const events: TraceEvent[] = [];
    const logs: string[] = [];

    before(() => {
      assert.ok(fs.existsSync(hostScript), `${hostScript} is missing: run \`node esbuild.mjs\` (or set CAXTON_DIST)`);
      host = new RuntimeHostClient({ hostScript, transport, env: { CAXTON_AGENT_WORKER: path.join(distDir, 'agentWorker.js') } });
      host.onTrace(({ events: batch }) => events.push(...batch));
      host.onLog(({ text }) => logs.push(text));
    });
    after(async () => {
      await host?.dispose();
    });

    it('starts a session on the folder', async () => {
      const r = await host.start({ folder, settings });
      assert.match(r.version, /^\d+\.\d+\.\d+$/);
      assert.ok(host.pid && host.pid !== process.pid);
      assert.deepEqual((await host.request('status', {})).running, false);
    });

    it('runs the calculator agent from its manifest', async () => {
      const r = await host.request('runAgent', { file: path.join(folder, 'agents', 'calculator.agent.yaml') });
      assert.equal(r.agent, 'calculator');
      assert.deepEqual(
        r.agents.filter((a) => a.name === 'calculator').map((a) => a.state),
        ['running'],
      );
      assert.ok(
        events.some((e) => e.type === 'run_started'),
        'trace events arrive as notifications',
      );
    });

    it('sends a request and gets the reply, with its trace', async () => {
      const r = await host.request('send', {
        message: {
          performative: 'request',
          sender: 'tester',
          receiver: 'calculator',
          content: { action: 'calculate', x: 10, y: 20 },
          conversation_id: `t-${transport}`,
        },
      });
      assert.equal(r.error, undefined);
      assert.equal(r.reply?.performative, 'inform');
      assert.deepEqual(r.reply?.content, { result: 30 });
      const sent = events.filter((e) => e.type === 'message_sent' && e.message.conversation_id === `t-${transport}`);
      assert.deepEqual(
        sent.map((e) => e.type === 'message_sent' && e.message.performative),
        ['request', 'inform'],
        'the trace reached the client before the reply',
      );
    });

    it('refuses a file that is not an agent, naming it', async () => {
      const bogus = path.join(folder, 'nope.agent.yaml');
      await assert.rejects(host.request('runAgent', { file: bogus }), (e: Error) => e.message.includes(bogus));
    });

    it('runs the calculator scenario and reports it passed', async () => {
      const r = await host.request('runScenario', { file: path.join(folder, 'calculator.scenario.yaml') });
      assert.equal(r.ok, true, r.report);
      assert.match(r.report, /^PASS calculator/);
      assert.ok(events.some((e) => e.type === 'conversation_ended' && e.conversation_id === 'div-by-zero' && e.outcome === 'failed'));
    });

    if (transport === 'ipc') {
      it('builds the agents of a folder from source', async () => {
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-build-'));
        try {
          // One agent keeps this quick (an AssemblyScript compile takes seconds).
          fs.mkdirSync(path.join(copy, 'agents'));
          for (const f of ['echo.agent.yaml', 'echo.ts']) fs.copyFileSync(path.join(folder, 'agents', f), path.join(copy, 'agents', f));
          const r = await host.request('build', { folder: copy });
          assert.equal(r.ok, true, JSON.stringify(r.agents));
          assert.deepEqual(
            r.agents.map((a) => a.name),
            ['echo'],
          );
          for (const a of r.agents) assert.ok(a.module && fs.existsSync(a.module), `${a.name}: ${a.module}`);
        } finally {
          fs.rmSync(copy, { recursive: true, force: true });
        }
      });
    }

    it('stops every agent', async () => {
      const r = await host.request('stop', {});
      assert.deepEqual(r.stopped.includes('calculator'), true);
      assert.equal((await host.request('status', {})).running, false);
    });

    it('notices when the host is killed, restarts it and re-opens the session', async () => {
      const oldPid = host.pid!;
      const exited = next<HostExit>((l) => host.onExit(l));
      const restarted = next<number>((l) => host.onRestart(l));
      process.kill(oldPid, 'SIGKILL');
      const exit = await exited;
      assert.equal(exit.signal, 'SIGKILL');
      assert.equal(exit.willRestart, true);
      const pid = await restarted;
      assert.notEqual(pid, oldPid);
      // The new host has the session back: running an agent works without another `start`.
      const r = await host.request('runAgent', { file: path.join(folder, 'agents', 'calculator.agent.yaml') });
      assert.equal(r.agent, 'calculator');
      await host.request('stop', {});
    });
  });
}

describe('runtime host client when the host keeps dying', () => {
  it('reports each exit, restarts a bounded number of times, then gives up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-host-'));
    const script = path.join(dir, 'dies.js');
    fs.writeFileSync(script, "process.stderr.write('boom: cannot start\\n'); process.exit(3);\n");
    const host = new RuntimeHostClient({ hostScript: script, maxRestarts: 2 });
    const exits: HostExit[] = [];
    const gaveUp = new Promise<void>((resolve) =>
      host.onExit((e) => {
        exits.push(e);
        if (!e.willRestart) resolve();
      }),
    );
    try {
      await assert.rejects(host.start({ folder: dir, settings }));
      await gaveUp;
      assert.deepEqual(
        exits.map((e) => [e.code, e.willRestart]),
        [
          [3, true],
          [3, true],
          [3, false],
        ],
      );
      assert.match(exits[0].stderrTail, /boom: cannot start/);
    } finally {
      await host.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
