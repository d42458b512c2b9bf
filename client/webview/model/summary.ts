/** The summary strip's numbers at a cursor: agents, messages, problems and the run-clock duration, by binary search. */
import type { TraceStore } from './traceStore';
import type { ProblemKind } from './rows';

export interface Summary {
  agents: number;
  outside: number;
  messages: number;
  delivered: number;
  problems: Record<ProblemKind, number>;
  /** Events skipped for missing or mistyped fields, and events of types this inspector does not know. */
  malformed: number;
  unknown: number;
  duration: number;
  runName?: string;
  runEnded?: { reason: string; delivered: number; dropped: number; timeouts: number };
}

/** Failures count only failures (failure replies, crashes, refused effects); refuse and not_understood are answers. */
export function summaryAt(store: TraceStore, cursor: number): Summary {
  let agents = 0,
    outside = 0;
  for (const a of store.agents) {
    if (a.firstEvent >= cursor) continue;
    if (a.ownSince >= 0 && a.ownSince < cursor) agents++;
    else outside++;
  }
  const span = store.timeSpan(cursor);
  const started = store.runStarted >= 0 && store.runStarted < cursor ? store.events[store.runStarted] : undefined;
  const ended = store.runEnded >= 0 && store.runEnded < cursor ? store.events[store.runEnded] : undefined;
  return {
    agents,
    outside,
    messages: store.countAt('messages', cursor),
    delivered: store.countAt('delivered', cursor),
    problems: {
      dropped: store.countAt('dropped', cursor),
      timeout: store.countAt('timeouts', cursor),
      violation: store.countAt('violations', cursor),
      failure: store.countAt('failures', cursor),
    },
    malformed: store.countAt('malformed', cursor),
    unknown: store.countAt('unknown', cursor),
    duration: Math.max(0, span.end - span.start),
    runName: started?.type === 'run_started' ? started.name : undefined,
    runEnded:
      ended?.type === 'run_ended'
        ? { reason: ended.reason, delivered: ended.delivered, dropped: ended.dropped, timeouts: ended.timeouts }
        : undefined,
  };
}
