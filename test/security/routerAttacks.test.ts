/**
 * Attack classes against the router and the shards (issue 14), each on real wasm agents run the way `caxton run` runs
 * them (sessions on worker shards), beside a healthy calculator: receiver-list amplification, forged message ids,
 * expensive messages against the restart budget, reply hijack, endless loops (hop limit, time keeps moving), send
 * storms (per-tick budget), a runaway stuck in its shard (watchdog), and reserved names.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../schemas';
import { SimulatedClock } from '../../runtime/core/clock';
import { startSession, type Session } from '../../runtime/node/session/session';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { WorkspaceError } from '../../runtime/node/files/workspace';
import { buildExampleAgent } from '../support/fixtures';
import { calcRequest, faultWorkspace } from '../fault/faultWorkspace';
import { removeTemp, writeFiles } from './securityFixtures';

type Dropped = Extract<TraceEvent, { type: 'message_dropped' }>;
const drops = (events: readonly TraceEvent[]): Dropped[] => events.filter((e): e is Dropped => e.type === 'message_dropped');

describe('security: router and shard attack classes', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) removeTemp(d);
  });

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
      for (let i = 0; i < 4; i++)
        s.send({
          performative: 'inform',
          sender: 'mallory',
          receiver: Array.from({ length: 900 }, (_, k) => `ghost-${i}-${k}`),
          content: big,
        });
      s.send({ performative: 'inform', sender: 'mallory', receiver: Array.from({ length: 5000 }, (_, k) => `ghost-${k}`), content: 1 });
      const reply = await s.request(calcRequest(2, 3, 'after-amplification'));
      assert.deepEqual(reply.content, { result: 5 }, 'the calculator answers');
    } finally {
      await s.stop();
    }
    const d = drops(events);
    const unknown = d.filter((x) => x.code === 'unknown_agent');
    assert.equal(unknown.length, 4, 'one event per message, not per receiver');
    assert.deepEqual(
      unknown.map((x) => x.count),
      [900, 900, 900, 900],
    );
    assert.match(unknown[0].reason, /900 unknown agents 'ghost-0-0', .* and 895 more/);
    const tooMany = d.filter((x) => x.code === 'invalid' && /too many receivers: 5000/.test(x.reason));
    assert.equal(tooMany.length, 1, 'a list over limits.maxReceivers is refused whole');
    const traceBytes = events.reduce((n, e) => n + JSON.stringify(e).length, 0);
    assert.ok(traceBytes < 1_000_000, `the trace stays small (${traceBytes} bytes for 4 x 900 drops of a 100 KB message)`);
  });

  it("forged message ids: an agent pre-sending the ids of a user's requests silences nothing (dedup is per sender)", async () => {
    const dir = await faultWorkspace('forged', [{ name: 'forger', wat: 'forger' }]);
    dirs.push(dir);
    const events: TraceEvent[] = [];
    const s = await session(dir, events);
    try {
      s.send({ performative: 'request', sender: 'tester', receiver: 'forger', content: {} });
      await s.runtime.idle();
      const forged = events.filter((e) => e.type === 'message_delivered' && e.to === 'calculator' && /^(m-1|user\/~host#1)$/.test(e.id));
      assert.equal(forged.length, 2, 'the forged messages reached the calculator first');
      // The user's real requests carry the same ids (one by the runtime's own numbering, one set by hand).
      const r1 = await s.request({
        performative: 'request',
        sender: 'user',
        receiver: 'calculator',
        reply_with: 'real-1',
        content: { action: 'calculate', x: 2, y: 3 },
      });
      const r2 = await s.request({
        performative: 'request',
        sender: 'user',
        receiver: 'calculator',
        message_id: 'm-1',
        reply_with: 'real-2',
        content: { action: 'calculate', x: 4, y: 5 },
      });
      assert.deepEqual([r1.content, r2.content], [{ result: 5 }, { result: 9 }], 'both real requests were answered');
    } finally {
      await s.stop();
    }
    assert.equal(drops(events).filter((d) => d.code === 'duplicate').length, 0, 'nothing dropped as a duplicate');
  });

  it('expensive messages fail that message only: fuel exhaustion never spends the restart budget', async () => {
    const dir = await faultWorkspace('fuel', [
      {
        name: 'spinner',
        wat: '../agents/hostile/infinite-loop',
        manifest: 'limits:\n  fuel_per_message: 100000\nrestart:\n  policy: reset\n  max_restarts: 2\n',
      },
    ]);
    dirs.push(dir);
    const events: TraceEvent[] = [];
    const s = await session(dir, events);
    try {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => s.request({ performative: 'request', sender: 'tester', receiver: 'spinner', content: { i } })),
      );
      for (const a of answers) {
        assert.equal(a.performative, 'failure');
        assert.match(String((a.content as { reason?: string }).reason), /fuel_exhausted/);
      }
      const reply = await s.request(calcRequest(1, 1, 'calc-after-fuel'));
      assert.deepEqual(reply.content, { result: 2 });
    } finally {
      await s.stop('done');
    }
    const spinnerStates = events
      .filter((e) => e.type === 'agent_state' && e.agent === 'spinner')
      .map((e) => e.type === 'agent_state' && e.to);
    assert.ok(!spinnerStates.includes('failed'), `8 out-of-fuel messages, 2 restarts allowed, never failed: ${spinnerStates.join(' ')}`);
  });

  it("reply hijack: an answer from an agent that was not asked is not taken as the request's reply", async () => {
    // `attacker` sorts before `calculator`, so its forged answer arrives first in the step.
    const dir = await faultWorkspace('hijack', [{ name: 'attacker', wat: 'hijacker' }]);
    dirs.push(dir);
    const events: TraceEvent[] = [];
    const s = await session(dir, events);
    try {
      s.send({ performative: 'request', sender: 'tester', receiver: 'attacker', content: {} });
      const reply = await s.request({
        performative: 'request',
        sender: 'user',
        receiver: 'calculator',
        reply_with: 'q-7',
        content: { action: 'calculate', x: 20, y: 22 },
      });
      assert.equal(reply.sender, 'calculator');
      assert.deepEqual(reply.content, { result: 42 });
    } finally {
      await s.stop();
    }
    const forged = events.filter((e) => e.type === 'message_sent' && e.message.sender === 'attacker' && e.message.in_reply_to === 'q-7');
    assert.equal(forged.length, 1, 'the forged answer was sent');
    const order = events
      .filter((e) => e.type === 'message_delivered' && e.to === 'user')
      .map((e) => e.type === 'message_delivered' && e.id);
    // Both must be there: a forged answer that never reached user (index -1) would otherwise pass as "first".
    const forgedAt = order.indexOf(forged[0].type === 'message_sent' ? forged[0].id : '');
    const realAt = order.findIndex((id) => typeof id === 'string' && id.startsWith('calculator'));
    assert.ok(forgedAt >= 0 && forgedAt < realAt, `the forged answer reached user first: ${order.join(', ')}`);
  });

  it('an endless loop between two agents is cut by the hop limit, and simulated time keeps moving', async () => {
    const echo = await buildExampleAgent('calculator', 'echo');
    const dir = await faultWorkspace('loop', []);
    dirs.push(dir);
    writeFiles(dir, {
      'agents/echo-a.wasm': echo.wasm,
      'agents/echo-b.wasm': echo.wasm,
      'agents/echo-a.agent.yaml': 'name: echo-a\nmodule: echo-a.wasm\n',
      'agents/echo-b.agent.yaml': 'name: echo-b\nmodule: echo-b.wasm\n',
      'loop.scenario.yaml': [
        'scenario:',
        '  name: loop',
        '  messages:',
        '    - { at: 0, message: { performative: inform, sender: echo-a, receiver: echo-b, content: { ping: 1 } } }',
        '    - { at: 5s, message: { performative: request, sender: tester, receiver: calculator, reply_with: late, content: { action: calculate, x: 2, y: 2 } } }',
        '  expect:',
        '    messages:',
        '      - { performative: inform, sender: calculator, in_reply_to: late, content: { result: 4 } }',
        '',
      ].join('\n'),
    });
    const events: TraceEvent[] = [];
    const summary = await runScenario(path.join(dir, 'loop.scenario.yaml'), {
      onTrace: (e) => events.push(e),
      workers: 2,
      maxWallMs: 60_000,
    });
    const cut = drops(events).filter((d) => d.code === 'hop_limit');
    assert.equal(cut.length, 1, 'the loop was cut once');
    assert.match(cut[0].reason, /hop limit: .*limits\.maxHops 1000/);
    assert.equal(summary.expectations.find((x) => /late/.test(x.detail))?.ok, true, 'the message scheduled at 5 s was sent and answered');
    assert.ok(summary.durationMs >= 5000, `simulated time reached ${summary.durationMs} ms`);
  });

  it('a send storm is held to the per-tick send budget; the others keep their share', async () => {
    const dir = await faultWorkspace('budget', [
      { name: 'storm', wat: 'storm-on-request', manifest: 'limits:\n  mailbox: 1000\n' },
      { name: 'sink', wat: 'sink', manifest: 'limits:\n  mailbox: 100000\n' },
    ]);
    dirs.push(dir);
    const events: TraceEvent[] = [];
    const s = await session(dir, events, { limits: { maxSendsPerTick: 150 } });
    try {
      // Ten requests in one step: the storm agent may send 150 + 10 (one per message handled) of its 1,000.
      for (let i = 0; i < 10; i++) s.send({ performative: 'request', sender: 'tester', receiver: 'storm', content: { i } });
      const reply = await s.request(calcRequest(1, 2, 'during-budget'));
      assert.deepEqual(reply.content, { result: 3 }, 'the calculator answers');
      await s.runtime.idle();
    } finally {
      await s.stop();
    }
    const refused = drops(events).filter((d) => d.code === 'refused' && /send budget/.test(d.reason));
    assert.equal(refused.length, 840, JSON.stringify(refused.slice(-3).map((d) => [d.message?.sender, d.message?.receiver, d.tick])));
    assert.equal(events.filter((e) => e.type === 'message_sent' && e.message.sender === 'storm').length, 160);
  });

  it('a runaway that fuel cannot stop in time is stopped by the watchdog; its shard neighbour is restarted and answers', async () => {
    const dir = await faultWorkspace('runaway', [
      {
        name: 'runaway',
        wat: '../agents/hostile/infinite-loop',
        manifest: 'limits:\n  fuel_per_message: 1000000000000\n  timeout: 100ms\nplacement:\n  group: together\n',
      },
    ]);
    dirs.push(dir);
    fs.appendFileSync(path.join(dir, 'agents', 'calculator.agent.yaml'), 'placement:\n  group: together\n');
    const events: TraceEvent[] = [];
    const s = await session(dir, events, { clock: undefined });
    const started = performance.now();
    try {
      s.send({ performative: 'request', sender: 'tester', receiver: 'runaway', reply_with: 'spin', content: {} });
      const deadline = Date.now() + 30_000;
      while (!events.some((e) => e.type === 'agent_state' && e.agent === 'runaway' && e.to === 'failed') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      const stoppedMs = performance.now() - started;
      const failed = events.find((e) => e.type === 'agent_state' && e.agent === 'runaway' && e.to === 'failed');
      assert.ok(failed && failed.type === 'agent_state', 'the runaway was failed');
      assert.match(failed.reason ?? '', /wall-clock deadline; its shard \(\d\) was terminated/);
      assert.equal(s.runtime.shards?.losses, 1, 'one shard terminated');
      const reply = await s.request(calcRequest(20, 22, 'after-runaway'));
      assert.deepEqual(reply.content, { result: 42 }, 'the neighbour, restarted on a fresh thread, answers');
      console.log(
        `      [watchdog] runaway with a 100 ms deadline failed after ${stoppedMs.toFixed(0)} ms of real time; neighbour answered after`,
      );
    } finally {
      await s.stop();
    }
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
