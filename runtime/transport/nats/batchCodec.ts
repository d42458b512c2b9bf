/**
 * Several envelopes in one NATS message: a JSON array of the items' JSON, so the wire stays the same FIPA JSON as a
 * single message (one JSON.parse per batch on receipt). Items are JSON texts made by JSON.stringify (no raw newlines,
 * self-delimiting), which is why joining them with commas is safe.
 */

/** Bytes a batch of items of these byte sizes takes: `[`, `]` and a comma between items. */
export function batchBytes(itemBytes: number, count: number): number {
  return itemBytes + 2 + Math.max(0, count - 1);
}

/** The largest item a batch of maxPayload bytes can carry alone. */
export function maxItemBytes(maxPayload: number): number {
  return maxPayload - 2;
}

/** Encode items (each a JSON text) as one NATS payload. */
export function encodeBatch(items: readonly string[]): Uint8Array {
  return Buffer.from(`[${items.join(',')}]`, 'utf8');
}

/** A NATS payload's JSON, read in place (no copy of the bytes); throws SyntaxError when it is not JSON. */
export function parsePayload(data: Uint8Array): unknown {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
}

/** Decode a payload into its items, or a sentence saying why it is not a batch. */
export function decodeBatch(data: Uint8Array): { items: unknown[] } | { error: string } {
  let value: unknown;
  try {
    value = parsePayload(data);
  } catch (e) {
    return { error: `a batch that is not JSON (${(e as Error).message}); expected a JSON array of envelopes` };
  }
  if (!Array.isArray(value)) return { error: 'a batch that is not a JSON array; expected a JSON array of envelopes' };
  return { items: value };
}
