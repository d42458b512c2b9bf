/**
 * The coordination patterns that are not auctions: sagas (steps run, then compensations in reverse), scatter-gather
 * results (quorum, answered and missing branches), subscriptions over time, bargaining rounds and results, and
 * blackboard keys with their versions. Reduced from the patterns feed.
 */
import type { TraceEvent } from '../../../schemas/trace';
import { FeedReducer } from './feedReducer';
import type { TraceStore } from './traceStore';

export interface SagaStep {
  seq: number;
  t: number;
  step: string;
  action: 'run' | 'compensate';
  ok: boolean;
  error?: string;
}
export interface SagaView {
  name: string;
  steps: SagaStep[];
  failedStep?: string;
  compensated: string[];
}
export interface ScatterGatherView {
  seq: number;
  t: number;
  pipeline: string;
  stage: string;
  policy: string;
  answered: string[];
  missing: string[];
}
/** One subscription of an agent to a topic, from its subscribe to its unsubscribe (open while `until` is undefined). */
export interface SubscriptionSpan {
  agent: string;
  topic: string;
  since: number;
  sinceSeq: number;
  until?: number;
  untilSeq?: number;
}
export interface BargainingRoundView {
  seq: number;
  t: number;
  round: number;
  from: string;
  offer: unknown;
}
export interface BargainingView {
  id: string;
  rounds: BargainingRoundView[];
  parties: string[];
  agreed?: boolean;
  terms?: unknown;
  reason?: string;
  ended: boolean;
}
export interface BlackboardWrite {
  seq: number;
  t: number;
  version: number;
  author: string;
  accepted: boolean;
}
export interface BlackboardKeyView {
  key: string;
  writes: BlackboardWrite[];
  version: number;
}

export interface PatternsState {
  sagas: Map<string, SagaView>;
  scatterGathers: ScatterGatherView[];
  subscriptions: SubscriptionSpan[];
  bargaining: Map<string, BargainingView>;
  blackboard: Map<string, BlackboardKeyView>;
}

function reduce(s: PatternsState, e: TraceEvent): void {
  switch (e.type) {
    case 'saga_step': {
      const saga = s.sagas.get(e.saga) ?? { name: e.saga, steps: [], compensated: [] };
      saga.steps.push({ seq: e.seq, t: e.t, step: e.step, action: e.action, ok: e.ok, error: e.error });
      if (e.action === 'run' && !e.ok) saga.failedStep = e.step;
      if (e.action === 'compensate') saga.compensated.push(e.step);
      s.sagas.set(e.saga, saga);
      return;
    }
    case 'scatter_gather_result':
      s.scatterGathers.push({
        seq: e.seq,
        t: e.t,
        pipeline: e.pipeline,
        stage: e.stage,
        policy: e.policy,
        answered: e.answered,
        missing: e.missing,
      });
      return;
    case 'subscription':
      if (e.action === 'subscribe') s.subscriptions.push({ agent: e.agent, topic: e.topic, since: e.t, sinceSeq: e.seq });
      else {
        const open = s.subscriptions.find((x) => x.agent === e.agent && x.topic === e.topic && x.until === undefined);
        if (open) {
          open.until = e.t;
          open.untilSeq = e.seq;
        }
      }
      return;
    case 'bargaining_round': {
      const b = s.bargaining.get(e.conversation_id) ?? { id: e.conversation_id, rounds: [], parties: [], ended: false };
      b.rounds.push({ seq: e.seq, t: e.t, round: e.round, from: e.from, offer: e.offer });
      if (!b.parties.includes(e.from)) b.parties.push(e.from);
      s.bargaining.set(e.conversation_id, b);
      return;
    }
    case 'bargaining_result': {
      const b = s.bargaining.get(e.conversation_id) ?? { id: e.conversation_id, rounds: [], parties: [], ended: false };
      Object.assign(b, { agreed: e.agreed, terms: e.terms, reason: e.reason, ended: true });
      s.bargaining.set(e.conversation_id, b);
      return;
    }
    case 'blackboard_write': {
      const k = s.blackboard.get(e.key) ?? { key: e.key, writes: [], version: 0 };
      k.writes.push({ seq: e.seq, t: e.t, version: e.version, author: e.author, accepted: e.accepted });
      if (e.accepted) k.version = Math.max(k.version, e.version);
      s.blackboard.set(e.key, k);
      return;
    }
    default:
  }
}

/** A number from an offer: the offer itself, or its `price` / `amount` / `value` field (for the rounds chart). */
export function offerValue(offer: unknown): number | undefined {
  if (typeof offer === 'number') return offer;
  if (typeof offer !== 'object' || offer === null) return undefined;
  const o = offer as Record<string, unknown>;
  for (const k of ['price', 'amount', 'value', 'cost']) if (typeof o[k] === 'number') return o[k] as number;
  return undefined;
}

/** How many subscriptions are open at each change, as [times, counts] (a step series for the chart). */
export function openSubscriptions(spans: readonly SubscriptionSpan[]): [number[], number[]] {
  const changes = spans
    .flatMap(
      (s) =>
        (s.until === undefined
          ? [[s.since, 1]]
          : [
              [s.since, 1],
              [s.until, -1],
            ]) as Array<[number, number]>,
    )
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const xs: number[] = [],
    ys: number[] = [];
  let open = 0;
  for (const [t, d] of changes) {
    open += d;
    if (xs.length && xs[xs.length - 1] === t) ys[ys.length - 1] = open;
    else {
      xs.push(t);
      ys.push(open);
    }
  }
  return [xs, ys];
}

export class PatternsModel {
  private readonly reducer = new FeedReducer<PatternsState>(
    'patterns',
    () => ({ sagas: new Map(), scatterGathers: [], subscriptions: [], bargaining: new Map(), blackboard: new Map() }),
    reduce,
  );

  at(store: TraceStore, cursor: number): { state: PatternsState; version: number } {
    return this.reducer.at(store, cursor);
  }
}
