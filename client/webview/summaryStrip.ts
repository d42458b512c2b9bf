/**
 * The run at a glance, above the tabs: agents, messages, drops, timeouts, violations, failures and the run-clock
 * duration. Problem counts are toggle buttons that filter the sequence diagram to those rows.
 */
import { h, setChildren } from './dom';
import { formatClock } from './wording';
import { PROBLEM_KINDS, type ProblemKind } from './model/rows';
import type { Summary } from './model/summary';

const LABEL: Record<ProblemKind, [string, string]> = {
  dropped: ['dropped', 'dropped'],
  timeout: ['timeout', 'timeouts'],
  violation: ['violation', 'violations'],
  failure: ['failure', 'failures'],
};

export class SummaryStrip {
  readonly element: HTMLElement = h('div', { class: 'summary-strip', id: 'summary-strip', role: 'group', 'aria-label': 'Run summary' });
  private readonly buttons = new Map<ProblemKind, HTMLButtonElement>();
  private readonly stats: HTMLElement = h('span', { class: 'stats' });
  private active?: ProblemKind;
  private drawnFor = '';

  /** `toggle` is called with the problem kind to filter to (undefined: show everything). */
  constructor(private readonly toggle: (kind: ProblemKind | undefined) => void) {
    for (const kind of PROBLEM_KINDS) {
      const b = h('button', { class: `problem problem-${kind}`, 'data-problem': kind, 'aria-pressed': 'false' });
      b.addEventListener('click', () => this.toggle(this.active === kind ? undefined : kind));
      this.buttons.set(kind, b);
    }
    setChildren(this.element, this.stats, ...this.buttons.values());
  }

  /** Redraw the counts (only when they changed). Failures count only failures: refuse and not_understood are answers. */
  update(m: Summary): void {
    const key = JSON.stringify(m);
    if (this.drawnFor === key) return;
    this.drawnFor = key;
    const stat = (name: string, value: string | number, title?: string) =>
      h('span', { class: 'stat', 'data-stat': name, title }, h('b', {}, value), ` ${name}`);
    setChildren(
      this.stats,
      stat('agents', m.agents, m.outside ? `${m.agents} agents and ${m.outside} outside parties` : undefined),
      stat('messages', m.messages),
      stat('run clock', formatClock(m.duration), 'Duration on the run clock'),
      m.malformed > 0 ? stat('skipped', m.malformed, 'Events with missing or mistyped fields, left out of every view') : null,
    );
    for (const [kind, b] of this.buttons) {
      const n = m.problems[kind];
      setChildren(b, h('b', {}, n), ` ${LABEL[kind][n === 1 ? 0 : 1]}`);
      b.dataset.count = String(n);
      b.disabled = n === 0 && this.active !== kind;
      b.classList.toggle('zero', n === 0);
      b.title = n === 0 ? `No ${LABEL[kind][1]}` : `Show only the ${LABEL[kind][1]} in the diagram`;
    }
  }

  /** Reflect the diagram's current problem filter. */
  setActive(kind: ProblemKind | undefined): void {
    this.active = kind;
    for (const [k, b] of this.buttons) {
      b.setAttribute('aria-pressed', String(k === kind));
      if (k === kind) b.disabled = false;
    }
  }
}
