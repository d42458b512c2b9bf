/**
 * The inspector's words for things: run-clock times, content previews, lifecycle reasons and live announcements.
 * No DOM, so it is unit-tested in Node.
 */
import type { TraceEvent } from '../../schemas/trace';

/** Milliseconds on the run clock as seconds with millisecond precision: `0.100s` (the diagram's time column). */
export function formatClock(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

/** The content as one short line (compact JSON, strings as they are), cut to `max` characters with an ellipsis. */
export function contentPreview(content: unknown, max: number): string {
  // Fewer than 8 characters show nothing useful (`{"op"…`): leave the room to the performative.
  if (content === undefined || max < 8) return '';
  let text: string;
  try {
    text = typeof content === 'string' ? content : (JSON.stringify(content) ?? '');
  } catch {
    text = String(content);
  }
  text = text.replace(/\s+/g, ' ');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The runtime's lifecycle reasons, as a person would say them. */
export function friendlyReason(reason: string): string {
  return reason === 'reload' || reason === 'reloaded' ? 'hot reload' : reason;
}

/**
 * One lifecycle change as a short chip label (`↻ hot reload`, `↻ restart 2 of 20`, `✕ failed: trap`), or undefined
 * for steps that tell a person nothing on their own (loaded -> running, and draining, whose next step says why).
 */
export function transitionLabel(t: { from: string; to: string; reason?: string }): string | undefined {
  const why = t.reason === undefined ? '' : friendlyReason(t.reason);
  if (t.to === 'draining' || (t.from === 'loaded' && t.to === 'running') || (t.to === 'loaded' && t.from === 'unloaded' && !why))
    return undefined;
  if (t.from === 'draining' && t.to === 'loaded') return /refused/.test(why) ? `⚠ ${why}` : `↻ ${why || 'hot reload'}`;
  if (t.from === 'failed' && t.to !== 'stopped') return `↻ ${why || 'restart'}`;
  if (t.to === 'failed') return `✕ failed${why ? `: ${why}` : ''}`;
  if (t.to === 'stopped') return `■ stopped${why ? ` (${why})` : ''}`;
  return `${t.to}${why ? ` ${why}` : ''}`;
}

const NOTEWORTHY: Partial<Record<TraceEvent['type'], [string, string]>> = {
  message_sent: ['message', 'messages'],
  message_dropped: ['drop', 'drops'],
  timeout: ['timeout', 'timeouts'],
  protocol_violation: ['violation', 'violations'],
  breaker_state: ['breaker change', 'breaker changes'],
};

/** The sentence announced for a batch of live events: `3 new events: 2 messages, 1 timeout`. */
export function announcement(events: readonly TraceEvent[]): string {
  const counts = new Map<string, number>();
  let failed = 0;
  for (const e of events) {
    if (e.type in NOTEWORTHY) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    if (e.type === 'agent_state' && e.to === 'failed') failed++;
  }
  const parts = [...counts].map(([type, n]) => `${n} ${NOTEWORTHY[type as TraceEvent['type']]![n === 1 ? 0 : 1]}`);
  if (failed) parts.push(`${failed} agent ${failed === 1 ? 'failure' : 'failures'}`);
  return `${events.length} new ${events.length === 1 ? 'event' : 'events'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** One event as a short line: `#12 message_sent request client → calculator {"op":"add"}`. */
export function eventSummary(e: TraceEvent): string {
  const head = `#${e.seq} ${e.type}`;
  if (e.type === 'message_sent')
    return `${head} ${e.message.performative} ${e.message.sender} → ${e.to.join(', ')} ${contentPreview(e.message.content, 60)}`;
  const { seq: _s, t: _t, type: _type, ...rest } = e as unknown as Record<string, unknown>;
  let text = '';
  try {
    text = JSON.stringify(rest);
  } catch {
    text = '';
  }
  return `${head} ${text.length > 100 ? `${text.slice(0, 99)}…` : text}`;
}
