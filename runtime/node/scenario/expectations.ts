/**
 * Scenario `expect:` checks. Supported keys: delivered, dropped, timeouts, violations (numbers); messages (a list
 * of partial messages, each of which some sent message must match); outcomes ({ conversation_id: outcome }).
 * What `expect` does not mention is held to the default: no timeouts, no protocol violations, no failed deliveries.
 */
import type { FipaMessage } from '../../../schemas';
import type { DeadLetter } from '../../router/deadLetters';
import type { RuntimeStats } from '../../runtime';

export interface ExpectationResult {
  name: string;
  ok: boolean;
  detail: string;
}

interface Observed {
  stats: RuntimeStats;
  conversations: Array<{ id: string; outcome: string }>;
  sent: FipaMessage[];
  deadLetters: DeadLetter[];
}

/** Failed deliveries that mean something went wrong (not unheard publications or suppressed duplicates). */
const FAILED_DELIVERY = new Set(['unknown_agent', 'mailbox_full', 'agent_failed', 'too_large', 'invalid', 'not_running']);
const COUNTS = ['delivered', 'dropped', 'timeouts', 'violations'] as const;

/** Check a scenario's expectations against what happened. */
export function checkExpectations(
  expect: Record<string, unknown> | undefined,
  seen: Observed,
  options: { defaults?: boolean; extraKeys?: readonly string[] } = {},
): ExpectationResult[] {
  const defaults = options.defaults !== false;
  const e = expect ?? {};
  const out: ExpectationResult[] = [];
  for (const key of COUNTS) {
    if (!(key in e)) continue;
    const want = e[key];
    const got = seen.stats[key];
    out.push({ name: key, ok: got === want, detail: `${key} ${got}${got === want ? '' : `, expected ${JSON.stringify(want)}`}` });
  }
  if (defaults && !('timeouts' in e))
    out.push({ name: 'no timeouts', ok: seen.stats.timeouts === 0, detail: `${seen.stats.timeouts} timeouts` });
  if (defaults && !('violations' in e))
    out.push({ name: 'no protocol violations', ok: seen.stats.violations === 0, detail: `${seen.stats.violations} protocol violations` });
  if (defaults && !('dropped' in e)) {
    const failed = seen.deadLetters.filter((d) => FAILED_DELIVERY.has(d.code));
    out.push({
      name: 'no failed deliveries',
      ok: failed.length === 0,
      detail: failed.length
        ? failed
            .map((d) => d.reason)
            .slice(0, 3)
            .join('; ')
        : 'every message delivered',
    });
  }
  if (Array.isArray(e.messages)) {
    for (const want of e.messages) {
      const ok = seen.sent.some((m) => partialMatch(m, want));
      out.push({ name: 'message', ok, detail: `${ok ? 'saw' : 'never saw'} ${describeMessage(want)}` });
    }
  }
  if (e.outcomes && typeof e.outcomes === 'object') {
    for (const [id, want] of Object.entries(e.outcomes as Record<string, unknown>)) {
      const got = seen.conversations.find((c) => c.id === id)?.outcome ?? 'missing';
      out.push({
        name: `conversation ${id}`,
        ok: got === want,
        detail: `conversation ${id}: ${got}${got === want ? '' : `, expected ${JSON.stringify(want)}`}`,
      });
    }
  }
  const known = [...COUNTS, 'messages', 'outcomes', ...(options.extraKeys ?? [])];
  for (const key of Object.keys(e)) {
    if (!known.includes(key))
      out.push({ name: key, ok: true, detail: `'${key}' is not checked by caxton run (known: ${known.join(', ')})` });
  }
  return out;
}

/** Whether `actual` has every field of `want`, recursively (arrays must match element by element). */
export function partialMatch(actual: unknown, want: unknown): boolean {
  if (want === null || typeof want !== 'object') return actual === want;
  if (Array.isArray(want))
    return Array.isArray(actual) && actual.length === want.length && want.every((w, i) => partialMatch(actual[i], w));
  if (!actual || typeof actual !== 'object') return false;
  return Object.entries(want).every(([k, v]) => partialMatch((actual as Record<string, unknown>)[k], v));
}

/** "inform from calculator to user {"result":30} (in_reply_to q1)" for an expected (partial) message. */
function describeMessage(want: unknown): string {
  if (!want || typeof want !== 'object') return JSON.stringify(want);
  const { performative, sender, receiver, content, ...rest } = want as Record<string, unknown>;
  const parts = [performative ?? 'a message'];
  if (sender !== undefined) parts.push(`from ${sender}`);
  if (receiver !== undefined) parts.push(`to ${Array.isArray(receiver) ? receiver.join(', ') : receiver}`);
  if (content !== undefined) parts.push(JSON.stringify(content));
  const extra = Object.entries(rest).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${parts.join(' ')}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}
