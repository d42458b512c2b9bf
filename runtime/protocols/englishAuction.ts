/**
 * English auction (FIPA XC00031) as a pure machine: ascending rounds; each round calls for bids at least `ask`
 * (the leading price + increment), closes at its deadline or when every bidder but the leader answered, and the
 * auction ends when a round brings no higher bid. The leader wins if the price meets the reserve.
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

export interface EnglishAuctionOptions extends AuctionBase {
  startPrice: number;
  increment: number;
  reserve?: number;
  roundMs: number;
  /** A safety stop; the leader at that point wins (if the reserve is met). */
  maxRounds: number;
}

export interface EnglishAuctionState {
  readonly phase: 'idle' | 'open' | 'closed';
  readonly round: number;
  /** The lowest acceptable bid this round. */
  readonly ask: number;
  readonly price?: number;
  readonly leader?: string;
  readonly bids: readonly Bid[];
  /** Bidders who answered this round (bid, passed or were rejected). */
  readonly answered: readonly string[];
  /** Bidders still in the auction (a bidder whose handler failed is withdrawn). */
  readonly active: readonly string[];
  readonly seenIds: readonly string[];
}

const KIND = 'english' as const;

/** Create the English auctioneer machine. */
export function englishAuctionMachine(o: EnglishAuctionOptions): ProtocolMachine<EnglishAuctionState> {
  const protocol = AUCTION_PROTOCOL[KIND];

  const callRound = (s: EnglishAuctionState, round: number, ask: number, at: Instant): Step<EnglishAuctionState> => {
    const effects: ProtocolEffect[] = s.active.map((b) => {
      const message = toBidder(o, KIND, b, 'cfp', {
        item: o.item,
        round,
        ask,
        price: s.price ?? null,
        leader: s.leader ?? null,
        you_lead: b === s.leader,
      });
      // The leader need not answer, so its cfp asks for no reply (no reply_by wait, no timeout for it).
      return {
        kind: 'send',
        message:
          b === s.leader ? message : { ...message, reply_with: `${o.auctionId}/round/${round}/${b}`, reply_by: replyBy(at, o.roundMs) },
      };
    });
    effects.push({ kind: 'set_timer', timer: 'round', delayMs: o.roundMs });
    return { state: { ...s, phase: 'open', round, ask, bids: [], answered: [] }, effects };
  };

  const closeRound = (s: EnglishAuctionState, at: Instant): Step<EnglishAuctionState> => {
    const ranked = rankBids(s.bids);
    const top = ranked[0];
    const leader = top?.bidder ?? s.leader;
    const price = top?.amount ?? s.price;
    const effects: ProtocolEffect[] = [
      { kind: 'cancel_timer', timer: 'round' },
      {
        kind: 'trace',
        event: {
          type: 'auction_round',
          auction_id: o.auctionId,
          kind: KIND,
          round: s.round,
          price: price ?? s.ask,
          bids: s.bids.map((b) => ({ bidder: b.bidder, amount: b.amount })),
          leader,
        },
      },
    ];
    if (top) {
      effects.push({
        kind: 'send',
        message: toBidder(o, KIND, top.bidder, 'accept_proposal', { leading: true, price: top.amount }, top.replyWith),
      });
      for (const b of ranked.slice(1))
        effects.push({
          kind: 'send',
          message: toBidder(
            o,
            KIND,
            b.bidder,
            'reject_proposal',
            { reason: `outbid: ${top.bidder} leads at ${top.amount}`, price: top.amount },
            b.replyWith,
          ),
        });
    }
    const next: EnglishAuctionState = { ...s, leader, price };
    const challengers = next.active.filter((b) => b !== leader);
    if (top && s.round < o.maxRounds && challengers.length > 0) {
      const r = callRound(next, s.round + 1, top.amount + o.increment, at);
      return { state: r.state, effects: [...effects, ...r.effects] };
    }
    let result: { winner?: string; price?: number; reason: string };
    if (!leader || price === undefined) result = { reason: 'no bids' };
    else if (o.reserve !== undefined && price < o.reserve)
      result = { price, reason: `reserve not met: highest bid ${price} < reserve ${o.reserve}` };
    else result = { winner: leader, price, reason: top && s.round >= o.maxRounds ? `round limit ${o.maxRounds} reached` : 'no higher bid' };
    return { state: { ...next, phase: 'closed' }, effects: [...effects, ...closeAuction(o, KIND, s.round, result)] };
  };

  const onMessage = (s: EnglishAuctionState, m: FipaMessage, at: Instant): Step<EnglishAuctionState> => {
    const notice = systemNotice(m, o.bidders);
    if (notice) return onNotice(s, notice.agent, notice.error, m, at);
    const refused = screen(o, KIND, m, s.seenIds);
    if (refused) return { state: s, effects: refused };
    const st = m.message_id ? { ...s, seenIds: [...s.seenIds, m.message_id] } : s;
    if (s.phase !== 'open') return { state: st, effects: afterClose(o, KIND, m) };
    const from = m.sender;
    if (m.performative === 'failure') {
      // The router answers for a bidder whose handler trapped: withdraw it (a bid it already made still stands).
      const next = { ...st, active: st.active.filter((b) => b !== from), answered: [...st.answered, from] };
      return maybeClose(next, at, [
        {
          kind: 'trace',
          event: { type: 'agent_log', agent: o.auctioneer, level: 'warn', text: `${from} withdrawn from ${o.auctionId}: it failed` },
        },
      ]);
    }
    if (!st.active.includes(from))
      return {
        state: st,
        effects: violation(o.auctioneer, protocol, m, 'nothing: the bidder was withdrawn', `${from} was withdrawn from ${o.auctionId}`),
      };
    if (m.in_reply_to && m.in_reply_to.startsWith(`${o.auctionId}/round/`) && m.in_reply_to !== `${o.auctionId}/round/${s.round}/${from}`) {
      return {
        state: st,
        effects: violation(
          o.auctioneer,
          protocol,
          m,
          `an answer to round ${s.round}`,
          `late: round ${m.in_reply_to.split('/').at(-2)} is over`,
          'reject_proposal',
        ),
      };
    }
    if (st.answered.includes(from))
      return {
        state: st,
        effects: violation(o.auctioneer, protocol, m, `one answer from ${from} per round`, `${from} already answered round ${s.round}`),
      };
    if (m.performative === 'refuse' || m.performative === 'not_understood')
      return maybeClose({ ...st, answered: [...st.answered, from] }, at, []);
    if (m.performative !== 'propose')
      return {
        state: st,
        effects: violation(o.auctioneer, protocol, m, `propose or refuse from ${from}`, `${m.performative} is not a bid`),
      };
    const amount = bidAmount(m);
    if (amount === undefined)
      return {
        state: st,
        effects: violation(o.auctioneer, protocol, m, 'propose with content { amount: <number> }', 'the bid has no amount'),
      };
    const answered = [...st.answered, from];
    if (amount < s.ask) {
      const reject: ProtocolEffect = {
        kind: 'send',
        message: toBidder(
          o,
          KIND,
          from,
          'reject_proposal',
          { reason: `bid ${amount} is below the ask ${s.ask}`, ask: s.ask },
          m.reply_with,
        ),
      };
      return maybeClose({ ...st, answered }, at, [reject]);
    }
    return maybeClose({ ...st, answered, bids: [...st.bids, { bidder: from, amount, at: at.now, replyWith: m.reply_with }] }, at, []);
  };

  /** The runtime says a bidder trapped (withdraw it) or did not answer this round in time (a pass). */
  const onNotice = (s: EnglishAuctionState, agent: string, error: string, m: FipaMessage, at: Instant): Step<EnglishAuctionState> => {
    const current = !m.in_reply_to || m.in_reply_to === `${o.auctionId}/round/${s.round}/${agent}`;
    if (s.phase !== 'open' || !current || !s.active.includes(agent)) return { state: s, effects: [] };
    if (error === 'timeout')
      return s.answered.includes(agent) ? { state: s, effects: [] } : maybeClose({ ...s, answered: [...s.answered, agent] }, at, []);
    return maybeClose({ ...s, active: s.active.filter((b) => b !== agent), answered: [...s.answered, agent] }, at, [
      {
        kind: 'trace',
        event: { type: 'agent_log', agent: o.auctioneer, level: 'warn', text: `${agent} withdrawn from ${o.auctionId}: ${error}` },
      },
    ]);
  };

  /** Close the round early once every active bidder but the leader has answered. */
  const maybeClose = (s: EnglishAuctionState, at: Instant, effects: ProtocolEffect[]): Step<EnglishAuctionState> => {
    const waiting = s.active.filter((b) => b !== s.leader && !s.answered.includes(b));
    if (waiting.length) return { state: s, effects };
    const r = closeRound(s, at);
    return { state: r.state, effects: [...effects, ...r.effects] };
  };

  return {
    name: o.auctioneer,
    conversationId: o.auctionId,
    initial: () => ({ phase: 'idle', round: 0, ask: o.startPrice, bids: [], answered: [], active: [...o.bidders], seenIds: [] }),
    step(s, e: ProtocolEvent) {
      if (e.type === 'start') {
        if (s.phase !== 'idle') return { state: s, effects: [] };
        if (!o.bidders.length) return { state: { ...s, phase: 'closed' }, effects: closeAuction(o, KIND, 0, { reason: 'no bidders' }) };
        return callRound(s, 1, o.startPrice, e.at);
      }
      if (e.type === 'message') return onMessage(s, e.message, e.at);
      if (e.timer === 'round' && s.phase === 'open') return closeRound(s, e.at);
      return { state: s, effects: [] };
    },
  };
}
