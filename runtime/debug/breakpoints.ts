/**
 * The debugger's breakpoints (docs/debugging.md), pure:
 * - message breakpoints: a condition over a delivery (DAP function breakpoints: the "function name" is the condition);
 * - line breakpoints on a message written in a *.fipa.json or *.scenario.yaml (schemas/load/messageSource finds which
 *   message a line holds and whether a delivery is that message), with an optional condition;
 * - event breakpoints (DAP exception filters): a breaker opens, a timeout, a protocol violation, an agent trap, a
 *   dead letter, each with an optional condition over the event.
 * Every kind takes DAP's hit condition (`3`, `>= 3`, `% 2`) and log message (`sent {content.x}`: a logpoint).
 */
import type { FipaMessage, TraceEvent } from '../../schemas';
import { LineIndex } from '../../schemas/load/lineIndex';
import { messagesInFile, sameMessage } from '../../schemas/load/messageSource';
import { ConditionError, parseCondition, type Condition } from './condition';

/** DAP exception filters: the run events a debugger can stop at. */
export const EVENT_FILTERS: ReadonlyArray<{
  filter: 'breaker_open' | 'timeout' | 'protocol_violation' | 'agent_trap' | 'dead_letter';
  label: string;
  description: string;
  matches(e: TraceEvent): boolean;
}> = [
  {
    filter: 'breaker_open',
    label: 'Breaker opens',
    description: 'a circuit breaker goes to open',
    matches: (e: TraceEvent) => e.type === 'breaker_state' && e.to === 'open',
  },
  {
    filter: 'timeout',
    label: 'Timeout',
    description: 'a reply did not come by its deadline',
    matches: (e: TraceEvent) => e.type === 'timeout',
  },
  {
    filter: 'protocol_violation',
    label: 'Protocol violation',
    description: "a message out of its protocol's order",
    matches: (e: TraceEvent) => e.type === 'protocol_violation',
  },
  {
    filter: 'agent_trap',
    label: 'Agent trap',
    description: 'an agent failed (trap, fuel, memory)',
    matches: (e: TraceEvent) => e.type === 'agent_state' && e.to === 'failed',
  },
  {
    filter: 'dead_letter',
    label: 'Dead letter',
    description: 'a message was dropped',
    matches: (e: TraceEvent) => e.type === 'message_dropped',
  },
];
export type EventFilter = (typeof EVENT_FILTERS)[number]['filter'];

/** What a person asked for, as DAP sends it. */
export interface BreakpointSpec {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}
/** What the debugger answers: verified, or why not; `line` is where a line breakpoint settled (1-based). */
export interface BreakpointResult {
  id: number;
  verified: boolean;
  message?: string;
  line?: number;
}

interface Armed {
  id: number;
  condition?: Condition;
  hits: number;
  hitTest?: (n: number) => boolean;
  log?: string;
}
interface LineArmed extends Armed {
  match: Partial<FipaMessage>;
}

/** A delivery or event matched: the breakpoints to stop at and the logpoint lines to print. */
export interface Hit {
  ids: number[];
  logs: string[];
}

/** DAP's hit condition: `3` or `== 3` (the 3rd hit), `>= 3`, `> 3`, `< 3`, `<= 3`, `% 3` (every 3rd). */
export function parseHitCondition(text: string): (n: number) => boolean {
  const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ConditionError(`hit count '${text}' is not a number or an operator and a number (3, >= 3, % 2)`, 1);
  const k = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return (n) => n >= k;
    case '<=':
      return (n) => n <= k;
    case '>':
      return (n) => n > k;
    case '<':
      return (n) => n < k;
    case '%':
      return (n) => k > 0 && n % k === 0;
    default:
      return (n) => n === k;
  }
}

/** A logpoint's text with each `{expression}` replaced by its value in `context`. */
export function formatLog(template: string, context: Record<string, unknown>): string {
  return template.replace(/\{([^{}]+)\}/g, (_, expr: string) => {
    try {
      const v = parseCondition(expr).evaluate(context);
      return typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined');
    } catch (e) {
      return `{${(e as Error).message}}`;
    }
  });
}

const isArmed = (x: Armed | BreakpointResult): x is Armed => 'hits' in x;

/** Every breakpoint of a debug session. */
export class Breakpoints {
  private nextId = 1;
  private messageBps: Armed[] = [];
  private lineBps = new Map<string, LineArmed[]>();
  private events = new Map<string, Armed>();

  /** Replace the message breakpoints (DAP setFunctionBreakpoints: `name` is the condition). */
  setMessageBreakpoints(specs: ReadonlyArray<BreakpointSpec & { name: string }>): BreakpointResult[] {
    this.messageBps = [];
    return specs.map((s) => {
      const armed = this.arm({ ...s, condition: s.condition ? `(${s.name}) && (${s.condition})` : s.name });
      if (!isArmed(armed)) return armed;
      this.messageBps.push(armed);
      return { id: armed.id, verified: true };
    });
  }

  /** Replace the line breakpoints of one *.fipa.json / *.scenario.yaml (its `text` as on disk); lines are 1-based. */
  setLineBreakpoints(file: string, text: string, specs: ReadonlyArray<BreakpointSpec & { line: number }>): BreakpointResult[] {
    const messages = messagesInFile(file, text);
    const lines = new LineIndex(text);
    const spans = messages.map((m) => ({
      ...m,
      first: lines.positionAt(m.offset).line + 1,
      last: lines.positionAt(m.offset + Math.max(0, m.length - 1)).line + 1,
    }));
    const armedList: LineArmed[] = [];
    const results = specs.map((s): BreakpointResult => {
      const id = this.nextId++;
      if (!messages.length && !/\.(fipa\.json|scenario\.ya?ml)$/i.test(file))
        return {
          id,
          verified: false,
          message:
            'Caxton breakpoints go on a message in a *.fipa.json or *.scenario.yaml (or use a message breakpoint: Add Function Breakpoint)',
        };
      // The innermost message whose text covers the line (a conversation's array covers all of them).
      const span = spans.filter((m) => m.first <= s.line && s.line <= m.last).sort((a, b) => b.first - a.first)[0];
      if (!span) return { id, verified: false, message: `no message on line ${s.line}; put the breakpoint on a message object` };
      const armed = this.arm(s, id);
      if (!isArmed(armed)) return { ...armed, line: span.first };
      armedList.push({ ...armed, match: span.message });
      return { id, verified: true, line: span.first };
    });
    this.lineBps.set(file, armedList);
    return results;
  }

  /** Replace the event breakpoints (DAP setExceptionBreakpoints: filters, with optional conditions over the event). */
  setEventBreakpoints(
    filters: readonly string[],
    options: ReadonlyArray<{ filterId: string; condition?: string }> = [],
  ): BreakpointResult[] {
    this.events.clear();
    const known = new Set<string>(EVENT_FILTERS.map((f) => f.filter));
    const all = [...filters.map((filterId) => ({ filterId, condition: undefined as string | undefined })), ...options];
    return all.map(({ filterId, condition }) => {
      if (!known.has(filterId))
        return { id: this.nextId++, verified: false, message: `unknown event filter '${filterId}'; known: ${[...known].join(', ')}` };
      const armed = this.arm({ condition });
      if (!isArmed(armed)) return armed;
      this.events.set(filterId, armed);
      return { id: armed.id, verified: true };
    });
  }

  /** Message and line breakpoints for one delivery (`context` from deliveryContext). */
  matchDelivery(message: FipaMessage, context: Record<string, unknown>): Hit {
    const hit: Hit = { ids: [], logs: [] };
    for (const bp of this.messageBps) this.consider(bp, context, hit);
    for (const list of this.lineBps.values()) for (const bp of list) if (sameMessage(bp.match, message)) this.consider(bp, context, hit);
    return hit;
  }

  /** The event filter an event meets (and its breakpoint's verdict), or undefined. */
  matchEvent(event: TraceEvent): { filter: EventFilter; hit: Hit } | undefined {
    for (const f of EVENT_FILTERS) {
      const bp = this.events.get(f.filter);
      if (!bp || !f.matches(event)) continue;
      const hit: Hit = { ids: [], logs: [] };
      this.consider(bp, event as unknown as Record<string, unknown>, hit);
      if (hit.ids.length || hit.logs.length) return { filter: f.filter, hit };
    }
    return undefined;
  }

  /** Whether any breakpoint is set (a run without any needs no checks). */
  get empty(): boolean {
    return !this.messageBps.length && !this.events.size && [...this.lineBps.values()].every((l) => !l.length);
  }

  private consider(bp: Armed, context: Record<string, unknown>, hit: Hit): void {
    if (bp.condition && !bp.condition.test(context)) return;
    bp.hits++;
    if (bp.hitTest && !bp.hitTest(bp.hits)) return;
    if (bp.log !== undefined) hit.logs.push(formatLog(bp.log, context));
    else hit.ids.push(bp.id);
  }

  private arm(s: BreakpointSpec, id = this.nextId++): Armed | BreakpointResult {
    try {
      return {
        id,
        hits: 0,
        condition: s.condition ? parseCondition(s.condition) : undefined,
        hitTest: s.hitCondition ? parseHitCondition(s.hitCondition) : undefined,
        log: s.logMessage,
      };
    } catch (e) {
      return { id, verified: false, message: (e as Error).message };
    }
  }
}
