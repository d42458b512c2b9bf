/**
 * Our addresses as NATS subjects under a cluster prefix (pure; see docs/nats.md):
 *   agent `alice`         <-> `<prefix>.agent.alice`
 *   topic `topic://a/b`   <-> `<prefix>.topic.a.b`, patterns `*`/`+` -> `*`, a trailing `#` -> `>` (plus the bare
 *                             prefix, since our `#` also matches zero levels)
 *   broadcast             <-> `<prefix>.broadcast`
 *   a node's inbox        <-> `<prefix>.node.<node>` (batches of envelopes for the agents it hosts)
 *   control               <-> `<prefix>.ctl.dir.{hello,announce,heartbeat,bye,query}[.<node>]`, `<prefix>.ctl.step.{ready,go}`
 * Names and levels are escaped token by token, reversibly (see escapeToken).
 */

/** The token after the prefix that says what a subject addresses. */
export type SubjectKind = 'agent' | 'topic' | 'broadcast' | 'node' | 'ctl';

/** What a subject addresses, once parsed. */
export type SubjectAddress =
  | { kind: 'agent'; name: string }
  | { kind: 'topic'; levels: string[] }
  | { kind: 'broadcast' }
  | { kind: 'node'; node: string }
  | { kind: 'ctl'; path: string[] };

/** The NATS subjects that carry a topic pattern's publications; `exact` false means a receiver must filter locally. */
export interface TopicInterest {
  subjects: string[];
  exact: boolean;
}

const PLAIN = /^[A-Za-z0-9_-]+$/;
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const UNSAFE = /[^A-Za-z0-9_-]/gu;
const encoder = new TextEncoder();

/**
 * Escape one name or topic level into one NATS token: every character other than letters, digits, `_` and `-` becomes
 * `%XX` per UTF-8 byte (so `.`, spaces, `*`, `>`, `@`, `:`, `#`, `+`, `%` never reach NATS raw). Reversible, and
 * canonical: one string has one token.
 */
export function escapeToken(text: string): string {
  if (PLAIN.test(text)) return text;
  return text.replace(UNSAFE, (c) => Array.from(encoder.encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/** The string a token escapes, or undefined for a token escapeToken would not produce (non-canonical or malformed). */
export function unescapeToken(token: string): string | undefined {
  if (PLAIN.test(token)) return token;
  let text: string;
  try {
    text = decodeURIComponent(token);
  } catch {
    return undefined;
  }
  return text !== '' && escapeToken(text) === token ? text : undefined;
}

/** Why a cluster prefix is unusable, or undefined when it is fine (tokens of letters, digits, `_`, `-`, joined by `.`). */
export function checkPrefix(prefix: string): string | undefined {
  if (PREFIX.test(prefix)) return undefined;
  return `the NATS cluster prefix ${JSON.stringify(prefix)} is invalid; use tokens of letters, digits, _ and - joined by dots, e.g. caxton or caxton.lab1`;
}

/** The subjects of one cluster (one prefix); build once and reuse on the hot path. */
export class ClusterSubjects {
  /** `<prefix>.broadcast`: every node listens; a node delivers to all its agents. */
  readonly broadcast: string;
  /** `<prefix>.ctl.dir.hello`: a node that joins asks the others to announce themselves. */
  readonly hello: string;
  /** `<prefix>.ctl.dir.>`: everything the directory listens to. */
  readonly directoryAll: string;
  /** `<prefix>.ctl.step.ready` / `.go`: the step barrier of simulated runs (a node is ready with step k; go k+1). */
  readonly stepReady: string;
  readonly stepGo: string;
  /** `<prefix>.>`: everything of this cluster (what a node's NATS user needs at most). */
  readonly all: string;
  private readonly tokens: string[];

  constructor(readonly prefix: string) {
    const problem = checkPrefix(prefix);
    if (problem) throw new RangeError(problem);
    this.tokens = prefix.split('.');
    this.broadcast = `${prefix}.broadcast`;
    this.hello = `${prefix}.ctl.dir.hello`;
    this.directoryAll = `${prefix}.ctl.dir.>`;
    this.stepReady = `${prefix}.ctl.step.ready`;
    this.stepGo = `${prefix}.ctl.step.go`;
    this.all = `${prefix}.>`;
  }

  /** `<prefix>.agent.<name>`: the agent's own subject (its node subscribes it; a request gets "no responders" if nobody hosts it). */
  agent(name: string): string {
    return `${this.prefix}.agent.${escapeToken(name)}`;
  }

  /** `<prefix>.node.<node>`: the node's inbox for batches. */
  node(node: string): string {
    return `${this.prefix}.node.${escapeToken(node)}`;
  }

  /** `<prefix>.ctl.dir.announce.<node>`: the node's full list of agents. */
  announce(node: string): string {
    return `${this.prefix}.ctl.dir.announce.${escapeToken(node)}`;
  }
  /** `<prefix>.ctl.dir.heartbeat.<node>`: the node is alive (with the version of its list). */
  heartbeat(node: string): string {
    return `${this.prefix}.ctl.dir.heartbeat.${escapeToken(node)}`;
  }
  /** `<prefix>.ctl.dir.bye.<node>`: the node leaves on purpose. */
  bye(node: string): string {
    return `${this.prefix}.ctl.dir.bye.${escapeToken(node)}`;
  }
  /** `<prefix>.ctl.dir.query.<node>`: request the node's full list (when a heartbeat shows a newer version). */
  query(node: string): string {
    return `${this.prefix}.ctl.dir.query.${escapeToken(node)}`;
  }

  /** The subject a message to a concrete topic (levels without wildcards) is published on. */
  topic(levels: readonly string[]): string {
    return `${this.prefix}.topic.${levels.map(escapeToken).join('.')}`;
  }

  /**
   * The subjects to subscribe for a topic pattern. `*`/`+` become `*`; runs of `#` collapse into one. A `#` followed
   * only by wildcards is exact: with k `*` after it, "k or more levels" is k-1 `*` then `>` (k = 0: the bare prefix
   * and `prefix.>`, as our `#` matches zero levels and NATS `>` needs one). A `#` followed by a literal (`a/#/c`) has
   * no NATS equivalent: the narrowest cover is `a` then `>` with as many `*` as the levels the rest needs at least,
   * and `exact` is false: the receiver keeps only what its own matcher accepts.
   */
  interest(pattern: readonly string[]): TopicInterest {
    const levels = pattern.map((l) => (l === '+' ? '*' : l)).filter((l, i, all) => !(l === '#' && all[i - 1] === '#'));
    const hash = levels.indexOf('#');
    const token = (l: string): string => (l === '*' ? '*' : escapeToken(l));
    const base = [`${this.prefix}.topic`, ...levels.slice(0, hash === -1 ? levels.length : hash).map(token)].join('.');
    if (hash === -1) return { subjects: [base], exact: true };
    const rest = levels.slice(hash + 1);
    const least = rest.filter((l) => l !== '#').length;
    const exact = rest.every((l) => l === '*' || l === '#');
    // A topic has at least one level, so a leading `#` never needs the bare `<prefix>.topic`.
    if (least === 0) return { subjects: hash === 0 ? [`${base}.>`] : [base, `${base}.>`], exact };
    return { subjects: [`${base}${'.*'.repeat(least - 1)}.>`], exact };
  }

  /** What a subject of this cluster addresses, or undefined for a subject outside the prefix or malformed. */
  parse(subject: string): SubjectAddress | undefined {
    const parts = subject.split('.');
    const n = this.tokens.length;
    if (parts.length <= n || this.tokens.some((t, i) => parts[i] !== t)) return undefined;
    const kind = parts[n];
    const rest = parts.slice(n + 1);
    const one = (): string | undefined => (rest.length === 1 ? unescapeToken(rest[0]) : undefined);
    switch (kind) {
      case 'agent': {
        const name = one();
        return name === undefined ? undefined : { kind, name };
      }
      case 'node': {
        const node = one();
        return node === undefined ? undefined : { kind, node };
      }
      case 'broadcast':
        return rest.length ? undefined : { kind };
      case 'topic': {
        const levels = rest.map(unescapeToken);
        return levels.length && levels.every((l): l is string => l !== undefined) ? { kind, levels } : undefined;
      }
      case 'ctl': {
        const path = rest.map(unescapeToken);
        return path.length && path.every((l): l is string => l !== undefined) ? { kind, path } : undefined;
      }
      default:
        return undefined;
    }
  }
}
