import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { startSession, type Session } from '../../runtime';
import { keyFilePath } from '../../runtime/build';
import { copyCalculatorWorkspace, editCalculator } from './hotReloadWorkspace';

const request = (x: number, y: number, id: string): FipaMessage => ({
  performative: 'request',
  sender: 'tester',
  receiver: 'calculator',
  content: { action: 'calculate', x, y },
  conversation_id: id,
});
const resultOf = (m: FipaMessage): unknown => (m.content as { result?: unknown }).result;

describe('hot reload of a running session (real wasm, copy of examples/calculator)', function () {
  this.timeout(60_000);
  let ws: string;
  let session: Session;
  const events: TraceEvent[] = [];

  before(async () => {
    ws = copyCalculatorWorkspace();
    session = await startSession({ folder: ws, agents: ['calculator'], onTrace: (e) => events.push(e), requestTimeoutMs: 20_000 });
  });
  after(async () => {
    await session?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('answers with the original module; nothing changed -> nothing reloaded', async () => {
    assert.equal(resultOf(await session.request(request(10, 20, 'before'))), 30);
    assert.ok(fs.existsSync(keyFilePath(path.join(ws, 'agents', 'build', 'calculator.wasm'))), 'the session built through the cache');
    const results = await session.reloadChanged();
    assert.deepEqual(
      results.map((r) => [r.agent, r.status, r.build]),
      [['calculator', 'unchanged', 'up to date']],
    );
  });

  it('an edited source is rebuilt and swapped in; a message queued during the reload is answered by the new module', async () => {
    editCalculator(ws, (src) => src.replace('Json.number(result)', 'Json.number(result * 2)'));
    let queued: Promise<FipaMessage> | undefined;
    // Send while the agent drains for the reload: the message waits in its mailbox and survives the swap.
    const off = session.onTrace((e) => {
      if (e.type === 'agent_state' && e.agent === 'calculator' && e.to === 'draining' && !queued)
        queued = session.request(request(1, 2, 'queued'));
    });
    const results = await session.reloadChanged([path.join(ws, 'agents', 'calculator.ts')]);
    off();
    // 'built', or 'up to date' when an earlier run's build of this exact text was seeded (see hotReloadWorkspace).
    assert.deepEqual(
      results.map((r) => [r.agent, r.status]),
      [['calculator', 'reloaded']],
      JSON.stringify(results),
    );
    assert.ok(queued, 'a message was sent during the drain');
    assert.equal(resultOf(await queued), 6);
    assert.equal(resultOf(await session.request(request(10, 20, 'after'))), 60);
    const states = events
      .filter((e) => e.type === 'agent_state' && e.agent === 'calculator' && e.reason === 'hot reload')
      .map((e) => e.type === 'agent_state' && `${e.from}->${e.to}`);
    assert.deepEqual(states, ['running->draining', 'draining->loaded', 'loaded->running']);
  });

  it('a broken edit is refused with file:line:col and the previous module keeps answering', async () => {
    editCalculator(ws, (src) => src.replace('const x = content.getNumber("x");', 'const x: string = content.getNumber("x");'));
    const [r] = await session.reloadChanged([path.join(ws, 'agents', 'calculator.ts')]);
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /calculator\.ts:\d+:\d+: .*not assignable/, r.error);
    assert.equal(r.problems?.[0].file, fs.realpathSync(path.join(ws, 'agents', 'calculator.ts')));
    assert.equal(session.runtime.agentState('calculator'), 'running');
    assert.equal(resultOf(await session.request(request(10, 20, 'still'))), 60);
  });

  it('reloadAgent names an unknown agent; a manifest change it cannot apply is refused', async () => {
    assert.match((await session.reloadAgent('nobody')).error ?? '', /no running agent 'nobody' \(running: calculator\)/);
    const manifest = path.join(ws, 'agents', 'calculator.agent.yaml');
    fs.writeFileSync(manifest, `${fs.readFileSync(manifest, 'utf8')}\nhost_functions: [subscribe]\n`);
    const [r] = await session.reloadChanged([manifest]);
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /calculator\.agent\.yaml:1:1: error: host_functions changed; .*stop and run the agent again/);
    assert.equal(resultOf(await session.request(request(1, 1, 'manifest'))), 4);
  });
});
