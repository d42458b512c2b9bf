/** A large, valid trace for scale tests: conversations among 8 agents with deliveries, auctions and breakers. */
import type { TraceEvent, TraceEventInput } from '../../schemas/trace';
import type { Performative } from '../../schemas/index';

/** Exactly `count` events, numbered from 0. */
export function syntheticTrace(count: number): TraceEvent[] {
  const agents = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
  const perfs: Performative[] = ['request', 'agree', 'inform', 'query_ref', 'failure', 'refuse'];
  const out: TraceEvent[] = [];
  const push = (e: TraceEventInput) => {
    if (out.length < count) out.push({ ...e, seq: out.length, t: out.length * 2 } as TraceEvent);
  };
  push({ type: 'run_started', name: 'synthetic', agents });
  for (let i = 0; out.length < count; i++) {
    const from = agents[i % 8],
      to = agents[(i * 3 + 1) % 8];
    const id = `m${i}`;
    push({
      type: 'message_sent',
      id,
      to: [to],
      message: {
        message_id: id,
        performative: perfs[i % perfs.length],
        sender: from,
        receiver: to,
        conversation_id: `c${Math.floor(i / 4)}`,
        content: { i },
      },
    });
    push({ type: 'message_delivered', id, to });
    if (i % 50 === 0) push({ type: 'agent_usage', agent: to, fuel: 1000 + i, memory_bytes: 65536, duration_ms: 1 });
    if (i % 400 === 7) push({ type: 'timeout', waiting: from, conversation_id: `c${Math.floor(i / 4)}`, deadline: i });
    if (i % 500 === 9)
      push({
        type: 'auction_round',
        auction_id: `auc${Math.floor(i / 1000)}`,
        kind: 'dutch',
        round: Math.floor(i / 500),
        price: 1000 - i / 10,
        bids: [{ bidder: from, amount: 1000 - i / 10 }],
        leader: from,
      });
    if (i % 700 === 11)
      push({
        type: 'breaker_state',
        route: 'r/x',
        from: i % 1400 === 11 ? 'closed' : 'open',
        to: i % 1400 === 11 ? 'open' : 'closed',
        failures: 3,
      });
  }
  return out;
}
