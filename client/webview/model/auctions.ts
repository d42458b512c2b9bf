/**
 * Auctions and contract nets at a cursor: rounds with prices, bids and leader, every bidder (those who refused every
 * round too), the winner; contract-net proposals per round with only the winning round's proposal chosen.
 */
import type { TraceEvent } from '../../../schemas/trace';
import { FeedReducer } from './feedReducer';
import type { TraceStore } from './traceStore';

export interface AuctionRoundView {
  seq: number;
  t: number;
  round: number;
  price: number;
  bids: Array<{ bidder: string; amount: number }>;
  leader?: string;
}
export interface AuctionView {
  id: string;
  kind: string;
  rounds: AuctionRoundView[];
  /** Everyone the auction heard from or called on: bidders first, then those who never bid (refused every round). */
  bidders: string[];
  winner?: string;
  price?: number;
  reason?: string;
  ended: boolean;
}
export interface ContractNetRound {
  seq: number;
  t: number;
  proposals: Array<{ agent: string; content: unknown; late?: boolean }>;
}
export interface ContractNetView {
  id: string;
  rounds: ContractNetRound[];
  winner?: string;
  policy?: string;
  reason?: string;
  awarded: boolean;
  /** The round whose proposal won (the last before the award), -1 before an award. */
  winningRound: number;
}
export interface AuctionsState {
  auctions: Map<string, AuctionView>;
  contractNets: Map<string, ContractNetView>;
}

function reduce(s: AuctionsState, e: TraceEvent): void {
  switch (e.type) {
    case 'auction_round': {
      const a = s.auctions.get(e.auction_id) ?? { id: e.auction_id, kind: e.kind, rounds: [], bidders: [], ended: false };
      a.rounds.push({ seq: e.seq, t: e.t, round: e.round, price: e.price, bids: e.bids, leader: e.leader });
      for (const b of e.bids) if (!a.bidders.includes(b.bidder)) a.bidders.push(b.bidder);
      s.auctions.set(e.auction_id, a);
      return;
    }
    case 'auction_result': {
      const a = s.auctions.get(e.auction_id) ?? { id: e.auction_id, kind: e.kind, rounds: [], bidders: [], ended: false };
      Object.assign(a, { winner: e.winner, price: e.price, reason: e.reason, ended: true });
      s.auctions.set(e.auction_id, a);
      return;
    }
    case 'contract_net_proposals': {
      const c = s.contractNets.get(e.conversation_id) ?? { id: e.conversation_id, rounds: [], awarded: false, winningRound: -1 };
      c.rounds.push({ seq: e.seq, t: e.t, proposals: e.proposals });
      s.contractNets.set(e.conversation_id, c);
      return;
    }
    case 'contract_net_award': {
      const c = s.contractNets.get(e.conversation_id) ?? { id: e.conversation_id, rounds: [], awarded: false, winningRound: -1 };
      Object.assign(c, {
        winner: e.winner,
        policy: e.policy,
        reason: e.reason,
        awarded: true,
        winningRound: e.winner === undefined ? -1 : c.rounds.length - 1,
      });
      s.contractNets.set(e.conversation_id, c);
      return;
    }
    default:
  }
}

/** The parties of a conversation before the cursor other than its initiator (the first sender). */
export function participants(store: TraceStore, conversationId: string, cursor: number): string[] {
  const c = store.conversationById.get(conversationId);
  if (c === undefined) return [];
  const out: string[] = [];
  let initiator: string | undefined;
  for (const r of store.conversations[c].rows) {
    if (store.rowEvent.get(r) >= cursor) break;
    const e = store.events[store.rowEvent.get(r)];
    if (e.type !== 'message_sent') continue;
    initiator ??= e.message.sender;
    for (const p of [e.message.sender, ...e.to]) if (p !== initiator && !out.includes(p)) out.push(p);
  }
  return out;
}

/** Auctions and contract nets, reduced from the auctions feed. */
export class AuctionsModel {
  private readonly reducer = new FeedReducer<AuctionsState>('auctions', () => ({ auctions: new Map(), contractNets: new Map() }), reduce);

  at(store: TraceStore, cursor: number): { auctions: AuctionView[]; contractNets: ContractNetView[]; version: number } {
    const { state, version } = this.reducer.at(store, cursor);
    const auctions = [...state.auctions.values()].map((a) => {
      const silent = participants(store, a.id, cursor).filter((p) => !a.bidders.includes(p));
      return silent.length ? { ...a, bidders: [...a.bidders, ...silent] } : a;
    });
    return { auctions, contractNets: [...state.contractNets.values()], version };
  }
}
