/**
 * The blackboard as a built-in agent, for agents that talk to it with messages instead of host functions:
 * request {op: write, key, value, expected_version?} -> inform {entry} or failure {conflict};
 * query_ref {key} or {prefix} -> inform_ref; subscribe {prefix} -> agree; cancel {prefix} -> inform.
 */
import type { FipaMessage } from '../../schemas';
import type { AgentEndpoint, AgentResult, TraceSink } from '../core/types';
import type { Blackboard } from './blackboard';
import { replyTo, violation } from './machine';

const NO_USAGE = { fuel: 0, memoryBytes: 0, durationMs: 0 };
const PROTOCOL = 'caxton-blackboard';

/** Wrap a Blackboard as an AgentEndpoint named after it; replies go out through `send`, violations to `trace`. */
export function blackboardAgent(board: Blackboard, send: (m: FipaMessage) => void, trace: TraceSink): AgentEndpoint {
  const answer = (m: FipaMessage): FipaMessage[] => {
    const c = (m.content && typeof m.content === 'object' ? m.content : {}) as Record<string, unknown>;
    const key = typeof c.key === 'string' ? c.key : undefined;
    const prefix = typeof c.prefix === 'string' ? c.prefix : undefined;
    switch (m.performative) {
      case 'request': {
        if (c.op !== 'write' || !key) break;
        const expected = typeof c.expected_version === 'number' ? c.expected_version : undefined;
        const r = board.write(key, c.value, m.sender, expected);
        return [replyTo(m, board.name, r.ok ? 'inform' : 'failure', r, PROTOCOL)];
      }
      case 'query_ref':
      case 'query':
      case 'query_if': {
        if (key !== undefined) return [replyTo(m, board.name, 'inform_ref', { key, entry: board.read(key, m.sender) ?? null }, PROTOCOL)];
        return [replyTo(m, board.name, 'inform_ref', { prefix: prefix ?? '', entries: board.entries(prefix ?? '') }, PROTOCOL)];
      }
      case 'subscribe':
        board.subscribe(prefix ?? key ?? '', m.sender);
        return [replyTo(m, board.name, 'agree', { prefix: prefix ?? key ?? '' }, PROTOCOL)];
      case 'cancel':
        board.unsubscribe(prefix ?? key ?? '', m.sender);
        return [replyTo(m, board.name, 'inform', { unsubscribed: prefix ?? key ?? '' }, PROTOCOL)];
      default:
        break;
    }
    return [];
  };
  return {
    name: board.name,
    async handle(m: FipaMessage): Promise<AgentResult> {
      const replies = answer(m);
      if (replies.length) for (const r of replies) send(r);
      else
        for (const e of violation(
          board.name,
          PROTOCOL,
          m,
          'request {op: write, key, value}, query_ref {key|prefix}, subscribe {prefix} or cancel {prefix}',
          `cannot handle ${m.performative} with this content`,
        )) {
          if (e.kind === 'send') send(e.message);
          else if (e.kind === 'trace') trace.emit(e.event);
        }
      return { ok: true, effects: [], usage: NO_USAGE };
    },
    async dispose(): Promise<void> {},
  };
}
