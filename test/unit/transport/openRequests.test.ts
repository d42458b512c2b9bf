/** Open requests to other nodes and the send window (pure): what a lost node's senders are told, and what may be lost. */
import * as assert from 'node:assert/strict';
import type { FipaMessage } from '../../../schemas';
import type { Envelope } from '../../../runtime/router/router';
import { OpenRequests } from '../../../runtime/transport/nats/openRequests';
import { SendWindow } from '../../../runtime/transport/nats/sendWindow';

const env = (m: Partial<FipaMessage>, to: string[]): Envelope => ({
  message: { performative: 'request', sender: 'u', receiver: to.length === 1 ? to[0] : to, ...m } as FipaMessage,
  to,
  bytes: 10,
  okey: 'u',
  oseq: 1,
});

describe('open requests to other nodes', () => {
  it('opens one request per receiver that owes an answer, closed by in_reply_to or the conversation', () => {
    const o = new OpenRequests(30_000);
    o.sent(1000, env({ reply_with: 'r1', conversation_id: 'c1', performative: 'cfp' }, ['a', 'b', 'c']), 0);
    o.sent(1000, env({ performative: 'inform', reply_with: 'r2' }, ['a']), 0);
    o.sent(1000, env({ performative: 'request' }, ['a']), 0);
    assert.equal(o.size, 3, 'inform expects no answer; a request without reply_with cannot be matched');
    o.arrived({ performative: 'propose', sender: 'a', receiver: 'u', in_reply_to: 'r1' }, 'u');
    o.arrived({ performative: 'refuse', sender: 'b', receiver: 'u', conversation_id: 'c1' }, 'u');
    o.arrived({ performative: 'propose', sender: 'x', receiver: 'u', in_reply_to: 'r1' }, 'u');
    assert.deepEqual(
      o.takePeer(1000, 1).map((e) => e.to),
      [['c']],
    );
    assert.equal(o.size, 0);
  });

  it('keeps requests per peer until their deadline (reply_by, else the timeout)', () => {
    const o = new OpenRequests(1000);
    o.sent(1000, env({ reply_with: 'r1' }, ['a']), 0);
    o.sent(1001, env({ reply_with: 'r2' }, ['b']), 0);
    o.sent(1000, env({ reply_with: 'r3', reply_by: new Date(5000).toISOString() }, ['c']), 0);
    assert.deepEqual(
      o.takePeer(1000, 2000).map((e) => e.to[0]),
      ['c'],
      'r1 is past its deadline: its wait timed out on its own',
    );
    assert.deepEqual(
      o.takePeer(1001, 500).map((e) => e.to[0]),
      ['b'],
    );
    o.sent(1000, env({ reply_with: 'r4' }, ['a']), 0);
    o.sweep(5000);
    assert.equal(o.size, 0);
  });

  it('is bounded', () => {
    const o = new OpenRequests(1000, 2);
    for (let i = 0; i < 5; i++) o.sent(1000, env({ reply_with: `r${i}` }, ['a']), 0);
    assert.equal(o.size, 2);
  });
});

describe('send window', () => {
  it('counts what went to a peer after its last sign of life (a heartbeat or an arrival from it)', () => {
    const w = new SendWindow();
    w.add(1000, 2, 100);
    w.add(1000, 1, 200);
    w.add(1000, 4, 300);
    w.add(1001, 9, 300);
    w.heardFrom(1000, 250);
    assert.equal(w.take(1000, 150), 4, 'the arrival at 250 proves the node got what was sent before');
    assert.equal(w.take(1000, 0), 0, 'taking forgets the history');
    assert.equal(w.take(1001, 299), 9);
  });
});
