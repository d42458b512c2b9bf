/**
 * The runtime end to end with real wasm agents built from AssemblyScript in the repo: request-response between
 * two agents, pub-sub fan-out (manifest subscriptions and the subscribe host function with a content filter),
 * a trapping agent next to a healthy one, timeouts on the simulated clock, and workspace errors.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { SimulatedClock } from '../../runtime/core/clock';
import { RequestTimeoutError } from '../../runtime/core/types';
import { buildAgentSource } from '../../runtime/build';
import { loadWorkspace, WorkspaceError } from '../../runtime/node/files/workspace';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { startSession, type Session } from '../../runtime/node/session/session';
import { Runtime } from '../../runtime/runtime';
import { loadWasmAgent, WorkerPool } from '../../runtime/sandbox';
import { buildExampleAgent, fixtureCacheDir, watFixture } from '../support/fixtures';
import { examplesDir } from '../support/paths';

/** An AssemblyScript agent that asks the calculator on the user's behalf and subscribes to alerts on demand. */
const CLIENT_SOURCE = `
import { Message, onMessage, send, sendJson, subscribe } from "caxton";
export { caxton_alloc, caxton_handle } from "caxton";

let asked = 0;
onMessage(handle);

function handle(msg: Message): void {
  const p = msg.performative;
  const c = msg.content;
  const content = c != null ? c.toString() : "null";
  if (msg.sender == "user" && p == "request") {
    asked++;
    const id = "calc-" + asked.toString();
    sendJson("{\\"performative\\":\\"request\\",\\"receiver\\":\\"calculator\\",\\"protocol\\":\\"fipa-request\\",\\"conversation_id\\":\\"" + id + "\\",\\"reply_with\\":\\"" + id + "\\",\\"content\\":" + content + "}");
  } else if (msg.sender == "user" && p == "subscribe") {
    subscribe("topic://alerts/#", "{\\"level\\":\\"high\\"}");
  } else if (msg.sender == "calculator") {
    send("inform", "user", "{\\"via\\":\\"client\\",\\"answer\\":" + content + "}");
  } else if (p == "inform") {
    send("inform", "user", "{\\"alert\\":" + content + "}");
  }
}
`;

/** Build the client once per run, cached by source hash next to the other fixtures. */
async function buildClient(): Promise<string> {
  const hash = crypto
    .createHash('sha256')
    .update(CLIENT_SOURCE)
    .update(fs.readFileSync(path.join(__dirname, '../../runtime/build/buildAgentSource.js')))
    .digest('hex')
    .slice(0, 16);
  const wasm = path.join(fixtureCacheDir, `rt-client-${hash}.wasm`);
  if (fs.existsSync(wasm)) return wasm;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-client-src-'));
  const src = path.join(dir, 'client.ts');
  fs.writeFileSync(src, CLIENT_SOURCE);
  fs.mkdirSync(fixtureCacheDir, { recursive: true });
  const tmp = `${wasm}.${process.pid}.tmp`;
  const r = await buildAgentSource(src, tmp, { optimize: 'none', cache: false });
  fs.rmSync(dir, { recursive: true, force: true });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.text).join('\n'));
  fs.renameSync(tmp, wasm);
  return wasm;
}

function manifest(name: string, module: string, extra = ''): string {
  return `name: ${name}\nmodule: ${module}\n${extra}`;
}

describe('runtime end to end (real wasm agents)', function () {
  this.timeout(120_000);
  let dir: string;
  let session: Session;
  let clock: SimulatedClock;
  const events: TraceEvent[] = [];
  const toUser: FipaMessage[] = [];

  before(async () => {
    const [calc, logger, client] = await Promise.all([
      buildExampleAgent('calculator', 'calculator'),
      buildExampleAgent('calculator', 'logger'),
      buildClient(),
    ]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-rt-e2e-'));
    fs.copyFileSync(calc.wasmPath, path.join(dir, 'calculator.wasm'));
    fs.copyFileSync(logger.wasmPath, path.join(dir, 'logger.wasm'));
    fs.copyFileSync(client, path.join(dir, 'client.wasm'));
    fs.writeFileSync(path.join(dir, 'calculator.agent.yaml'), manifest('calculator', 'calculator.wasm'));
    fs.writeFileSync(path.join(dir, 'client.agent.yaml'), manifest('client', 'client.wasm', 'host_functions: [subscribe]\n'));
    fs.writeFileSync(
      path.join(dir, 'logger-a.agent.yaml'),
      manifest('logger-a', 'logger.wasm', 'host_functions: [subscribe]\nsubscriptions: ["topic://sensors/#"]\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'logger-b.agent.yaml'),
      manifest('logger-b', 'logger.wasm', 'host_functions: [subscribe]\nsubscriptions: ["topic://sensors/*/temp"]\n'),
    );
    clock = new SimulatedClock();
    // Two workers: agents talk across threads as well as within one.
    session = await startSession({ folder: dir, clock, workers: 2, onTrace: (e) => events.push(e) });
    session.onMessage((m, to) => {
      if (to === 'user') toUser.push(m);
    });
  });

  after(async () => {
    await session?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs request-response between two AssemblyScript agents', async () => {
    session.send({ performative: 'request', sender: 'user', receiver: 'client', content: { action: 'calculate', x: 10, y: 20 } });
    await session.runtime.idle();
    assert.deepEqual(
      toUser.map((m) => m.content),
      [{ via: 'client', answer: { result: 30 } }],
    );
    const sent = events.filter((e): e is Extract<TraceEvent, { type: 'message_sent' }> => e.type === 'message_sent').map((e) => e.message);
    const request = sent.find((m) => m.sender === 'client' && m.receiver === 'calculator')!;
    const answer = sent.find((m) => m.sender === 'calculator')!;
    assert.equal(answer.in_reply_to, request.reply_with);
    assert.equal(answer.conversation_id, request.conversation_id);
    assert.equal(session.runtime.conversations().find((c) => c.id === request.conversation_id)?.outcome, 'completed');
    assert.ok(events.some((e) => e.type === 'agent_usage' && e.agent === 'calculator' && e.fuel > 0));
  });

  it('fans a topic out to manifest subscribers by wildcard', async () => {
    const logged = (agent: string): string[] =>
      events.filter((e): e is Extract<TraceEvent, { type: 'agent_log' }> => e.type === 'agent_log' && e.agent === agent).map((e) => e.text);
    session.send({ performative: 'inform', sender: 'user', receiver: 'topic://sensors/room1/temp', content: { celsius: 21 } });
    session.send({ performative: 'inform', sender: 'user', receiver: 'topic://sensors/room1/humidity', content: { percent: 40 } });
    await session.runtime.idle();
    assert.equal(logged('logger-a').length, 2);
    assert.equal(logged('logger-b').length, 1);
    assert.match(logged('logger-b')[0], /celsius/);
  });

  it('honours a content filter an agent subscribed with through the host function', async () => {
    toUser.length = 0;
    session.send({ performative: 'subscribe', sender: 'user', receiver: 'client' });
    await session.runtime.idle();
    assert.ok(events.some((e) => e.type === 'subscription' && e.agent === 'client' && e.topic === 'topic://alerts/#'));
    session.send({ performative: 'inform', sender: 'user', receiver: 'topic://alerts/disk', content: { level: 'low' } });
    session.send({ performative: 'inform', sender: 'user', receiver: 'topic://alerts/disk', content: { level: 'high' } });
    await session.runtime.idle();
    assert.deepEqual(
      toUser.map((m) => m.content),
      [{ alert: { level: 'high' } }],
    );
  });

  it('times out a request to an agent that never answers, on the simulated clock', async () => {
    const p = session.request({ performative: 'request', sender: 'user', receiver: 'logger-a', content: 'hello?' });
    const outcome = p.then(
      () => 'answered',
      (e: Error) => e,
    );
    await session.runtime.advance(30_000);
    const e = await outcome;
    assert.ok(e instanceof RequestTimeoutError, String(e));
    assert.ok(events.some((x) => x.type === 'timeout' && x.waiting === 'user'));
  });
});

describe('runtime with a trapping wasm agent next to a healthy one', function () {
  this.timeout(60_000);
  it('tells the sender why (failure naming the trap) and keeps the healthy agent answering', async () => {
    const calc = await buildExampleAgent('calculator', 'calculator');
    const trapWasm = await watFixture('hostile/trap');
    const clock = new SimulatedClock();
    const pool = new WorkerPool({ size: 1 });
    const rt = new Runtime({ clock });
    try {
      rt.start();
      rt.addAgent(await loadWasmAgent({ manifest: calc.manifest, manifestPath: calc.manifestPath, wasm: calc.wasm, clock, pool }), {
        ownLifecycle: true,
      });
      rt.addAgent(await loadWasmAgent({ manifest: { name: 'trapper', module: 'trap.wasm' }, wasm: trapWasm, clock, pool }), {
        ownLifecycle: true,
      });
      const failure = await rt.request({ performative: 'request', sender: 'user', receiver: 'trapper', content: {} });
      assert.equal(failure.performative, 'failure');
      assert.match((failure.content as { reason: string }).reason, /trapper.*trap/);
      const answer = await rt.request({ performative: 'request', sender: 'user', receiver: 'calculator', content: { x: 10, y: 20 } });
      assert.deepEqual(answer.content, { result: 30 });
    } finally {
      await rt.stop();
      await pool.dispose();
    }
  });
});

describe('runtime with a wasm agent that cannot parse what it gets', function () {
  this.timeout(60_000);
  it('answers the sender with not_understood (not a failure) and keeps the agent running', async () => {
    const clock = new SimulatedClock();
    const pool = new WorkerPool({ size: 1 });
    const rt = new Runtime({ clock });
    try {
      rt.addAgent(
        await loadWasmAgent({
          manifest: { name: 'picky', module: 'picky.wasm' },
          wasm: await watFixture('wellbehaved/picky'),
          clock,
          pool,
        }),
        { ownLifecycle: true },
      );
      for (let i = 0; i < 2; i++) {
        const reply = await rt.request({ performative: 'request', sender: 'user', receiver: 'picky', content: { n: i } });
        assert.equal(reply.performative, 'not_understood');
        assert.match((reply.content as { reason: string }).reason, /'picky' could not understand the message/);
      }
      assert.equal(rt.deadLetters().length, 0);
    } finally {
      await rt.stop();
      await pool.dispose();
    }
  });
});

describe('runScenario', function () {
  this.timeout(120_000);
  it('runs the calculator scenario to a passing summary, and the same seed gives the same trace', async () => {
    const file = path.join(examplesDir, 'calculator', 'calculator.scenario.yaml');
    const runOnce = async () => {
      const events: TraceEvent[] = [];
      const summary = await runScenario(file, { seed: 42, onTrace: (e) => events.push(e) });
      // Real durations differ between runs; everything else is on the simulated clock and must not.
      return { summary, events: events.map((e) => (e.type === 'agent_usage' ? { ...e, duration_ms: 0 } : e)) };
    };
    const a = await runOnce();
    const b = await runOnce();
    assert.equal(a.summary.ok, true, JSON.stringify(a.summary.expectations));
    assert.equal(a.summary.durationMs, 400);
    assert.deepEqual(
      a.summary.conversations.map((c) => [c.id, c.outcome]),
      [
        ['add-10-20', 'completed'],
        ['mul-6-7', 'completed'],
        ['div-by-zero', 'failed'],
        ['echo-1', 'answered'],
      ],
    );
    assert.deepEqual(b.events, a.events);
  });
});

describe('loadWorkspace', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-ws-')));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the file, line and fix for an unknown key and a YAML syntax error', async () => {
    fs.writeFileSync(path.join(dir, 'a.wasm'), '');
    fs.writeFileSync(path.join(dir, 'a.agent.yaml'), 'name: a\nmodule: a.wasm\nhost_fuctions: [subscribe]\n');
    fs.writeFileSync(path.join(dir, 'b.agent.yaml'), 'name: b\nmodule: [b.wasm\n');
    const ws = await loadWorkspace(dir, { build: false });
    assert.equal(ws.agents.length, 0);
    const [a] = ws.problems;
    assert.equal(path.basename(a.file), 'a.agent.yaml');
    assert.deepEqual([a.line, a.column, a.code], [3, 1, 'unknown-key']);
    assert.match(a.message, /Unknown key 'host_fuctions': did you mean 'host_functions'\?/);
    const b = ws.problems.filter((p) => path.basename(p.file) === 'b.agent.yaml');
    assert.ok(
      b.some((p) => p.code === 'syntax-error' && /YAML syntax error/.test(p.message)),
      JSON.stringify(b),
    );
  });

  it('points at the bad value and refuses a module that escapes the workspace through a symlink', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'evil.wasm'), '');
      fs.symlinkSync(path.join(outside, 'evil.wasm'), path.join(dir, 'evil.wasm'));
      fs.writeFileSync(path.join(dir, 'evil.agent.yaml'), 'name: evil\nmodule: evil.wasm\n');
      fs.writeFileSync(path.join(dir, 'up.agent.yaml'), 'name: up\nmodule: ../up.wasm\n');
      fs.writeFileSync(path.join(dir, 'bad.agent.yaml'), 'name: bad\nmodule: bad.exe\n');
      const ws = await loadWorkspace(dir, { build: false });
      const byFile = (f: string) => ws.problems.find((p) => path.basename(p.file) === f)!;
      assert.match(byFile('evil.agent.yaml').message, /outside the workspace/);
      assert.equal(byFile('evil.agent.yaml').line, 2);
      assert.match(byFile('up.agent.yaml').message, /does not exist|outside the workspace/);
      assert.deepEqual([byFile('bad.agent.yaml').line, byFile('bad.agent.yaml').column], [2, 9]);
      assert.match(byFile('bad.agent.yaml').message, /'module' must be a path ending in .wasm .*; got "bad.exe"/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads message files (one or a list) and reports schema errors with their place', async () => {
    fs.writeFileSync(path.join(dir, 'one.fipa.json'), JSON.stringify({ performative: 'inform', sender: 'a', receiver: 'b' }));
    fs.writeFileSync(
      path.join(dir, 'two.fipa.json'),
      JSON.stringify(
        [
          { performative: 'request', sender: 'a', receiver: 'b' },
          { performative: 'inform', sender: 'b', receiver: 'a' },
        ],
        null,
        2,
      ),
    );
    fs.writeFileSync(path.join(dir, 'bad.fipa.json'), '{\n  "performative": "infrom",\n  "sender": "a",\n  "receiver": "b"\n}\n');
    const ws = await loadWorkspace(dir, { build: false });
    assert.deepEqual(ws.messageFiles.map((m) => m.messages.length).sort(), [1, 2]);
    assert.equal(ws.problems.length, 1);
    assert.equal(ws.problems[0].line, 2);
    assert.match(ws.problems[0].message, /'infrom' is not allowed for 'performative': did you mean 'inform'\?/);
  });

  it('startSession refuses a folder without agents with one clear problem', async () => {
    await assert.rejects(startSession({ folder: dir }), (e: unknown) => e instanceof WorkspaceError && /no agents found/.test(e.message));
  });
});
