/**
 * Vickrey (sealed-bid, second-price) auction as a pure machine. One call for bids with a deadline; each bidder
 * may bid once. The highest bidder wins and pays the second-highest bid (or the reserve, if higher). With a
 * single bid the winner pays the reserve when one is set, else its own bid. Ties: equal top bids go to the
 * earlier bid, then to the alphabetically smaller bidder name; the price is then the tied amount.
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
import {
  AUCTION_PROTOCOL,
  afterClose,
  bidAmount,
  closeAuction,
  rankBids,
  screen,
  toBidder,
  type AuctionBase,
  type Bid,
} from './auctionCommon';

export interface VickreyAuctionOptions extends AuctionBase {
  reserve?: number;
  deadlineMs: number;
}

export interface VickreyAuctionState {
  readonly phase: 'idle' | 'open' | 'closed';
  readonly bids: readonly Bid[];
  readonly answered: readonly string[];
  readonly seenIds: readonly string[];
}

const KIND = 'vickrey' as const;

/** The winner and the price it pays under the rules above (pure; exported for tests and the inspector). */
export function vickreyOutcome(bids: readonly Bid[], reserve?: number): { winner?: string; price?: number; reason: string } {
  const ranked = rankBids(bids);
  const [top, second] = ranked;
  if (!top) return { reason: 'no bids' };
  if (reserve !== undefined && top.amount < reserve)
    return { price: top.amount, reason: `reserve not met: highest bid ${top.amount} < reserve ${reserve}` };
  const base = second ? second.amount : (reserve ?? top.amount);
  const price = Math.max(base, reserve ?? base);
  const tie = second && second.amount === top.amount ? ` (tie at ${top.amount} broken by arrival, then name)` : '';
  return { winner: top.bidder, price, reason: second ? `highest sealed bid ${top.amount}; pays the second price${tie}` : 'single bid' };
}

/** Create the Vickrey auctioneer machine. */
export function vickreyAuctionMachine(o: VickreyAuctionOptions): ProtocolMachine<VickreyAuctionState> {
  const protocol = AUCTION_PROTOCOL[KIND];

  const close = (s: VickreyAuctionState): Step<VickreyAuctionState> => {
    const result = vickreyOutcome(s.bids, o.reserve);
    const effects: ProtocolEffect[] = [
      {
        kind: 'trace',
        event: {
          type: 'auction_round',
          auction_id: o.auctionId,
          kind: KIND,
          round: 1,
          price: result.price ?? 0,
          bids: s.bids.map((b) => ({ bidder: b.bidder, amount: b.amount })),
          leader: result.winner,
        },
      },
    ];
    for (const b of s.bids) {
      effects.push({
        kind: 'send',
        message:
          b.bidder === result.winner
            ? toBidder(o, KIND, b.bidder, 'accept_proposal', { price: result.price, your_bid: b.amount }, b.replyWith)
            : toBidder(
                o,
                KIND,
                b.bidder,
                'reject_proposal',
                { reason: result.winner ? 'outbid' : result.reason, your_bid: b.amount },
                b.replyWith,
              ),
      });
    }
    return { state: { ...s, phase: 'closed' }, effects: [...effects, ...closeAuction(o, KIND, 1, result)] };
  };

  const onMessage = (s: VickreyAuctionState, m: FipaMessage, at: Instant): Step<VickreyAuctionState> => {
    const notice = systemNotice(m, o.bidders);
    // The runtime says a bidder trapped or never bid: it simply has no bid.
    if (notice && (s.phase !== 'open' || s.answered.includes(notice.agent))) return { state: s, effects: [] };
    const refused = notice ? undefined : screen(o, KIND, m, s.seenIds);
    if (refused) return { state: s, effects: refused };
    const st = m.message_id ? { ...s, seenIds: [...s.seenIds, m.message_id] } : s;
    if (s.phase !== 'open') return { state: st, effects: afterClose(o, KIND, m) };
    const from = notice?.agent ?? m.sender;
    if (st.answered.includes(from))
      return { state: st, effects: violation(o.auctioneer, protocol, m, `one sealed bid from ${from}`, `${from} already bid`) };
    const answered = [...st.answered, from];
    let next: VickreyAuctionState;
    if (m.performative === 'propose') {
      const amount = bidAmount(m);
      if (amount === undefined)
        return {
          state: st,
          effects: violation(o.auctioneer, protocol, m, 'propose with content { amount: <number> }', 'the bid has no amount'),
        };
      next = { ...st, answered, bids: [...st.bids, { bidder: from, amount, at: at.now, replyWith: m.reply_with }] };
    } else if (m.performative === 'refuse' || m.performative === 'not_understood' || m.performative === 'failure') {
      next = { ...st, answered };
    } else {
      return {
        state: st,
        effects: violation(o.auctioneer, protocol, m, `propose or refuse from ${from}`, `${m.performative} is not a bid`),
      };
    }
    if (o.bidders.every((b) => next.answered.includes(b))) {
      const r = close(next);
      return { state: r.state, effects: [{ kind: 'cancel_timer', timer: 'round' }, ...r.effects] };
    }
    return { state: next, effects: [] };
  };

  return {
    name: o.auctioneer,
    conversationId: o.auctionId,
    initial: () => ({ phase: 'idle', bids: [], answered: [], seenIds: [] }),
    step(s, e: ProtocolEvent) {
      if (e.type === 'start') {
        if (s.phase !== 'idle') return { state: s, effects: [] };
        if (!o.bidders.length) return { state: { ...s, phase: 'closed' }, effects: closeAuction(o, KIND, 0, { reason: 'no bidders' }) };
        const effects: ProtocolEffect[] = o.bidders.map((b) => ({
          kind: 'send',
          message: {
            ...toBidder(o, KIND, b, 'cfp', { item: o.item, sealed: true, reserve: o.reserve ?? null }),
            reply_with: `${o.auctionId}/bid/${b}`,
            reply_by: replyBy(e.at, o.deadlineMs),
          },
        }));
        effects.push({ kind: 'set_timer', timer: 'round', delayMs: o.deadlineMs });
        return { state: { ...s, phase: 'open' }, effects };
      }
      if (e.type === 'message') return onMessage(s, e.message, e.at);
      if (e.timer === 'round' && s.phase === 'open') return close(s);
      return { state: s, effects: [] };
    },
  };
}
