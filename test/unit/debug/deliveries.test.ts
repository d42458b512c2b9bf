/** A boundary's deliveries and the debugger's changes to them: split by receiver in order, fields set, drops, refusals. */
import * as assert from 'node:assert/strict';
import type { FipaMessage } from '../../../schemas';
import { applyChange, deliveriesOf, parseValue, setPath } from '../../../runtime/debug/deliveries';
import type { BoundaryView } from '../../../runtime/shard/transport';

const msg = (id: string, content: unknown): FipaMessage =>
  ({ performative: 'inform', sender: 'a', receiver: ['x', 'y', 'z'], message_id: id, content }) as FipaMessage;
const view = (): BoundaryView => ({
  tick: 4,
  time: 0,
  pending: [
    { shard: 1, envelope: { message: msg('m1', { v: 1 }), to: ['x', 'y', 'z'], bytes: 10, okey: 'a', oseq: 1 } },
    { shard: 0, envelope: { message: msg('m2', { v: 2 }), to: ['user'], bytes: 10, okey: 'a', oseq: 2 } },
  ],
});

describe('debug deliveries', () => {
  it('lists one delivery per receiver, in order', () => {
    assert.deepEqual(
      deliveriesOf(view()).map((d) => `${d.message.message_id}>${d.receiver}`),
      ['m1>x', 'm1>y', 'm1>z', 'm2>user'],
    );
  });

  it("edits one receiver's copy and keeps the others and the order", () => {
    const v = view();
    assert.equal(
      applyChange(v, {
        type: 'debug_change',
        change: 'edit',
        id: 'm1',
        to: 'y',
        fields: [
          { path: 'content.v', value: 99 },
          { path: 'content.extra.k', value: 'n' },
        ],
      }),
      true,
    );
    const ds = deliveriesOf(v);
    assert.deepEqual(
      ds.map((d) => `${d.message.message_id}>${d.receiver}`),
      ['m1>x', 'm1>y', 'm1>z', 'm2>user'],
    );
    assert.deepEqual(ds[1].message.content, { v: 99, extra: { k: 'n' } });
    assert.deepEqual(ds[0].message.content, { v: 1 });
    assert.deepEqual(ds[2].message.content, { v: 1 });
    assert.ok(v.pending[1].envelope.bytes > 10, 'the edited copy has its new size');
  });

  it("drops one receiver's copy", () => {
    const v = view();
    assert.equal(applyChange(v, { type: 'debug_change', change: 'drop', id: 'm1', to: 'x' }), true);
    assert.deepEqual(
      deliveriesOf(v).map((d) => `${d.message.message_id}>${d.receiver}`),
      ['m1>y', 'm1>z', 'm2>user'],
    );
  });

  it('says when no such delivery is pending', () => {
    assert.equal(applyChange(view(), { type: 'debug_change', change: 'drop', id: 'm9', to: 'x' }), false);
    assert.equal(applyChange(view(), { type: 'debug_change', change: 'drop', id: 'm2', to: 'x' }), false);
  });

  it('refuses identifying fields and prototype keys', () => {
    assert.throws(() => setPath({}, ['message_id'], 'x'), /identifies the message/);
    assert.throws(() => setPath({}, ['content', '__proto__', 'polluted'], 1), /cannot be set/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reads typed values as JSON, else as text', () => {
    assert.equal(parseValue('10'), 10);
    assert.deepEqual(parseValue('{"a":[1]}'), { a: [1] });
    assert.equal(parseValue('"q"'), 'q');
    assert.equal(parseValue('hello'), 'hello');
  });
});
