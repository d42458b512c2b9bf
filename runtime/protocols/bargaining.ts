/**
 * Bargaining (caxton-bargaining) as a pure machine: the built-in negotiator opens with an offer and concedes
 * linearly from `opening` to its `limit` over `maxRounds` rounds; the counterpart answers each offer with
 * accept_proposal, reject_proposal (walks away) or a counter propose. The negotiator accepts a counter that is at
 * least as good as its own next offer. Ends agreed (terms) or failed (round limit, deadline, silence, walk-away).
 */
import type { FipaMessage } from '../../schemas';
import { numberIn, systemNotice, violation, type ProtocolEffect, type ProtocolEvent, type ProtocolMachine, type Step } from './machine';

export interface BargainingOptions {
  negotiator: string;
  counterpart: string;
  conversationId: string;
  /** buyer: wants a low price (opening < limit); seller: wants a high price (opening > limit). */
  role: 'buyer' | 'seller';
  item: unknown;
  opening: number;
  limit: number;
  maxRounds: number;
  /** How long the counterpart has to answer each offer. */
  roundMs: number;
  /** The whole negotiation must end within this. */
  deadlineMs: number;
}

export interface BargainingState {
  readonly phase: 'idle' | 'offered' | 'closed';
  readonly round: number;
  readonly lastOffer?: number;
  readonly lastReplyWith?: string;
  readonly seenIds: readonly string[];
}

export const BARGAINING_PROTOCOL = 'caxton-bargaining';

/** The negotiator's offer in round r (1-based): a straight line from opening to limit. */
export function concession(o: Pick<BargainingOptions, 'opening' | 'limit' | 'maxRounds'>, round: number): number {
  if (o.maxRounds <= 1) return o.opening;
  const f = Math.min(1, (round - 1) / (o.maxRounds - 1));
  return Math.round((o.opening + (o.limit - o.opening) * f) * 100) / 100;
}

/** Create the negotiator machine. */
export function bargainingMachine(o: BargainingOptions): ProtocolMachine<BargainingState> {
  const cid = o.conversationId;
  const better = (a: number, b: number): boolean => (o.role === 'buyer' ? a <= b : a >= b);
  const msg = (performative: FipaMessage['performative'], content: unknown, inReplyTo?: string): FipaMessage => {
    const m: FipaMessage = {
      performative,
      sender: o.negotiator,
      receiver: o.counterpart,
      protocol: BARGAINING_PROTOCOL,
      conversation_id: cid,
      content,
    };
    if (inReplyTo) m.in_reply_to = inReplyTo;
    return m;
  };

  const offer = (s: BargainingState, round: number, inReplyTo?: string): Step<BargainingState> => {
    const price = concession(o, round);
    const replyWith = `${cid}/offer/${round}`;
    return {
      state: { ...s, phase: 'offered', round, lastOffer: price, lastReplyWith: replyWith },
      effects: [
        { kind: 'trace', event: { type: 'bargaining_round', conversation_id: cid, round, from: o.negotiator, offer: { price } } },
        {
          kind: 'send',
          message: { ...msg('propose', { item: o.item, price, round, final: round >= o.maxRounds }, inReplyTo), reply_with: replyWith },
        },
        { kind: 'set_timer', timer: 'answer', delayMs: o.roundMs },
      ],
    };
  };

  const end = (
    s: BargainingState,
    agreed: boolean,
    reason: string,
    price?: number,
    extra: ProtocolEffect[] = [],
  ): Step<BargainingState> => {
    const terms = agreed ? { item: o.item, price } : undefined;
    return {
      state: { ...s, phase: 'closed' },
      effects: [
        ...extra,
        { kind: 'cancel_timer', timer: 'answer' },
        { kind: 'cancel_timer', timer: 'deadline' },
        { kind: 'trace', event: { type: 'bargaining_result', conversation_id: cid, agreed, terms, reason } },
        { kind: 'done', outcome: { kind: 'bargaining', ok: agreed, reason, conversation_id: cid, terms, price, rounds: s.round } },
      ],
    };
  };

  const onMessage = (s: BargainingState, m: FipaMessage): Step<BargainingState> => {
    if (m.message_id && s.seenIds.includes(m.message_id)) {
      return {
        state: s,
        effects: violation(o.negotiator, BARGAINING_PROTOCOL, m, 'each message once', `duplicate message ${m.message_id}`),
      };
    }
    const st = m.message_id ? { ...s, seenIds: [...s.seenIds, m.message_id] } : s;
    const notice = systemNotice(m, [o.counterpart]);
    if (notice) {
      if (s.phase !== 'offered' || (m.in_reply_to && m.in_reply_to !== s.lastReplyWith)) return { state: st, effects: [] };
      return end(st, false, `${o.counterpart} failed (${notice.error})`);
    }
    if (m.sender !== o.counterpart) {
      return {
        state: st,
        effects: violation(
          o.negotiator,
          BARGAINING_PROTOCOL,
          m,
          `messages only from ${o.counterpart}`,
          `${m.sender} is not part of ${cid}`,
        ),
      };
    }
    if (s.phase !== 'offered')
      return {
        state: st,
        effects: violation(
          o.negotiator,
          BARGAINING_PROTOCOL,
          m,
          'nothing: the negotiation is over',
          `${m.performative} after ${cid} ended`,
          'failure',
        ),
      };
    if (m.in_reply_to && m.in_reply_to.startsWith(`${cid}/offer/`) && m.in_reply_to !== s.lastReplyWith) {
      return {
        state: st,
        effects: violation(
          o.negotiator,
          BARGAINING_PROTOCOL,
          m,
          `an answer to offer ${s.round}`,
          `late: that offer was superseded by offer ${s.round}`,
        ),
      };
    }
    switch (m.performative) {
      case 'accept_proposal':
        return end(st, true, `${o.counterpart} accepted offer ${s.round}`, s.lastOffer);
      case 'reject_proposal':
        return end(st, false, `${o.counterpart} walked away`);
      case 'failure':
      case 'not_understood':
      case 'refuse':
        return end(st, false, `${o.counterpart} answered ${m.performative}`);
      case 'propose': {
        const counter = numberIn(m.content, ['price', 'amount', 'offer']);
        if (counter === undefined)
          return {
            state: st,
            effects: violation(
              o.negotiator,
              BARGAINING_PROTOCOL,
              m,
              'propose with content { price: <number> }',
              'the counter-offer has no price',
            ),
          };
        const seen: ProtocolEffect[] = [
          { kind: 'cancel_timer', timer: 'answer' },
          {
            kind: 'trace',
            event: { type: 'bargaining_round', conversation_id: cid, round: s.round, from: o.counterpart, offer: m.content },
          },
        ];
        const nextOwn = s.round < o.maxRounds ? concession(o, s.round + 1) : o.limit;
        if (better(counter, nextOwn)) {
          return end(st, true, `accepted ${o.counterpart}'s counter-offer in round ${s.round}`, counter, [
            ...seen,
            { kind: 'send', message: msg('accept_proposal', { item: o.item, price: counter }, m.reply_with) },
          ]);
        }
        if (s.round >= o.maxRounds) {
          const reason = `round limit ${o.maxRounds} reached without agreement`;
          return end(st, false, reason, undefined, [...seen, { kind: 'send', message: msg('reject_proposal', { reason }, m.reply_with) }]);
        }
        const r = offer(st, s.round + 1, m.reply_with);
        return { state: r.state, effects: [...seen, ...r.effects] };
      }
      default:
        return {
          state: st,
          effects: violation(
            o.negotiator,
            BARGAINING_PROTOCOL,
            m,
            `accept_proposal, reject_proposal or propose from ${o.counterpart}`,
            `${m.performative} is out of sequence`,
          ),
        };
    }
  };

  return {
    name: o.negotiator,
    conversationId: cid,
    initial: () => ({ phase: 'idle', round: 0, seenIds: [] }),
    step(s, e: ProtocolEvent) {
      if (e.type === 'start') {
        if (s.phase !== 'idle') return { state: s, effects: [] };
        const r = offer(s, 1);
        return { state: r.state, effects: [...r.effects, { kind: 'set_timer', timer: 'deadline', delayMs: o.deadlineMs }] };
      }
      if (e.type === 'message') return onMessage(s, e.message);
      if (s.phase !== 'offered') return { state: s, effects: [] };
      const cancel: ProtocolEffect = {
        kind: 'send',
        message: msg('cancel', { reason: e.timer === 'deadline' ? 'deadline' : 'no answer' }),
      };
      if (e.timer === 'deadline') return end(s, false, `deadline of ${o.deadlineMs} ms passed`, undefined, [cancel]);
      if (e.timer === 'answer')
        return end(s, false, `${o.counterpart} did not answer offer ${s.round} within ${o.roundMs} ms`, undefined, [cancel]);
      return { state: s, effects: [] };
    },
  };
}
