/**
 * Hierarchical topics: `topic://a/b/c`. Subscription patterns may use `*` (or `+`) for exactly one level and `#`
 * for any number of levels (zero included), e.g. `topic://orders/*` or `topic://sensors/#`.
 * Matching is a linear NFA walk (at most levels x pattern steps), and sizes are bounded by TOPIC_LIMITS.
 */
export const TOPIC_PREFIX = 'topic://';
const LEVEL = /^[A-Za-z0-9_.*#+-]+$/;

/** The one place for topic bounds: checked when a topic is published and when a pattern is subscribed. */
export const TOPIC_LIMITS = Object.freeze({
  /** Longest topic or pattern, in characters including `topic://`. */
  maxLength: 512,
  /** Most levels in a topic or a pattern. */
  maxLevels: 32,
  /** Most `#` wildcards in one pattern. */
  maxMultiLevelWildcards: 4,
  /** Most subscriptions one agent may hold. */
  maxSubscriptionsPerAgent: 256,
});

/** Whether a receiver string names a topic. */
export function isTopic(receiver: string): boolean {
  return receiver.startsWith(TOPIC_PREFIX);
}

/** Split `topic://a/b/c` into levels, or explain why it is not a valid topic (bad syntax or beyond TOPIC_LIMITS). */
export function parseTopic(topic: string): { levels: string[] } | { error: string } {
  if (!isTopic(topic)) return { error: `'${clip(topic)}' is not a topic; write it as topic://a/b/c` };
  if (topic.length > TOPIC_LIMITS.maxLength) {
    return {
      error: `'${clip(topic)}' is ${topic.length} characters long, above the ${TOPIC_LIMITS.maxLength}-character topic limit; use a shorter topic`,
    };
  }
  const levels = topic.slice(TOPIC_PREFIX.length).split('/');
  if (levels.length > TOPIC_LIMITS.maxLevels) {
    return {
      error: `'${clip(topic)}' has ${levels.length} levels, above the ${TOPIC_LIMITS.maxLevels}-level topic limit; use fewer levels`,
    };
  }
  const bad = levels.find((l) => !LEVEL.test(l));
  if (bad !== undefined) {
    return {
      error: `'${clip(topic)}' has an empty or invalid level '${clip(bad)}'; levels use letters, digits, _ . - and the wildcards * #`,
    };
  }
  return { levels };
}

/** Parse a subscription pattern: parseTopic plus the wildcard bounds. */
export function parsePattern(pattern: string): { levels: string[] } | { error: string } {
  const parsed = parseTopic(pattern);
  if ('error' in parsed) return parsed;
  const hashes = parsed.levels.filter((l) => l === '#').length;
  if (hashes > TOPIC_LIMITS.maxMultiLevelWildcards) {
    return {
      error: `'${clip(pattern)}' has ${hashes} '#' wildcards, above the limit of ${TOPIC_LIMITS.maxMultiLevelWildcards} per pattern; one '#' at the end usually suffices`,
    };
  }
  return parsed;
}

/** Whether levels contain a wildcard (publishing to one is refused: a message goes to one concrete topic). */
export function hasWildcard(levels: readonly string[]): boolean {
  return levels.some((l) => l === '*' || l === '+' || l === '#');
}

/** Counts the inner steps of matching, so tests can show the cost stays linear without timing it. */
export interface MatchMeter {
  steps: number;
}

/**
 * Whether a subscription pattern's levels match a concrete topic's levels. A set of pattern positions is carried
 * across the topic's levels (an NFA), so the cost is at most (topic levels + 1) x (pattern levels + 1) steps
 * whatever the wildcards, never a search over every way `#` can split the topic.
 */
export function topicMatches(pattern: readonly string[], topic: readonly string[], meter?: MatchMeter): boolean {
  const m = pattern.length;
  let live = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  let steps = 0;
  live[0] = 1;
  closeOverHashes(pattern, live);
  for (let j = 0; j < topic.length; j++) {
    next.fill(0);
    let any = false;
    for (let i = 0; i < m; i++) {
      steps++;
      if (!live[i]) continue;
      const level = pattern[i];
      // `#` may swallow this level and stay; `*`/`+` or an equal level moves on by one.
      if (level === '#') {
        next[i] = 1;
        any = true;
      } else if (level === '*' || level === '+' || level === topic[j]) {
        next[i + 1] = 1;
        any = true;
      }
    }
    if (!any) {
      if (meter) meter.steps += steps;
      return false;
    }
    closeOverHashes(pattern, next);
    steps += m;
    [live, next] = [next, live];
  }
  if (meter) meter.steps += steps + m;
  return live[m] === 1;
}

/** `#` may also match zero levels: whoever stands before a `#` also stands after it. */
function closeOverHashes(pattern: readonly string[], set: Uint8Array): void {
  for (let i = 0; i < pattern.length; i++) if (set[i] && pattern[i] === '#') set[i + 1] = 1;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
