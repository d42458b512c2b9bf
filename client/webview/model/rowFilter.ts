/**
 * Which rows the diagram shows: one conversation, an agent's messages, some performatives, one problem kind, a free
 * text, and hidden lanes (messages among hidden agents only are left out; the rest point at one collapsed lane).
 * A filter is applied once over the whole trace, in slices (a search through a million rows does not freeze the page),
 * and extended as events arrive; the cursor then only counts how many of its rows are before it.
 */
import type { TraceEvent } from '../../../schemas/trace';
import { IntColumn, lowerBound } from './columns';
import { isProblem, searchText, type ProblemKind } from './rows';
import type { TraceStore } from './traceStore';

export interface RowFilter {
  conversation?: string;
  /** Rows involving this agent (as sender, receiver or the marked agent). */
  agent?: string;
  performatives?: ReadonlySet<string>;
  problem?: ProblemKind;
  /** Case-insensitive text (see searchText). */
  text?: string;
  /** Lanes the user hid. */
  hidden?: ReadonlySet<string>;
}

/** True when the filter keeps every row. */
export function isEmptyFilter(f: RowFilter): boolean {
  return (
    f.conversation === undefined && f.agent === undefined && !f.performatives?.size && f.problem === undefined && !f.text && !f.hidden?.size
  );
}

/** Two filters that select the same rows. */
export function sameFilter(a: RowFilter, b: RowFilter): boolean {
  const sameSet = (x?: ReadonlySet<string>, y?: ReadonlySet<string>) =>
    (x?.size ?? 0) === (y?.size ?? 0) && [...(x ?? [])].every((v) => y?.has(v));
  return (
    a.conversation === b.conversation &&
    a.agent === b.agent &&
    a.problem === b.problem &&
    (a.text ?? '') === (b.text ?? '') &&
    sameSet(a.performatives, b.performatives) &&
    sameSet(a.hidden, b.hidden)
  );
}

/** The rows a filter keeps, as row numbers in order. */
export class FilteredRows {
  private readonly kept = new IntColumn(1024);
  /** Rows of the store examined so far (the rest are examined by `advance`). */
  private scanned = 0;
  private readonly all: boolean;
  private readonly text: string;

  constructor(readonly filter: RowFilter) {
    this.all = isEmptyFilter(filter);
    this.text = (filter.text ?? '').trim().toLowerCase();
  }

  /** Examine up to `budget` more rows; returns true when every row of the store has been examined. */
  advance(store: TraceStore, budget = Infinity): boolean {
    if (this.all) {
      this.scanned = store.rows;
      return true;
    }
    const c = this.filter.conversation === undefined ? undefined : store.conversationById.get(this.filter.conversation);
    if (this.filter.conversation !== undefined) {
      // One conversation: its own row list is the index.
      const rows = c === undefined ? [] : store.conversations[c].rows;
      let i = lowerBound(rows.length, (k) => rows[k], this.scanned);
      for (let done = 0; i < rows.length && done < budget; i++, done++) if (this.keeps(store, rows[i])) this.kept.push(rows[i]);
      this.scanned = i < rows.length ? rows[i] : store.rows;
      return this.scanned >= store.rows;
    }
    const end = Math.min(store.rows, this.scanned + budget);
    for (let r = this.scanned; r < end; r++) if (this.keeps(store, r)) this.kept.push(r);
    this.scanned = end;
    return end >= store.rows;
  }

  /** True while rows of the store remain unexamined. */
  pending(store: TraceStore): boolean {
    return this.scanned < store.rows;
  }

  /** How much of the store has been examined, 0..1. */
  progress(store: TraceStore): number {
    return store.rows === 0 ? 1 : Math.min(1, this.scanned / store.rows);
  }

  /** How many kept rows are before the cursor. */
  countAt(store: TraceStore, cursor: number): number {
    if (this.all) return store.rowsAt(cursor);
    return lowerBound(this.kept.length, (i) => store.rowEvent.get(this.kept.get(i)), cursor);
  }

  /** The store row of the i-th kept row. */
  get(i: number): number {
    return this.all ? i : this.kept.get(i);
  }

  /** The position of store row `r` among the kept rows, or -1. */
  indexOf(r: number): number {
    if (this.all) return r;
    const i = lowerBound(this.kept.length, (k) => this.kept.get(k), r);
    return i < this.kept.length && this.kept.get(i) === r ? i : -1;
  }

  private keeps(store: TraceStore, r: number): boolean {
    const f = this.filter;
    const e = store.events[store.rowEvent.get(r)];
    const sent = e.type === 'message_sent' ? (e as Extract<TraceEvent, { type: 'message_sent' }>) : undefined;
    if (f.performatives?.size && !(sent && f.performatives.has(sent.message.performative))) return false;
    if (f.problem !== undefined && !isProblem(store, r, f.problem)) return false;
    const a = store.rowAgent.get(r);
    const marked = a >= 0 ? store.agents[a].name : undefined;
    if (f.agent !== undefined && !(marked === f.agent || (sent !== undefined && sent.to.includes(f.agent)))) return false;
    if (f.hidden?.size) {
      const parties = sent ? [sent.message.sender, ...sent.to] : marked !== undefined ? [marked] : [];
      if (parties.length > 0 && parties.every((p) => f.hidden!.has(p))) return false;
    }
    return !this.text || searchText(store, r).includes(this.text);
  }
}

/** A lifeline at a cursor: an agent of the run or an outside party. */
export interface Lane {
  name: string;
  external: boolean;
  node?: string;
}

/** The lifelines after the first `cursor` events, in order of first appearance, without hidden ones. */
export function lanesAt(store: TraceStore, cursor: number, hidden?: ReadonlySet<string>): { lanes: Lane[]; hidden: string[] } {
  const lanes: Lane[] = [];
  const out: string[] = [];
  for (const a of store.agents) {
    if (a.firstEvent >= cursor) continue;
    if (hidden?.has(a.name)) {
      out.push(a.name);
      continue;
    }
    lanes.push({ name: a.name, external: a.ownSince < 0 || a.ownSince >= cursor, node: a.node });
  }
  return { lanes, hidden: out };
}
