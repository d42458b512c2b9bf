/**
 * A step boundary as a list of deliveries (one per message and receiver), and the changes a debugger makes to them
 * before they are delivered: set fields of one receiver's copy, or drop it. A change to one receiver of a message
 * sent to several splits the envelope (receivers keep their order), so the others get the message as sent. Pure.
 */
import type { FipaMessage, TraceEventInput } from '../../schemas';
import { jsonBytes } from '../router/limits';
import type { Envelope } from '../router/router';
import type { BoundaryView } from '../shard/transport';
import { ConditionError, parsePath } from './condition';

/** One message about to reach one receiver at this boundary. */
export interface Delivery {
  receiver: string;
  message: FipaMessage;
  shard: number;
}

/** A change to a pending delivery, as the trace records it (`debug_change`). */
export type DebugChange = Extract<TraceEventInput, { type: 'debug_change' }>;

/** Every delivery of the boundary, in the order they will be taken (blackboard effects are not deliveries). */
export function deliveriesOf(view: BoundaryView): Delivery[] {
  const out: Delivery[] = [];
  for (const { shard, envelope } of view.pending) {
    if (envelope.effect) continue;
    for (const receiver of envelope.to) out.push({ receiver, message: envelope.message, shard });
  }
  return out;
}

/** The context conditions see for a delivery: the message's fields, `receiver` (this copy's), `conversation`, `tick`, `time`. */
export function deliveryContext(d: Delivery, tick: number, time: number): Record<string, unknown> {
  return { ...d.message, receiver: d.receiver, to: d.receiver, conversation: d.message.conversation_id, tick, time, message: d.message };
}

/** Apply `change` to the view; returns false when no pending delivery of message `id` to `to` is there. */
export function applyChange(view: BoundaryView, change: DebugChange): boolean {
  const at = view.pending.findIndex(
    ({ envelope }) => !envelope.effect && envelope.message.message_id === change.id && envelope.to.includes(change.to),
  );
  if (at < 0) return false;
  const { shard, envelope } = view.pending[at];
  // Split by receiver, keeping their order: those before the changed copy, the changed copy, those after.
  const cut = envelope.to.indexOf(change.to);
  const before = envelope.to.slice(0, cut),
    after = envelope.to.slice(cut + 1);
  const replaced: Array<{ shard: number; envelope: Envelope }> = [];
  if (before.length) replaced.push({ shard, envelope: { ...envelope, to: before } });
  if (change.change === 'edit') {
    const message = structuredClone(envelope.message);
    for (const f of change.fields ?? []) setPath(message as unknown as Record<string, unknown>, parsePath(f.path), f.value);
    replaced.push({ shard, envelope: { ...envelope, message, to: [change.to], bytes: jsonBytes(JSON.stringify(message), 0) } });
  }
  if (after.length) replaced.push({ shard, envelope: { ...envelope, to: after } });
  view.pending.splice(at, 1, ...replaced);
  return true;
}

/** Fields a debugger may not change: they identify the message (the trace and replay find it by them). */
export const FIXED_FIELDS: readonly string[] = ['message_id', 'sender'];

/** Set `value` at `keys` inside `target`, creating objects on the way; refuses the identifying fields and prototype keys. */
export function setPath(target: Record<string, unknown>, keys: ReadonlyArray<string | number>, value: unknown): void {
  if (!keys.length) throw new ConditionError('give a field to set, e.g. content.x', 1);
  if (keys.length === 1 && FIXED_FIELDS.includes(String(keys[0])))
    throw new ConditionError(`${keys[0]} identifies the message and cannot be changed; drop it instead`, 1);
  let node: Record<string | number, unknown> = target;
  keys.forEach((key, i) => {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new ConditionError(`'${key}' cannot be set`, 1);
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (next === null || typeof next !== 'object') node[key] = typeof keys[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
}

/** A value typed by a person: JSON when it parses (10, "a", true, {"x":1}), else the text as a string. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
