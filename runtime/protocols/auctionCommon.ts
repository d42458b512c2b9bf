/** What the three auction machines share: bids, checks every incoming message goes through, and closing effects. */
import type { FipaMessage } from '../../schemas';
import { numberIn, violation, type ProtocolEffect } from './machine';

export type AuctionKind = 'english' | 'dutch' | 'vickrey';

export interface Bid {
  bidder: string;
  amount: number;
  at: number;
  replyWith?: string;
}

export interface AuctionBase {
  auctioneer: string;
  auctionId: string;
  bidders: string[];
  item: unknown;
}

export const AUCTION_PROTOCOL: Record<AuctionKind, string> = {
  english: 'fipa-english-auction',
  dutch: 'fipa-dutch-auction',
  vickrey: 'caxton-vickrey-auction',
};

/** The amount of a bid: the content itself or its amount/bid/price field. */
export function bidAmount(m: FipaMessage): number | undefined {
  return numberIn(m.content, ['amount', 'bid', 'price']);
}

/**
 * Order bids best first: higher amount, then earlier arrival, then smaller bidder name. The name rule makes
 * ties deterministic even when two bids arrive at the same simulated instant.
 */
export function rankBids(bids: readonly Bid[]): Bid[] {
  return [...bids].sort((a, b) => b.amount - a.amount || a.at - b.at || (a.bidder < b.bidder ? -1 : a.bidder > b.bidder ? 1 : 0));
}

/**
 * Checks every auction applies before its own logic: duplicates (by message_id) and strangers are violations.
 * Returns the effects to perform when the message must be refused, or undefined when it may go on.
 */
export function screen(o: AuctionBase, kind: AuctionKind, m: FipaMessage, seenIds: readonly string[]): ProtocolEffect[] | undefined {
  const protocol = AUCTION_PROTOCOL[kind];
  if (m.message_id && seenIds.includes(m.message_id)) {
    return violation(o.auctioneer, protocol, m, 'each message once', `duplicate message ${m.message_id}`);
  }
  if (!o.bidders.includes(m.sender)) {
    return violation(o.auctioneer, protocol, m, `bids only from ${o.bidders.join(', ')}`, `${m.sender} is not a bidder in ${o.auctionId}`);
  }
  return undefined;
}

/** A message to one bidder in this auction. */
export function toBidder(
  o: AuctionBase,
  kind: AuctionKind,
  bidder: string,
  performative: FipaMessage['performative'],
  content: unknown,
  inReplyTo?: string,
): FipaMessage {
  const m: FipaMessage = {
    performative,
    sender: o.auctioneer,
    receiver: bidder,
    protocol: AUCTION_PROTOCOL[kind],
    conversation_id: o.auctionId,
    content,
  };
  if (inReplyTo) m.in_reply_to = inReplyTo;
  return m;
}

/** A bid (or other message) after the auction closed: a violation answered with failure. */
export function afterClose(o: AuctionBase, kind: AuctionKind, m: FipaMessage): ProtocolEffect[] {
  return violation(
    o.auctioneer,
    AUCTION_PROTOCOL[kind],
    m,
    'nothing: the auction is closed',
    `${m.performative} after ${o.auctionId} closed`,
    'failure',
  );
}

/** The effects that end an auction: the result event, an inform to every bidder, the conversation end and the outcome. */
export function closeAuction(
  o: AuctionBase,
  kind: AuctionKind,
  rounds: number,
  result: { winner?: string; price?: number; reason: string },
): ProtocolEffect[] {
  const ok = result.winner !== undefined;
  const effects: ProtocolEffect[] = [
    { kind: 'cancel_timer', timer: 'round' },
    {
      kind: 'trace',
      event: { type: 'auction_result', auction_id: o.auctionId, kind, winner: result.winner, price: result.price, reason: result.reason },
    },
  ];
  for (const b of o.bidders) {
    effects.push({
      kind: 'send',
      message: toBidder(o, kind, b, 'inform', {
        auction_closed: true,
        item: o.item,
        winner: result.winner ?? null,
        price: result.price ?? null,
        you_won: b === result.winner,
        reason: result.reason,
      }),
    });
  }
  effects.push({
    kind: 'done',
    outcome: {
      kind: `${kind}_auction`,
      ok,
      reason: result.reason,
      conversation_id: o.auctionId,
      winner: result.winner,
      price: result.price,
      rounds,
    },
  });
  return effects;
}
