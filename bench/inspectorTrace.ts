/**
 * A large trace like the (50 agents, request / agree / inform conversations of ~16 events with deliveries
 * and usage reports, timeouts, auction rounds, breaker changes), for the inspector benchmark. Deterministic.
 */
import type { TraceEvent, TraceEventInput } from '../schemas/trace';
import type { Performative } from '../schemas/index';

/** Exactly `count` events, numbered from 0, as JSONL lines. */
export function benchTrace(count: number): string[] {
  const agents = Array.from({ length: 50 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
  const lines: string[] = [];
  let t = 0;
  const push = (e: TraceEventInput) => {
    if (lines.length < count) lines.push(JSON.stringify({ ...e, seq: lines.length, t } as TraceEvent));
  };
  push({ type: 'run_started', name: 'bench', agents });
  const steps: Performative[] = ['request', 'agree', 'inform'];
  for (let c = 0; lines.length < count; c++) {
    const a = agents[c % 50],
      b = agents[(c * 7 + 3) % 50];
    const conversation = `order-${c}`;
    for (let k = 0; k < 3 && lines.length < count; k++) {
      const id = `m-${c}-${k}`;
      const [from, to] = k === 0 ? [a, b] : [b, a];
      push({
        type: 'message_sent',
        id,
        to: [to],
        message: {
          message_id: id,
          performative: steps[k],
          sender: from,
          receiver: to,
          protocol: 'fipa-request',
          conversation_id: conversation,
          ...(k === 0 ? { reply_with: `r-${c}` } : { in_reply_to: `r-${c}` }),
          content: { order: c, item: 'widget', qty: 1 + (c % 9) },
        },
      });
      push({ type: 'message_delivered', id, to });
      push({ type: 'agent_usage', agent: to, fuel: 2000 + (c % 500), memory_bytes: 65536, duration_ms: 0.1 });
      if (k === 2) push({ type: 'conversation_ended', conversation_id: conversation, outcome: 'done' });
      t += 1;
    }
    if (c % 97 === 5) push({ type: 'timeout', waiting: a, conversation_id: conversation, deadline: t });
    if (c % 250 === 9)
      push({
        type: 'auction_round',
        auction_id: `auction-${Math.floor(c / 2500)}`,
        kind: 'english',
        round: (Math.floor(c / 250) % 10) + 1,
        price: 100 + (c % 2500) / 10,
        bids: [{ bidder: a, amount: 100 }],
        leader: a,
      });
    if (c % 400 === 11)
      push({
        type: 'breaker_state',
        route: `route-${c % 4}`,
        from: c % 800 === 11 ? 'closed' : 'open',
        to: c % 800 === 11 ? 'open' : 'closed',
        failures: 3,
      });
  }
  return lines;
}
