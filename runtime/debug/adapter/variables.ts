/**
 * The Variables a stopped Caxton run shows in DAP: per frame (a pending delivery, or the scheduler's step) the scopes
 * Message (editable), Mailboxes (every pending delivery by receiver, editable too), Conversations (protocol state per
 * participant, outcome), Agents (state, usage against limits) and Timers. References live until the run goes on.
 */
import { Handles, Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { findProtocol } from '../../../schemas/protocolMachine';
import type { DebugController } from '../controller';
import type { Delivery } from '../deliveries';

/** The frame of the scheduler thread (the step itself); delivery frames are FRAME_BASE + their index. */
export const SCHEDULER_FRAME = 1;
export const FRAME_BASE = 100;

type Key = string | number;
type Node =
  | { kind: 'message'; d: number }
  | { kind: 'value'; value: unknown; d?: number; path?: Key[] }
  | { kind: 'mailboxes' }
  | { kind: 'mailbox'; agent: string }
  | { kind: 'conversations' }
  | { kind: 'conversation'; id: string }
  | { kind: 'agents' }
  | { kind: 'agent'; name: string }
  | { kind: 'timers' }
  | { kind: 'step' };

/** Where a variable may be written: a delivery's field path (`deliver` = false drops it). */
export interface EditTarget {
  d: number;
  path: Key[];
}

/** `content.items[0].sku` from keys. */
export function formatPath(keys: readonly Key[]): string {
  return keys
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? (i ? `.${k}` : k) : `[${JSON.stringify(k)}]`))
    .join('');
}

/** A value as one short line. */
export function preview(value: unknown, depth = 0): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (depth > 0) return Array.isArray(value) ? `Array(${value.length})` : '{…}';
  if (Array.isArray(value))
    return `[${value
      .slice(0, 5)
      .map((v) => preview(v, 1))
      .join(', ')}${value.length > 5 ? ', …' : ''}]`;
  const keys = Object.keys(value);
  return `{${keys
    .slice(0, 5)
    .map((k) => `${k}: ${preview((value as Record<string, unknown>)[k], 1)}`)
    .join(', ')}${keys.length > 5 ? ', …' : ''}}`;
}

/** Scopes and variables of one stop. */
export class VariableTree {
  private handles = new Handles<Node>();

  constructor(private readonly controller: DebugController) {}

  /** The delivery a frame stands for (undefined for the scheduler frame or a stale id). */
  delivery(frameId: number): Delivery | undefined {
    return frameId >= FRAME_BASE ? this.controller.paused?.deliveries[frameId - FRAME_BASE] : undefined;
  }

  scopes(frameId: number): DebugProtocol.Scope[] {
    const scopes: DebugProtocol.Scope[] = [];
    if (this.delivery(frameId)) scopes.push(new Scope('Message', this.handles.create({ kind: 'message', d: frameId - FRAME_BASE }), false));
    else scopes.push(new Scope('Step', this.handles.create({ kind: 'step' }), false));
    scopes.push(new Scope('Mailboxes', this.handles.create({ kind: 'mailboxes' }), false));
    scopes.push(new Scope('Conversations', this.handles.create({ kind: 'conversations' }), false));
    scopes.push(new Scope('Agents', this.handles.create({ kind: 'agents' }), false));
    scopes.push(new Scope('Timers', this.handles.create({ kind: 'timers' }), false));
    return scopes;
  }

  /** Where `name` inside variables `ref` lives, when it is part of a pending message. */
  editTarget(ref: number, name: string): EditTarget | undefined {
    const node = this.handles.get(ref);
    if (node?.kind === 'message') return { d: node.d, path: [name] };
    if (node?.kind === 'value' && node.d !== undefined)
      return { d: node.d, path: [...(node.path ?? []), Array.isArray(node.value) ? Number(name.replace(/^\[|\]$/g, '')) : name] };
    return undefined;
  }

  variables(ref: number): DebugProtocol.Variable[] {
    const node = this.handles.get(ref);
    const paused = this.controller.paused;
    if (!node || !paused) return [];
    const w = this.controller.watch;
    switch (node.kind) {
      case 'message': {
        const d = paused.deliveries[node.d];
        if (!d) return [];
        return [
          { name: 'deliver', value: 'true', variablesReference: 0, presentationHint: { kind: 'property' } },
          { name: 'to', value: JSON.stringify(d.receiver), variablesReference: 0, presentationHint: { attributes: ['readOnly'] } },
          ...this.children(d.message, node.d, []),
        ];
      }
      case 'value':
        return this.children(node.value, node.d, node.path ?? []);
      case 'step':
        return [
          this.plain('tick', paused.tick),
          this.plain('time (ms)', paused.time),
          this.plain('reason', paused.stop.description),
          this.plain('pending deliveries', paused.deliveries.length),
        ];
      case 'mailboxes': {
        const by = new Map<string, number>();
        for (const d of paused.deliveries) by.set(d.receiver, (by.get(d.receiver) ?? 0) + 1);
        return [...by]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([agent, n]) => ({
            name: agent,
            value: `${n} pending`,
            variablesReference: this.handles.create({ kind: 'mailbox', agent }),
          }));
      }
      case 'mailbox':
        return paused.deliveries.flatMap((d, i) =>
          d.receiver === node.agent
            ? [
                {
                  name: `${d.message.performative} from ${d.message.sender}`,
                  value: preview(d.message.content),
                  variablesReference: this.handles.create({ kind: 'value', value: d.message, d: i, path: [] }),
                },
              ]
            : [],
        );
      case 'conversations':
        return [...w.conversations.values()].map((c) => ({
          name: c.id,
          value: `${c.protocol ?? 'no protocol'} · ${c.outcome ?? 'open'} · ${c.messages} messages`,
          variablesReference: this.handles.create({ kind: 'conversation', id: c.id }),
        }));
      case 'conversation': {
        const c = w.conversations.get(node.id);
        if (!c) return [];
        const def = findProtocol(c.protocol)?.def;
        const states = Object.fromEntries(
          [...(c.state?.pairs ?? new Map<string, string>())].map(([p, s]) => [p, def?.states[s] ? `${s}: ${def.states[s]}` : s]),
        );
        return [
          this.plain('protocol', c.protocol ?? 'none'),
          this.plain('initiator', c.state?.initiator ?? '?'),
          this.plain('outcome', c.outcome ?? 'open'),
          this.plain('messages', c.messages),
          this.value('participants', [...c.participants].sort()),
          this.value('state', states),
          this.plain('timeouts', c.timeouts),
          this.plain('violations', c.violations),
        ];
      }
      case 'agents':
        return this.controller.agentNames().map((name) => {
          const a = w.agents.get(name);
          return {
            name,
            value: `${a?.state ?? 'running'} · ${a?.handled ?? 0} handled`,
            variablesReference: this.handles.create({ kind: 'agent', name }),
          };
        });
      case 'agent': {
        const a = w.agents.get(node.name) ?? { handled: 0, failures: 0 };
        const pct = (v?: number, max?: number) => (v !== undefined && max ? ` (${Math.round((100 * v) / max)}% of ${max})` : '');
        return [
          this.plain('state', a.state ?? 'running'),
          ...(a.reason ? [this.plain('reason', a.reason)] : []),
          this.plain('handled', a.handled),
          { name: 'fuel (last message)', value: `${a.fuel ?? '—'}${pct(a.fuel, a.fuelLimit)}`, variablesReference: 0 },
          { name: 'memory (bytes)', value: `${a.memoryBytes ?? '—'}${pct(a.memoryBytes, a.memoryLimitBytes)}`, variablesReference: 0 },
          this.plain('failures', a.failures),
        ];
      }
      case 'timers': {
        const t = this.controller.timers();
        return [
          this.plain('now (ms)', paused.time),
          this.plain('next timer at (ms)', t.next ?? 'none'),
          this.plain('replies awaited by outside parties', t.replies),
        ];
      }
    }
  }

  private children(value: unknown, d: number | undefined, path: Key[]): DebugProtocol.Variable[] {
    if (value === null || typeof value !== 'object') return [];
    const entries: Array<[Key, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return entries.map(([k, v]) => {
      const name = typeof k === 'number' ? `[${k}]` : k;
      const inner = v !== null && typeof v === 'object' ? this.handles.create({ kind: 'value', value: v, d, path: [...path, k] }) : 0;
      return { name, value: preview(v), variablesReference: inner, evaluateName: d !== undefined ? formatPath([...path, k]) : undefined };
    });
  }

  private plain(name: string, value: unknown): DebugProtocol.Variable {
    return {
      name,
      value: typeof value === 'string' ? value : JSON.stringify(value),
      variablesReference: 0,
      presentationHint: { attributes: ['readOnly'] },
    };
  }

  private value(name: string, value: unknown): DebugProtocol.Variable {
    return {
      name,
      value: preview(value),
      variablesReference: value !== null && typeof value === 'object' ? this.handles.create({ kind: 'value', value }) : 0,
    };
  }
}
