/**
 * Attack classes against the router and the shards (issue 14), each on real wasm agents run the way `caxton run` runs
 * them (sessions on worker shards), beside a healthy calculator: receiver-list amplification, forged message ids,
 * expensive messages against the restart budget, reply hijack, endless loops (hop limit, time keeps moving), send
 * storms (per-tick budget), a runaway stuck in its shard (watchdog), and reserved names.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { SimulatedClock } from '../../runtime/core/clock';
import { Runtime } from '../../runtime/runtime';
import { startSession, type Session } from '../../runtime/node/session';
import { runScenario } from '../../runtime/node/scenario';
import { WorkspaceError } from '../../runtime/node/workspace';
import type { AgentEndpoint, AgentResult } from '../../runtime/core/types';
import { buildExampleAgent } from '../support/fixtures';
import { calcRequest, faultWorkspace } from '../fault/faultWorkspace';
import { removeTemp, writeFiles } from './securityFixtures';

type Dropped = Extract<TraceEvent, { type: 'message_dropped' }>;
const drops = (events: readonly TraceEvent[]): Dropped[] => events.filter((e): e is Dropped => e.type === 'message_dropped');
const NO_USAGE = { fuel: 0, memoryBytes: 0, durationMs: 0 };

/** An in-process agent whose handler returns sends (effects as data). */
function scripted(name: string, onMessage: (m: FipaMessage) => FipaMessage[]): AgentEndpoint {
  return {
    name,
    async handle(m): Promise<AgentResult> { return { ok: true, effects: onMessage(m).map((message) => ({ kind: 'send' as const, message })), usage: NO_USAGE }; },
    async dispose() {},
  };
}

describe('security: router and shard attack classes', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => { for (const d of dirs) removeTemp(d); });

  async function session(dir: string, events: TraceEvent[], extra: Partial<Parameters<typeof startSession>[0]> = {}): Promise<Session> {
    return startSession({ folder: dir, clock: new SimulatedClock(), onTrace: (e) => events.push(e), workers: 2, ...extra });
  }

  it('receiver-list amplification: a long list of unknown names is one counted dead letter, without copies of the message', async () => {
    const dir = await faultWorkspace('amplify', []);
    dirs.push(dir);
    const events: TraceEvent[] = [];
    const s = await session(dir, events);
    try {
      const big = 'x'.repeat(100_000);
      for (let i = 0; i < 4; i++) s.send({ performative: 'inform', sender: 'mallory', receiver: Array.from({ length: 900 }, (_, k) => `ghost-${i}-${k}`), content: big });
      s.send({ performative: 'inform', sender: 'mallory', receiver: Array.from({ length: 5000 }, (_, k) => `ghost-${k}`), content: 1 });
      const reply = await s.request(calcRequest(2, 3, 'after-amplification'));
      assert.deepEqual(reply.content, { result: 5 }, 'the calculator answers');
    } finally { await s.stop(); }
    const d = drops(events);
    const unknown = d.filter((x) => x.code === 'unknown_agent');
    assert.equal(unknown.length, 4, 'one event per message, not per receiver');
    assert.deepEqual(unknown.map((x) => x.count), [900, 900, 900, 900]);
    assert.match(unknown[0].reason, /900 unknown agents 'ghost-0-0', .* and 895 more/);
    const tooMany = d.filter((x) => x.code === 'invalid' && /too many receivers: 5000/.test(x.reason));
    assert.equal(tooMany.length, 1, 'a list over limits.maxReceivers is refused whole');
    const traceBytes = events.reduce((n, e) => n + JSON.stringify(e).length, 0);
    assert.ok(traceBytes < 1_000_000, `the trace stays small (${traceBytes} bytes for 4 x 900 drops of a 100 KB message)`);
  });

  it('forged message ids: another sender\'s ids collide with nothing (dedup is per sender)', async () => {
    const rt = new Runtime({ clock: new SimulatedClock() });
    const seen: string[] = [];
    rt.addAgent(scripted('echo', (m) => { seen.push(`${m.sender}:${m.message_id}`); return [{ performative: 'inform', sender: 'echo', receiver: m.sender, in_reply_to: m.reply_with, content: m.content }]; }));
    // mallory pre-sends with the ids the user's next messages will get (runtime ids are namespaced by sender and so
    // predictable here on purpose) and with plain guesses.
    for (const id of ['user/~host#1', 'user/~host#2', 'm-1', 'm-2']) rt.send({ performative: 'inform', sender: 'mallory', receiver: 'echo', message_id: id, content: 'forged' });
    await rt.idle();
    const r1 = await rt.request({ performative: 'request', sender: 'user', receiver: 'echo', content: 1 });
    const r2 = await rt.request({ performative: 'request', sender: 'user', receiver: 'echo', message_id: 'm-1', content: 2 });
    assert.deepEqual([r1.content, r2.content], [1, 2], 'both real requests were delivered and answered');
    assert.equal(rt.deadLetters().filter((d) => d.code === 'duplicate').length, 0);
    await rt.stop();
  });

  it('expensive messages fail that message only: fuel exhaustion never spends the restart budget', async () => {
    const dir = await faultWorkspace('fuel', [{ name: 'spinner', wat: '../agents/hostile/infinite-loop', manifest: 'limits:\n  fuel_per_message: 100000\nrestart:\n  policy: reset\n  max_restarts: 2\n' }]);
    dirs.push(dir);
    const events: TraceEvent[] = [];
    const s = await session(dir, events);
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => s.request({ performative: 'request', sender: 'tester', receiver: 'spinner', content: { i } })));
      for (const a of answers) {
        assert.equal(a.performative, 'failure');
        assert.match(String((a.content as { reason?: string }).reason), /fuel_exhausted/);
      }
      const reply = await s.request(calcRequest(1, 1, 'calc-after-fuel'));
      assert.deepEqual(reply.content, { result: 2 });
    } finally { await s.stop('done'); }
    const spinnerStates = events.filter((e) => e.type === 'agent_state' && e.agent === 'spinner').map((e) => e.type === 'agent_state' && e.to);
    assert.ok(!spinnerStates.includes('failed'), `8 out-of-fuel messages, 2 restarts allowed, never failed: ${spinnerStates.join(' ')}`);
  });

  it('reply hijack: an answer from someone who was not asked does not take the request\'s reply', async () => {
    const rt = new Runtime({ clock: new SimulatedClock() });
    // mallory knows (or guesses) the reply_with of the user's request.
    const token = 'q-7';
    rt.addAgent(scripted('slow', (m) => (m.sender === 'user' ? [{ performative: 'inform', sender: 'slow', receiver: 'mallory', content: 'later' }] : [
      { performative: 'inform', sender: 'slow', receiver: 'user', in_reply_to: token, content: 'the real answer' },
    ])));
    rt.addAgent(scripted('mallory', (m) => (m.sender === 'slow' ? [
      { performative: 'inform', sender: 'mallory', receiver: 'user', in_reply_to: token, content: 'forged answer' },
      { performative: 'inform', sender: 'mallory', receiver: 'slow', content: 'go' },
    ] : [])));
    const reply = await rt.request({ performative: 'request', sender: 'user', receiver: 'slow', reply_with: token, content: 'q' });
    assert.equal(reply.sender, 'slow');
    assert.equal(reply.content, 'the real answer');
    await rt.stop();
  });

  it('an endless loop between two agents is cut by the hop limit, and simulated time keeps moving', async () => {
    const echo = await buildExampleAgent('calculator', 'echo');
    const dir = await faultWorkspace('loop', []);
    dirs.push(dir);
    writeFiles(dir, {
      'agents/echo-a.wasm': echo.wasm, 'agents/echo-b.wasm': echo.wasm,
      'agents/echo-a.agent.yaml': 'name: echo-a\nmodule: echo-a.wasm\n', 'agents/echo-b.agent.yaml': 'name: echo-b\nmodule: echo-b.wasm\n',
      'loop.scenario.yaml': [
        'scenario:', '  name: loop', '  messages:',
        '    - { at: 0, message: { performative: inform, sender: echo-a, receiver: echo-b, content: { ping: 1 } } }',
        '    - { at: 5s, message: { performative: request, sender: tester, receiver: calculator, reply_with: late, content: { action: calculate, x: 2, y: 2 } } }',
        '  expect:', '    messages:', '      - { performative: inform, sender: calculator, in_reply_to: late, content: { result: 4 } }', '',
      ].join('\n'),
    });
    const events: TraceEvent[] = [];
    const summary = await runScenario(path.join(dir, 'loop.scenario.yaml'), { onTrace: (e) => events.push(e), workers: 2, maxWallMs: 60_000 });
    const cut = drops(events).filter((d) => d.code === 'hop_limit');
    assert.equal(cut.length, 1, 'the loop was cut once');
    assert.match(cut[0].reason, /hop limit: .*limits\.maxHops 1000/);
    assert.equal(summary.expectations.find((x) => /late/.test(x.detail))?.ok, true, 'the message scheduled at 5 s was sent and answered');
    assert.ok(summary.durationMs >= 5000, `simulated time reached ${summary.durationMs} ms`);
  });

  it('a send storm is held to the per-tick send budget; the others keep their share', async () => {
    const rt = new Runtime({ clock: new SimulatedClock(), scheduling: 'steps', limits: { maxSendsPerTick: 50, mailbox: 10_000 } });
    rt.addAgent(scripted('storm', () => Array.from({ length: 80 }, (_, i) => ({ performative: 'inform' as const, sender: 'storm', receiver: 'sink', content: i }))));
    rt.addAgent(scripted('sink', () => []));
    rt.addAgent(scripted('echo', (m) => [{ performative: 'inform', sender: 'echo', receiver: m.sender, in_reply_to: m.reply_with, content: m.content }]));
    const events: TraceEvent[] = [];
    rt.onTrace((e) => events.push(e));
    rt.send({ performative: 'inform', sender: 'user', receiver: 'storm', content: 'go' });
    const reply = await rt.request({ performative: 'request', sender: 'user', receiver: 'echo', content: 'still here' });
    assert.equal(reply.content, 'still here');
    const refused = drops(events).filter((d) => d.code === 'refused' && /send budget/.test(d.reason));
    assert.equal(refused.length, 29, '80 sends in one step for the one message it handled: 50 + 1 allowed');
    assert.equal(events.filter((e) => e.type === 'message_sent' && e.message.sender === 'storm').length, 51);
    await rt.stop();
  });

  it('a runaway that fuel cannot stop in time is stopped by the watchdog; its shard neighbour is restarted and answers', async () => {
    const dir = await faultWorkspace('runaway', [{ name: 'runaway', wat: '../agents/hostile/infinite-loop', manifest: 'limits:\n  fuel_per_message: 1000000000000\n  timeout: 100ms\nplacement:\n  group: together\n' }]);
    dirs.push(dir);
    fs.appendFileSync(path.join(dir, 'agents', 'calculator.agent.yaml'), 'placement:\n  group: together\n');
    const events: TraceEvent[] = [];
    const s = await session(dir, events, { clock: undefined });
    const started = performance.now();
    try {
      s.send({ performative: 'request', sender: 'tester', receiver: 'runaway', reply_with: 'spin', content: {} });
      const deadline = Date.now() + 30_000;
      while (!events.some((e) => e.type === 'agent_state' && e.agent === 'runaway' && e.to === 'failed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const stoppedMs = performance.now() - started;
      const failed = events.find((e) => e.type === 'agent_state' && e.agent === 'runaway' && e.to === 'failed');
      assert.ok(failed && failed.type === 'agent_state', 'the runaway was failed');
      assert.match(failed.reason ?? '', /wall-clock deadline; its shard \(\d\) was terminated/);
      assert.equal(s.runtime.shards?.losses, 1, 'one shard terminated');
      const reply = await s.request(calcRequest(20, 22, 'after-runaway'));
      assert.deepEqual(reply.content, { result: 42 }, 'the neighbour, restarted on a fresh thread, answers');
      console.log(`      [watchdog] runaway with a 100 ms deadline failed after ${stoppedMs.toFixed(0)} ms of real time; neighbour answered after`);
    } finally { await s.stop(); }
  });

  it('reserved names: an agent may not be called `user` (it would receive the replies meant for the person)', async () => {
    const dir = await faultWorkspace('reserved', []);
    dirs.push(dir);
    const calc = await buildExampleAgent('calculator', 'calculator');
    writeFiles(dir, { 'agents/user.wasm': calc.wasm, 'agents/user.agent.yaml': 'name: user\nmodule: user.wasm\n' });
    await assert.rejects(startSession({ folder: dir, workers: 1 }), (e: unknown) => {
      assert.ok(e instanceof WorkspaceError);
      assert.match(e.message, /user\.agent\.yaml:1:7: .*'user' is reserved/);
      return true;
    });
  });
});
