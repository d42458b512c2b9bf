/** Pure routing decisions: is a message routable at all, and who are its receivers. */
import type { FipaMessage } from '../../schemas';
import type { DropCode } from './deadLetters';
import { hasWildcard, isTopic, parseTopic } from './topics';

/** The minimum the router needs to route (full schema validation is optional): a problem sentence or undefined. */
export function shapeProblem(m: unknown): string | undefined {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'a message must be an object';
  const { performative, sender, receiver } = m as Record<string, unknown>;
  if (typeof performative !== 'string' || !performative) return 'missing `performative`';
  if (typeof sender !== 'string' || !sender) return 'missing `sender`';
  if (
    typeof receiver === 'string'
      ? !receiver
      : !Array.isArray(receiver) || !receiver.length || receiver.some((r) => typeof r !== 'string' || !r)
  ) {
    return '`receiver` must be an agent name, a non-empty list of names, `broadcast` or `topic://...`';
  }
  return undefined;
}

/** What resolution needs to know of the run. */
export interface ResolveContext {
  /** Every agent of the run (broadcast). */
  agentNames(): readonly string[];
  /** Subscribers of a concrete topic whose filters pass the content. */
  subscribers(levels: readonly string[], content: unknown): string[];
  /** Most receivers one message may name (a receiver list longer than this is refused whole). */
  maxReceivers: number;
}

/** The receivers of a message, or why it cannot be routed. */
export function resolveReceivers(message: FipaMessage, ctx: ResolveContext): { to: string[] } | { error: string; code: DropCode } {
  const { receiver, sender } = message;
  if (Array.isArray(receiver)) {
    const to = [...new Set(receiver)];
    if (to.length > ctx.maxReceivers) {
      return {
        error: `too many receivers: ${to.length}, over the ${ctx.maxReceivers}-receiver limit (limits.maxReceivers); use a topic or broadcast to reach many agents`,
        code: 'invalid',
      };
    }
    return { to };
  }
  if (receiver === 'broadcast') {
    const to = ctx.agentNames().filter((n) => n !== sender);
    return to.length ? { to } : { error: 'no agent besides the sender is running to receive the broadcast', code: 'no_subscribers' };
  }
  if (isTopic(receiver)) {
    const parsed = parseTopic(receiver);
    if ('error' in parsed) return { error: parsed.error, code: 'invalid' };
    if (hasWildcard(parsed.levels))
      return {
        error: `cannot publish to '${receiver}': wildcards (* + #) are for subscriptions; publish to one concrete topic`,
        code: 'invalid',
      };
    // The publisher does not hear its own publication, as with broadcast.
    const to = ctx.subscribers(parsed.levels, message.content).filter((n) => n !== sender);
    return to.length ? { to } : { error: `no subscriber for ${receiver}`, code: 'no_subscribers' };
  }
  return { to: [receiver] };
}
