import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../schemas/trace';
import { DEFAULT_RUNTIME_HOST_SETTINGS } from '../../schemas/protocol/runtimeHost';
import { RuntimeHostClient } from '../../client/runtimeHostClient';
import { distDir } from '../support/paths';
import { copyCalculatorWorkspace, editCalculator } from './hotReloadWorkspace';

const hostScript = path.join(distDir, 'runtimeHost.js');
const settings = { ...DEFAULT_RUNTIME_HOST_SETTINGS, traceDir: '', requestTimeoutMs: 20_000 };
const calculate = (id: string) => ({
  message: {
    performative: 'request' as const,
    sender: 'tester',
    receiver: 'calculator',
    content: { action: 'calculate', x: 10, y: 20 },
    conversation_id: id,
  },
});

describe('runtime host: reloadAgents (real child process, copy of examples/calculator)', function () {
  this.timeout(60_000);
  let host: RuntimeHostClient;
  let ws: string;
  let source: string;
  const events: TraceEvent[] = [];

  before(async () => {
    assert.ok(fs.existsSync(hostScript), `${hostScript} is missing: run \`node esbuild.mjs\` (or set CAXTON_DIST)`);
    ws = copyCalculatorWorkspace();
    source = path.join(ws, 'agents', 'calculator.ts');
    host = new RuntimeHostClient({ hostScript, env: { CAXTON_AGENT_WORKER: path.join(distDir, 'agentWorker.js') } });
    host.onTrace(({ events: batch }) => events.push(...batch));
    await host.start({ folder: ws, settings });
  });
  after(async () => {
    await host?.dispose();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('reloads nothing while no session runs', async () => {
    assert.deepEqual(await host.request('reloadAgents', { files: [source] }), { running: false, results: [] });
  });

  it('rebuilds an edited source and hot reloads the running agent, tracing the drain with reason "hot reload"', async () => {
    await host.request('runAgent', { file: path.join(ws, 'agents', 'calculator.agent.yaml') });
    assert.deepEqual((await host.request('send', calculate('before'))).reply?.content, { result: 30 });
    editCalculator(ws, (src) => src.replace('Json.number(result)', 'Json.number(result * 2)'));
    const r = await host.request('reloadAgents', { files: [source] });
    assert.equal(r.running, true);
    assert.deepEqual(
      r.results.map((x) => [x.agent, x.status]),
      [['calculator', 'reloaded']],
      JSON.stringify(r.results),
    );
    assert.deepEqual((await host.request('send', calculate('after'))).reply?.content, { result: 60 });
    const reloads = events
      .filter((e) => e.type === 'agent_state' && e.reason === 'hot reload')
      .map((e) => e.type === 'agent_state' && e.to);
    assert.deepEqual(reloads, ['draining', 'loaded', 'running'], 'the trace reached the client before the reply');
    const again = await host.request('reloadAgents', { files: [path.join(ws, 'agents', 'build', 'calculator.wasm')] });
    assert.deepEqual(
      again.results.map((x) => x.status),
      ['unchanged'],
      'our own build output does not reload twice',
    );
  });

  it('reports a broken edit as problems with file, line and column; the agent keeps answering', async () => {
    editCalculator(ws, (src) => src.replace('const y = content.getNumber("y");', 'const y = content.getNumber("y") +;'));
    const r = await host.request('reloadAgents', { files: [source] });
    const [failed] = r.results;
    assert.equal(failed.status, 'failed');
    const p = failed.problems?.[0];
    assert.ok(p && p.file.endsWith('calculator.ts') && p.line > 1 && p.column > 1, JSON.stringify(failed));
    assert.ok(failed.error?.startsWith(`${p.file}:${p.line}:${p.column}: `), failed.error);
    assert.deepEqual((await host.request('send', calculate('still'))).reply?.content, { result: 60 });
  });
});
