/** The CLI's pure parts in-process: transcript lines, colours, argument parsing, the dispatch table. */
import * as assert from 'node:assert/strict';
import type { TraceEvent } from '../../schemas';
import { parseArgs } from '../../runtime/cli/args';
import { main } from '../../runtime/cli/cli';
import { UsageError, type CliIo } from '../../runtime/cli/command';
import { COMMANDS } from '../../runtime/cli/commands';
import { formatEvent, formatSummary, shortJson } from '../../runtime/cli/transcript';

const sent: TraceEvent = {
  seq: 3,
  t: 1250,
  type: 'message_sent',
  id: 'm-1',
  to: ['user'],
  message: { performative: 'inform', sender: 'calculator', receiver: 'user', content: { result: 30 }, conversation_id: 'c1' },
};

describe('CLI transcript and arguments', () => {
  it('formats a message as time, sender -> receiver, performative, short content', () => {
    assert.equal(formatEvent(sent, { color: false }), '   1.250s  calculator -> user  inform  {"result":30} [c1]');
    assert.match(formatEvent(sent, { color: true })!, /\u001b\[32minform\u001b\[0m/);
  });

  it('shows topics with their resolved subscribers, drops, timeouts and pattern steps', () => {
    const topic: TraceEvent = {
      ...sent,
      to: ['a', 'b'],
      message: { performative: 'inform', sender: 'pub', receiver: 'topic://x/y' },
    } as TraceEvent;
    assert.match(formatEvent(topic, { color: false })!, /pub -> topic:\/\/x\/y \(a, b\)/);
    assert.match(
      formatEvent({ seq: 1, t: 0, type: 'message_dropped', id: 'm-2', to: 'ghost', reason: "unknown agent 'ghost'" }, { color: false })!,
      /dropped m-2 for ghost: unknown agent 'ghost'/,
    );
    assert.match(
      formatEvent({ seq: 1, t: 30_000, type: 'timeout', waiting: 'user', reply_with: 'q', deadline: 30_000 }, { color: false })!,
      /30\.000s {2}timeout: user got no reply to 'q'/,
    );
    assert.match(
      formatEvent(
        { seq: 1, t: 0, type: 'auction_result', auction_id: 'a1', kind: 'vickrey', winner: 'ben', price: 90, reason: 'second price' },
        { color: false },
      )!,
      /vickrey auction a1: won by ben at 90/,
    );
    assert.equal(
      formatEvent({ seq: 1, t: 0, type: 'agent_usage', agent: 'a', fuel: 1, memory_bytes: 1, duration_ms: 1 }, { color: false }),
      undefined,
    );
  });

  it('shortens long content', () => {
    assert.equal(shortJson({ text: 'x'.repeat(200) }, 20).length, 20);
  });

  it('summarises with a verdict and failed checks', () => {
    const lines = formatSummary(
      {
        name: 'demo',
        file: 'x',
        ok: false,
        delivered: 2,
        dropped: 1,
        timeouts: 1,
        violations: 0,
        durationMs: 30_000,
        wallMs: 12,
        conversations: [{ id: 'c1', outcome: 'timed_out', messages: 1, participants: ['user', 'calc'] }],
        expectations: [{ name: 'no timeouts', ok: false, detail: '1 timeouts' }],
        reason: 'finished',
      },
      { color: false },
    );
    assert.ok(lines.includes('Summary: demo — FAILED'));
    assert.ok(lines.some((l) => /c1 {2}timed_out/.test(l)));
    assert.ok(lines.some((l) => l.includes('✗ no timeouts: 1 timeouts')));
  });

  it('parses flags and refuses unknown or incomplete ones', () => {
    assert.deepEqual(
      parseArgs(['x', '--seed', '3', '--trace=t.jsonl', '--real-time'], { values: ['seed', 'trace'], booleans: ['real-time'] }, 'run'),
      { positionals: ['x'], flags: { seed: '3', trace: 't.jsonl', 'real-time': true } },
    );
    assert.throws(
      () => parseArgs(['--seed'], { values: ['seed'] }, 'run'),
      (e: unknown) => e instanceof UsageError && /--seed needs a value/.test(e.message),
    );
    assert.throws(() => parseArgs(['--nope'], {}, 'run'), /unknown option --nope/);
  });

  it('has one entry per command with help text, and exits 2 on an unknown command', async () => {
    for (const name of ['run', 'send', 'build', 'validate'])
      assert.ok(
        COMMANDS.some((c) => c.name === name),
        name,
      );
    for (const c of COMMANDS) assert.match(c.help, new RegExp(`^Usage: caxton ${c.name}`));
    const err: string[] = [];
    const io: CliIo = { out: () => {}, err: (l) => err.push(l), color: false, cwd: process.cwd() };
    assert.equal(await main(['nope'], io), 2);
    assert.match(err[0], /unknown command 'nope'/);
    assert.equal(await main(['run', '--seed', 'x', '.'], io), 2);
    assert.match(err[1], /--seed x is not an integer/);
  });
});
