/**
 * Hierarchical topics: `topic://a/b/c`. Subscription patterns may use `*` (or `+`) for exactly one level and `#`
 * for any number of levels (zero included), e.g. `topic://orders/*` or `topic://sensors/#`.
 */
export const TOPIC_PREFIX = 'topic://';
const LEVEL = /^[A-Za-z0-9_.*#+-]+$/;

/** Whether a receiver string names a topic. */
export function isTopic(receiver: string): boolean {
  return receiver.startsWith(TOPIC_PREFIX);
}

/** Split `topic://a/b/c` into levels, or explain why it is not a valid topic. */
export function parseTopic(topic: string): { levels: string[] } | { error: string } {
  if (!isTopic(topic)) return { error: `'${topic}' is not a topic; write it as topic://a/b/c` };
  const levels = topic.slice(TOPIC_PREFIX.length).split('/');
  const bad = levels.find((l) => !LEVEL.test(l));
  if (bad !== undefined) {
    return { error: `'${topic}' has an empty or invalid level '${bad}'; levels use letters, digits, _ . - and the wildcards * #` };
  }
  return { levels };
}

/** Whether levels contain a wildcard (publishing to one is refused: a message goes to one concrete topic). */
export function hasWildcard(levels: readonly string[]): boolean {
  return levels.some((l) => l === '*' || l === '+' || l === '#');
}

/** Whether a subscription pattern's levels match a concrete topic's levels. */
export function topicMatches(pattern: readonly string[], topic: readonly string[]): boolean {
  return matchFrom(pattern, 0, topic, 0);
}

function matchFrom(p: readonly string[], i: number, t: readonly string[], j: number): boolean {
  for (; i < p.length; i++, j++) {
    const level = p[i];
    if (level === '#') {
      // `#` absorbs zero or more levels; try every split (patterns are short, so this stays cheap).
      if (i === p.length - 1) return true;
      for (let k = j; k <= t.length; k++) if (matchFrom(p, i + 1, t, k)) return true;
      return false;
    }
    if (j >= t.length) return false;
    if (level !== '*' && level !== '+' && level !== t[j]) return false;
  }
  return j === t.length;
}
