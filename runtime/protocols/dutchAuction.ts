/**
 * Dutch auction (FIPA XC00032) as a pure machine: the price starts high and drops by `step` each round until a
 * bidder takes it (the first propose to arrive wins, at the current price) or the next price would fall below
 * the floor. Takers who arrive after the item is sold are refused with a violation, never ignored.
 */
import type { FipaMessage } from '../../schemas';
import {
  replyBy,
  systemNotice,
  violation,
  type Instant,
  type ProtocolEffect,
  type ProtocolEvent,
  type ProtocolMachine,
  type Step,
} from './machine';
import { AUCTION_PROTOCOL, afterClose, closeAuction, screen, toBidder, type AuctionBase } from './auctionCommon';

export interface DutchAuctionOptions extends AuctionBase {
  startPrice: number;
  step: number;
  /** The lowest price the item is offered at. */
  floor: number;
  roundMs: number;
}

export interface DutchAuctionState {
  readonly phase: 'idle' | 'open' | 'closed';
  readonly round: number;
  readonly price: number;
  readonly passed: readonly string[];
  readonly active: readonly string[];
  readonly seenIds: readonly string[];
  readonly winner?: string;
}

const KIND = 'dutch' as const;

/** Create the Dutch auctioneer machine. */
export function dutchAuctionMachine(o: DutchAuctionOptions): ProtocolMachine<DutchAuctionState> {
  const protocol = AUCTION_PROTOCOL[KIND];

  const offer = (s: DutchAuctionState, round: number, price: number, at: Instant): Step<DutchAuctionState> => {
    const effects: ProtocolEffect[] = s.active.map((b) => ({
      kind: 'send',
      message: {
        ...toBidder(o, KIND, b, 'cfp', { item: o.item, round, price }),
        reply_with: `${o.auctionId}/round/${round}/${b}`,
        reply_by: replyBy(at, o.roundMs),
      },
    }));
    effects.push({ kind: 'set_timer', timer: 'round', delayMs: o.roundMs });
    return { state: { ...s, phase: 'open', round, price, passed: [] }, effects };
  };

  /** Nobody took the price this round: lower it, or end at the floor. */
  const lower = (s: DutchAuctionState, at: Instant): Step<DutchAuctionState> => {
    const effects: ProtocolEffect[] = [
      { kind: 'cancel_timer', timer: 'round' },
      { kind: 'trace', event: { type: 'auction_round', auction_id: o.auctionId, kind: KIND, round: s.round, price: s.price, bids: [] } },
    ];
    const next = s.price - o.step;
    if (!s.active.length)
      return {
        state: { ...s, phase: 'closed' },
        effects: [...effects, ...closeAuction(o, KIND, s.round, { reason: 'every bidder withdrew' })],
      };
    if (next < o.floor) {
      return {
        state: { ...s, phase: 'closed' },
        effects: [...effects, ...closeAuction(o, KIND, s.round, { reason: `no taker down to the floor ${o.floor}` })],
      };
    }
    const r = offer(s, s.round + 1, next, at);
    return { state: r.state, effects: [...effects, ...r.effects] };
  };

  const onMessage = (s: DutchAuctionState, m: FipaMessage, at: Instant): Step<DutchAuctionState> => {
    const notice = systemNotice(m, o.bidders);
    if (notice) {
      // The runtime says a bidder trapped: withdraw it. A timeout is just no taker from it at this price.
      if (s.phase !== 'open' || notice.error === 'timeout' || !s.active.includes(notice.agent)) return { state: s, effects: [] };
      const next = { ...s, active: s.active.filter((b) => b !== notice.agent) };
      return next.active.every((b) => next.passed.includes(b)) ? lower(next, at) : { state: next, effects: [] };
    }
    const refused = screen(o, KIND, m, s.seenIds);
    if (refused) return { state: s, effects: refused };
    const st = m.message_id ? { ...s, seenIds: [...s.seenIds, m.message_id] } : s;
    const from = m.sender;
    if (s.phase !== 'open') {
      if (m.performative === 'propose' && s.winner) {
        return {
          state: st,
          effects: violation(
            o.auctioneer,
            protocol,
            m,
            'nothing: the item is sold',
            `too late: sold to ${s.winner} at ${s.price}`,
            'reject_proposal',
          ),
        };
      }
      return { state: st, effects: afterClose(o, KIND, m) };
    }
    if (m.performative === 'failure') {
      const next = { ...st, active: st.active.filter((b) => b !== from) };
      return next.active.every((b) => next.passed.includes(b)) ? lower(next, at) : { state: next, effects: [] };
    }
    if (!st.active.includes(from))
      return {
        state: st,
        effects: violation(o.auctioneer, protocol, m, 'nothing: the bidder was withdrawn', `${from} was withdrawn from ${o.auctionId}`),
      };
    if (m.performative === 'refuse' || m.performative === 'not_understood') {
      if (st.passed.includes(from))
        return {
          state: st,
          effects: violation(o.auctioneer, protocol, m, `one answer from ${from} per round`, `${from} already passed round ${s.round}`),
        };
      const next = { ...st, passed: [...st.passed, from] };
      return next.active.every((b) => next.passed.includes(b)) ? lower(next, at) : { state: next, effects: [] };
    }
    if (m.performative !== 'propose')
      return {
        state: st,
        effects: violation(o.auctioneer, protocol, m, `propose (take the price) or refuse from ${from}`, `${m.performative} is not a bid`),
      };
    // First taker wins at the current price (the seller's price; a bidder cannot bid under it).
    const effects: ProtocolEffect[] = [
      { kind: 'cancel_timer', timer: 'round' },
      {
        kind: 'trace',
        event: {
          type: 'auction_round',
          auction_id: o.auctionId,
          kind: KIND,
          round: s.round,
          price: s.price,
          bids: [{ bidder: from, amount: s.price }],
          leader: from,
        },
      },
      { kind: 'send', message: toBidder(o, KIND, from, 'accept_proposal', { price: s.price, item: o.item }, m.reply_with) },
      ...closeAuction(o, KIND, s.round, { winner: from, price: s.price, reason: `first taker at ${s.price}` }),
    ];
    return { state: { ...st, phase: 'closed', winner: from }, effects };
  };

  return {
    name: o.auctioneer,
    conversationId: o.auctionId,
    initial: () => ({ phase: 'idle', round: 0, price: o.startPrice, passed: [], active: [...o.bidders], seenIds: [] }),
    step(s, e: ProtocolEvent) {
      if (e.type === 'start') {
        if (s.phase !== 'idle') return { state: s, effects: [] };
        if (!o.bidders.length) return { state: { ...s, phase: 'closed' }, effects: closeAuction(o, KIND, 0, { reason: 'no bidders' }) };
        if (o.startPrice < o.floor)
          return {
            state: { ...s, phase: 'closed' },
            effects: closeAuction(o, KIND, 0, { reason: `start price ${o.startPrice} is below the floor ${o.floor}` }),
          };
        return offer(s, 1, o.startPrice, e.at);
      }
      if (e.type === 'message') return onMessage(s, e.message, e.at);
      if (e.timer === 'round' && s.phase === 'open') return lower(s, e.at);
      return { state: s, effects: [] };
    },
  };
}
