import * as assert from 'node:assert/strict';
import { numbered } from '../../support/inspectorModel';
import { announcement, contentPreview, eventSummary, formatClock, friendlyReason, transitionLabel } from '../../../client/webview/wording';

describe('inspector wording', () => {
  it('formats the run clock in seconds with milliseconds', () => {
    for (const [ms, text] of [
      [0, '0.000s'],
      [100, '0.100s'],
      [1590, '1.590s'],
      [61_000.4, '61.000s'],
    ] as const)
      assert.equal(formatClock(ms), text);
  });

  it('previews content on one line, cut with an ellipsis, and nothing when there is no room', () => {
    assert.equal(contentPreview({ op: 'add', a: 2 }, 40), '{"op":"add","a":2}');
    assert.equal(contentPreview({ op: 'add', a: 2 }, 10), '{"op":"ad…');
    assert.equal(contentPreview('line one\n  line two', 40), 'line one line two');
    assert.equal(contentPreview({ op: 'add' }, 5), '');
    assert.equal(contentPreview(undefined, 40), '');
    assert.equal(contentPreview('x'.repeat(100), 12).length, 12);
  });

  it('says lifecycle reasons as a person would', () => {
    assert.equal(friendlyReason('reload'), 'hot reload');
    assert.equal(friendlyReason('restart 2 of 20'), 'restart 2 of 20');
  });

  it('labels lifecycle changes as short chips, and leaves out the steps that say nothing alone', () => {
    const table: Array<[string, string, string | undefined, string | undefined]> = [
      ['draining', 'loaded', 'reloaded', '↻ hot reload'],
      ['draining', 'loaded', 'hot reload', '↻ hot reload'],
      ['draining', 'loaded', 'hot reload refused; previous module restored', '⚠ hot reload refused; previous module restored'],
      ['failed', 'loaded', 'restart 2 of 20', '↻ restart 2 of 20'],
      ['running', 'failed', 'trap: unreachable', '✕ failed: trap: unreachable'],
      ['draining', 'stopped', 'disposed', '■ stopped (disposed)'],
      ['unloaded', 'loaded', 'added', 'loaded added'],
      ['running', 'draining', 'reload', undefined],
      ['loaded', 'running', undefined, undefined],
      ['unloaded', 'loaded', undefined, undefined],
    ];
    for (const [from, to, reason, label] of table)
      assert.equal(transitionLabel({ from, to, reason }), label, `${from} -> ${to} (${reason})`);
  });

  it('announces a batch of live events in one sentence', () => {
    const events = numbered([
      { type: 'message_sent', id: 'a', to: ['b'], message: { performative: 'inform', sender: 'a', receiver: 'b' } },
      { type: 'message_delivered', id: 'a', to: 'b' },
      { type: 'message_sent', id: 'b', to: ['a'], message: { performative: 'inform', sender: 'b', receiver: 'a' } },
      { type: 'timeout', waiting: 'a', deadline: 1 },
      { type: 'agent_state', agent: 'b', from: 'running', to: 'failed' },
    ]);
    assert.equal(announcement(events), '5 new events: 2 messages, 1 timeout, 1 agent failure');
    assert.equal(announcement(events.slice(1, 2)), '1 new event');
  });

  it('sums an event up on one line (the compare view)', () => {
    const [sent, usage] = numbered([
      { type: 'message_sent', id: 'a', to: ['b'], message: { performative: 'request', sender: 'a', receiver: 'b', content: { x: 1 } } },
      { type: 'agent_usage', agent: 'b', fuel: 10, memory_bytes: 65536, duration_ms: 1 },
    ]);
    assert.equal(eventSummary(sent), '#0 message_sent request a → b {"x":1}');
    assert.equal(eventSummary(usage), '#1 agent_usage {"agent":"b","fuel":10,"memory_bytes":65536,"duration_ms":1}');
  });
});
