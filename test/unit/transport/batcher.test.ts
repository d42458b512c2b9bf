/** Batches of envelopes: packing by bytes and count, flush control, the wire codec, refusing an item that cannot fit. */
import * as assert from 'node:assert/strict';
import { Batcher } from '../../../runtime/transport/nats/batcher';
import { decodeBatch, encodeBatch } from '../../../runtime/transport/nats/batchCodec';
import { MessageTooLargeError } from '../../../runtime/transport/nats/natsErrors';

type Sent = { subject: string; items: unknown[]; bytes: number };
function recorder(): { sent: Sent[]; send: (subject: string, payload: Uint8Array) => void } {
  const sent: Sent[] = [];
  return {
    sent,
    send: (subject, payload) => {
      const d = decodeBatch(payload);
      assert.ok('items' in d, 'a batch decodes');
      sent.push({ subject, items: d.items, bytes: payload.byteLength });
    },
  };
}
const item = (i: number, pad = 0): string =>
  JSON.stringify({ to: `a${i}`, message: { performative: 'inform', sender: 's', receiver: `a${i}`, content: 'x'.repeat(pad) } });

describe('NATS batches', () => {
  it('round-trips items through the codec as one JSON array', () => {
    const items = [item(1), item(2), '{"to":"é","message":{}}'];
    const d = decodeBatch(encodeBatch(items));
    assert.deepEqual(d, { items: items.map((x) => JSON.parse(x)) });
  });

  it('reports a payload that is not a batch', () => {
    assert.match((decodeBatch(Buffer.from('{"a":1}')) as { error: string }).error, /not a JSON array/);
    assert.match((decodeBatch(Buffer.from('[1,')) as { error: string }).error, /not JSON/);
  });

  it('never exceeds maxBytes, keeps order, and loses nothing', () => {
    const r = recorder();
    const b = new Batcher(r.send, { maxBytes: 1000, auto: 'manual' });
    const items = Array.from({ length: 100 }, (_, i) => item(i, i % 7 === 0 ? 400 : 10));
    for (const x of items) b.add('s', x);
    b.flush();
    assert.ok(r.sent.length > 1, 'several batches');
    for (const s of r.sent) assert.ok(s.bytes <= 1000, `a batch of ${s.bytes} bytes`);
    assert.deepEqual(
      r.sent.flatMap((s) => s.items),
      items.map((x) => JSON.parse(x)),
    );
    assert.equal(b.items, 100);
    assert.equal(b.batches, r.sent.length);
  });

  it('sends a batch as soon as it holds maxCount items', () => {
    const r = recorder();
    const b = new Batcher(r.send, { maxBytes: 1 << 20, maxCount: 10, auto: 'manual' });
    for (let i = 0; i < 25; i++) b.add('s', item(i));
    assert.deepEqual(
      r.sent.map((s) => s.items.length),
      [10, 10],
    );
    assert.equal(b.queued, 5);
    assert.equal(b.flush(), 1);
    assert.equal(b.queued, 0);
  });

  it('keeps one batch per subject and flushes one subject on demand', () => {
    const r = recorder();
    const b = new Batcher(r.send, { maxBytes: 1 << 20, auto: 'manual' });
    b.add('n1', item(1));
    b.add('n2', item(2));
    b.add('n1', item(3));
    assert.equal(b.flush('n2'), 1);
    assert.deepEqual(
      r.sent.map((s) => [s.subject, s.items.length]),
      [['n2', 1]],
    );
    b.flush();
    assert.deepEqual(
      r.sent.map((s) => [s.subject, s.items.length]),
      [
        ['n2', 1],
        ['n1', 2],
      ],
    );
  });

  it("flushes on its own after the current turn ('immediate') or job ('microtask')", async () => {
    for (const auto of ['immediate', 'microtask'] as const) {
      const r = recorder();
      const b = new Batcher(r.send, { maxBytes: 1 << 20, auto });
      b.add('s', item(1));
      b.add('s', item(2));
      assert.equal(r.sent.length, 0, `${auto}: nothing sent synchronously`);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        r.sent.map((s) => s.items.length),
        [2],
        auto,
      );
    }
  });

  it('refuses an item that cannot fit alone, naming both limits', () => {
    const r = recorder();
    const b = new Batcher(r.send, { maxBytes: 500, ourLimit: 1048576, maxPayload: 500, auto: 'manual' });
    assert.throws(
      () => b.add('s', item(1, 600)),
      (e: Error) =>
        e instanceof MessageTooLargeError &&
        /over the limit of 498 bytes \(caxton's message limit 1048576, the NATS server's max_payload 500\).*raise max_payload/.test(
          e.message,
        ),
    );
    assert.equal(b.queued, 0);
  });
});
