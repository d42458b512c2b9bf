/** Every inspector model of a trace at its end (or a cursor), as the views compute them: for tests and fuzzing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent, TraceEventInput } from '../../schemas/trace';
import { TraceStore } from '../../client/webview/model/traceStore';
import { rowAt, type DiagramRow } from '../../client/webview/model/rows';
import { summaryAt } from '../../client/webview/model/summary';
import { agentsAt } from '../../client/webview/model/agents';
import { AuctionsModel } from '../../client/webview/model/auctions';
import { RoutesModel } from '../../client/webview/model/routes';
import { PatternsModel } from '../../client/webview/model/patterns';
import { conversationAt, conversationsAt, patternOutcomes, protocolAt } from '../../client/webview/model/conversations';
import { lanesAt } from '../../client/webview/model/rowFilter';
import { fixturesDir } from './paths';

/** A fixture trace of test/fixtures/traces. */
export function readTrace(name: string): TraceEvent[] {
  return fs
    .readFileSync(path.join(fixturesDir, 'traces', name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TraceEvent);
}

/** Number and timestamp events the way the trace writer does (100 ms apart). */
export function numbered(events: TraceEventInput[]): TraceEvent[] {
  return events.map((e, i) => ({ ...e, seq: i, t: i * 100 }) as TraceEvent);
}

/** The store of `events` and every view's model after the first `cursor` events (default: all). */
export function inspectorModels(events: readonly TraceEvent[], cursor = events.length) {
  const store = new TraceStore();
  store.append(events);
  const rows: DiagramRow[] = [];
  for (let r = 0; r < store.rowsAt(cursor); r++) rows.push(rowAt(store, r, cursor));
  const auctions = new AuctionsModel().at(store, cursor);
  const patterns = new PatternsModel().at(store, cursor).state;
  const outcomes = patternOutcomes(auctions.auctions, auctions.contractNets, patterns.bargaining.values());
  const conversations = store.conversations
    .slice(0, conversationsAt(store, cursor))
    .map((_c, i) => ({ ...conversationAt(store, i, cursor, outcomes), state: protocolAt(store, i, cursor) }));
  return {
    store,
    rows,
    summary: summaryAt(store, cursor),
    agents: agentsAt(store, cursor),
    lanes: lanesAt(store, cursor).lanes.map((l) => l.name),
    auctions: auctions.auctions,
    contractNets: auctions.contractNets,
    ...new RoutesModel().at(store, cursor),
    conversations,
    patterns: {
      ...patterns,
      sagas: [...patterns.sagas.values()],
      bargaining: [...patterns.bargaining.values()],
      blackboard: [...patterns.blackboard.values()],
    },
  };
}
