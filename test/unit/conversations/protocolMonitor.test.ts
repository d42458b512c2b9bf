/** Live protocol checks per protocol instance: the same tracker as the editor's conversation rules. */
import * as assert from 'node:assert/strict';
import type { FipaMessage } from '../../../schemas';
import { ProtocolMonitor } from '../../../runtime/conversations/protocolMonitor';

const m = (performative: FipaMessage['performative'], sender: string, receiver: string, extra: Partial<FipaMessage> = {}): FipaMessage => ({
  performative,
  sender,
  receiver,
  conversation_id: 'c',
  protocol: 'fipa-request',
  ...extra,
});

describe('protocol monitor (runtime): one instance at a time', () => {
  it('a stray inform first is one violation; the request/agree/inform after it is in sequence and completes', () => {
    const mon = new ProtocolMonitor();
    const stray = mon.check(m('inform', 'b', 'a'), ['a']);
    assert.match(stray.violation?.reason ?? '', /^inform from b comes before any request opened this fipa-request conversation/);
    assert.deepEqual(mon.check(m('request', 'a', 'b', { reply_with: 'r' }), ['b']), { completed: false });
    assert.deepEqual(mon.check(m('agree', 'b', 'a', { in_reply_to: 'r' }), ['a']), { completed: false });
    assert.deepEqual(mon.check(m('inform', 'b', 'a', { in_reply_to: 'r' }), ['a']), { completed: true });
  });

  it('messages without the protocol field are checked once the conversation named one; an out-of-sequence move is refused and changes nothing', () => {
    const mon = new ProtocolMonitor();
    mon.check(m('request', 'a', 'b', { reply_with: 'r' }), ['b']);
    const { protocol: _p, ...bare } = m('accept_proposal', 'b', 'a');
    assert.match(mon.check(bare, ['a']).violation?.reason ?? '', /accept_proposal from b, who was sent a request and has not answered/);
    assert.deepEqual(mon.check(m('inform', 'b', 'a'), ['a']), { completed: true }, 'the refused move left the pair where it was');
  });
});
