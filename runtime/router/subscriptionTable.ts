/** Who listens to which topics, with optional content filters. */
import { checkFilter, matchesFilter, type ContentFilter } from './contentFilter';
import { parsePattern, TOPIC_LIMITS, topicMatches, type MatchMeter } from './topics';

export interface Subscription {
  agent: string;
  topic: string;
  levels: string[];
  filter?: ContentFilter;
}

/** The topic routing table: subscribe/unsubscribe per agent, and match a published topic to subscribers. */
export class SubscriptionTable {
  private readonly byAgent = new Map<string, Subscription[]>();

  /** Add a subscription; returns an error sentence for a bad topic or filter, or one past TOPIC_LIMITS (nothing is added then). */
  subscribe(agent: string, topic: string, filter?: ContentFilter): string | undefined {
    const parsed = parsePattern(topic);
    if ('error' in parsed) return parsed.error;
    const filterProblem = checkFilter(filter);
    if (filterProblem) return filterProblem;
    const list = this.byAgent.get(agent) ?? [];
    // Re-subscribing to the same pattern replaces its filter instead of doubling deliveries.
    const rest = list.filter((s) => s.topic !== topic);
    if (rest.length >= TOPIC_LIMITS.maxSubscriptionsPerAgent) {
      return `${agent} already holds ${rest.length} subscriptions, the most one agent may hold; unsubscribe from some or use a wildcard pattern`;
    }
    rest.push({ agent, topic, levels: parsed.levels, filter });
    this.byAgent.set(agent, rest);
    return undefined;
  }

  /** Remove an agent's subscription to a pattern; returns whether one existed. */
  unsubscribe(agent: string, topic: string): boolean {
    const list = this.byAgent.get(agent);
    if (!list) return false;
    const rest = list.filter((s) => s.topic !== topic);
    if (rest.length) this.byAgent.set(agent, rest);
    else this.byAgent.delete(agent);
    return rest.length !== list.length;
  }

  /** Forget every subscription of an agent (when it is removed). */
  removeAgent(agent: string): void {
    this.byAgent.delete(agent);
  }

  /** Agents (each once, in subscription order) with a pattern matching the topic and a filter passing the content. */
  match(topicLevels: readonly string[], content: unknown, meter?: MatchMeter): string[] {
    const out: string[] = [];
    for (const [agent, subs] of this.byAgent) {
      if (subs.some((s) => topicMatches(s.levels, topicLevels, meter) && matchesFilter(content, s.filter))) out.push(agent);
    }
    return out;
  }

  /** Every subscription, for inspection. */
  list(agent?: string): Subscription[] {
    if (agent) return [...(this.byAgent.get(agent) ?? [])];
    return [...this.byAgent.values()].flat();
  }
}
