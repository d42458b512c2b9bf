/**
 * Contract net and iterated contract net (FIPA SC00029 / SC00030) as a pure machine: cfp with a reply_by deadline,
 * propose/refuse, a selection policy, accept/reject, inform/failure from the winner. Late, duplicate and
 * out-of-sequence messages are refused with a protocol_violation trace and a reply, never ignored.
 */
import type { FipaMessage } from '../../schemas';
import {
  numberIn,
  replyBy,
  systemNotice,
  violation,
  type Instant,
  type ProtocolEffect,
  type ProtocolEvent,
  type ProtocolMachine,
  type Step,
} from './machine';

/** A proposal as the selection policy sees it. `cost` / `quality` are read from the content when present. */
export interface Proposal {
  agent: string;
  content: unknown;
  cost?: number;
  quality?: number;
  at: number;
  replyWith?: string;
}

/**
 * lowest_cost, best_quality, custom (the manager's own function decides: return the winner's name or undefined),
 * or agent (a manager agent decides: it gets request {action: select, task, proposals} and answers inform {winner}).
 */
export type SelectionPolicy = 'lowest_cost' | 'best_quality' | 'custom' | 'agent';

export interface ContractNetOptions {
  manager: string;
  conversationId: string;
  participants: string[];
  task: unknown;
  /** Proposals must arrive within this many ms of the cfp (reply_by). */
  deadlineMs: number;
  /** How long the winner has to report inform/failure. */
  resultTimeoutMs: number;
  policy: SelectionPolicy;
  costField: string;
  qualityField: string;
  select?: (proposals: readonly Proposal[], round: number) => string | undefined;
  /** policy agent: the agent that decides (within deadlineMs). */
  decider?: string;
  /** 1 for plain contract net; more for the iterated protocol (custom and agent policies decide in one round). */
  maxRounds: number;
  /** Iterated: stop calling new rounds once the best proposal meets this (cost <= target, or quality >= target). */
  target?: number;
  /**
   * `message` (default): the manager sends accept_proposal and waits for the winner's inform/failure. `caller`:
   * the machine ends at the award (rejects sent, outcome with the winner) and the caller gives the winner the work
   * itself (a pipeline stage calls it with its own timeout, retry and breaker).
   */
  awardBy?: 'message' | 'caller';
  /** More fields for every cfp's content, beside `task` and `round` (a pipeline adds `capability` and `input`). */
  cfpExtra?: Record<string, unknown>;
}

type Phase = 'idle' | 'calling' | 'deciding' | 'awarding' | 'done';

export interface ContractNetState {
  readonly phase: Phase;
  readonly round: number;
  readonly called: readonly string[];
  readonly proposals: readonly Proposal[];
  readonly refused: readonly string[];
  readonly seenIds: readonly string[];
  readonly winner?: Proposal;
  /** The best score of the previous round (iterated: stop when a round brings no improvement). */
  readonly previousBest?: number;
}

/** Create the contract net manager machine. */
export function contractNetMachine(o: ContractNetOptions): ProtocolMachine<ContractNetState> {
  const protocol = o.maxRounds > 1 ? 'fipa-iterated-contract-net' : 'fipa-contract-net';
  const kind = o.maxRounds > 1 ? 'iterated_contract_net' : 'contract_net';
  const cid = o.conversationId;
  const cfpId = (round: number, agent: string): string => `${cid}/cfp/${round}/${agent}`;
  const awardId = (agent: string): string => `${cid}/award/${agent}`;
  const decideId = (round: number): string => `${cid}/decide/${round}`;

  const done = (s: ContractNetState, ok: boolean, reason: string, extra: Record<string, unknown> = {}): Step<ContractNetState> => ({
    state: { ...s, phase: 'done' },
    effects: [
      { kind: 'cancel_timer', timer: 'deadline' },
      { kind: 'cancel_timer', timer: 'result' },
      { kind: 'cancel_timer', timer: 'decide' },
      { kind: 'done', outcome: { kind, ok, reason, conversation_id: cid, rounds: s.round, ...extra } },
    ],
  });

  const callRound = (
    s: ContractNetState,
    round: number,
    agents: readonly string[],
    at: Instant,
    best?: Proposal,
  ): Step<ContractNetState> => {
    const effects: ProtocolEffect[] = agents.map((agent) => ({
      kind: 'send',
      message: {
        performative: 'cfp',
        sender: o.manager,
        receiver: agent,
        protocol,
        conversation_id: cid,
        reply_with: cfpId(round, agent),
        reply_by: replyBy(at, o.deadlineMs),
        content: { ...o.cfpExtra, task: o.task, round, ...(best ? { best_offer: best.content } : {}) },
      },
    }));
    effects.push({ kind: 'set_timer', timer: 'deadline', delayMs: o.deadlineMs });
    return { state: { ...s, phase: 'calling', round, called: agents, proposals: [] }, effects };
  };

  const score = (p: Proposal): number | undefined => (o.policy === 'best_quality' ? p.quality : p.cost);
  const meetsTarget = (p: Proposal): boolean => {
    const v = score(p);
    if (o.target === undefined || v === undefined) return false;
    return o.policy === 'best_quality' ? v >= o.target : v <= o.target;
  };

  /** The policy's choice among this round's proposals; ties go to the earliest proposal (then the smaller name). */
  const choose = (proposals: readonly Proposal[], round: number): Proposal | undefined => {
    if (o.policy === 'custom') {
      const name = o.select?.(proposals, round);
      return name === undefined ? undefined : proposals.find((p) => p.agent === name);
    }
    const scored = proposals.filter((p) => score(p) !== undefined);
    const sign = o.policy === 'best_quality' ? -1 : 1;
    return [...scored].sort((a, b) => sign * (score(a)! - score(b)!) || a.at - b.at || (a.agent < b.agent ? -1 : 1))[0];
  };

  const closeRound = (s: ContractNetState, at: Instant): Step<ContractNetState> => {
    const effects: ProtocolEffect[] = [
      { kind: 'cancel_timer', timer: 'deadline' },
      {
        kind: 'trace',
        event: {
          type: 'contract_net_proposals',
          conversation_id: cid,
          proposals: s.proposals.map((p) => ({ agent: p.agent, content: p.content })),
        },
      },
    ];
    const best = choose(s.proposals, s.round);
    const bestScore = best ? score(best) : undefined;
    const improved =
      s.previousBest === undefined ||
      bestScore === undefined ||
      (o.policy === 'best_quality' ? bestScore > s.previousBest : bestScore < s.previousBest);
    if (o.policy === 'agent' && s.proposals.length) {
      // The manager agent decides: ask it (fipa-request in a side conversation) and wait for inform {winner}.
      effects.push({
        kind: 'send',
        message: {
          performative: 'request',
          sender: o.manager,
          receiver: o.decider!,
          protocol: 'fipa-request',
          conversation_id: `${cid}/decide`,
          reply_with: decideId(s.round),
          content: {
            action: 'select',
            task: o.task,
            round: s.round,
            proposals: s.proposals.map((p) => ({ agent: p.agent, content: p.content })),
          },
        },
      });
      effects.push({ kind: 'set_timer', timer: 'decide', delayMs: o.deadlineMs });
      return { state: { ...s, phase: 'deciding' }, effects };
    }
    if (best && s.round < o.maxRounds && !meetsTarget(best) && improved && o.policy !== 'custom') {
      const next = callRound(
        { ...s, previousBest: bestScore },
        s.round + 1,
        s.proposals.map((p) => p.agent),
        at,
        best,
      );
      return { state: next.state, effects: [...effects, ...next.effects] };
    }
    if (!best) {
      const reason = s.proposals.length
        ? `no proposal acceptable to policy ${o.policy}`
        : s.round > 1
          ? `no proposals in round ${s.round}`
          : 'no proposals';
      return noAward(s, reason, effects);
    }
    const why =
      o.policy === 'custom' ? 'chosen by the manager' : `${o.policy === 'best_quality' ? 'best quality' : 'lowest cost'} ${score(best)}`;
    return awardTo(s, best, why, effects);
  };

  const noAward = (s: ContractNetState, reason: string, effects: ProtocolEffect[]): Step<ContractNetState> => {
    effects.push({ kind: 'trace', event: { type: 'contract_net_award', conversation_id: cid, policy: o.policy, reason } });
    for (const p of s.proposals) effects.push(reject(p, reason));
    const end = done(s, false, reason);
    return { state: end.state, effects: [...effects, ...end.effects] };
  };

  const awardTo = (s: ContractNetState, best: Proposal, why: string, effects: ProtocolEffect[]): Step<ContractNetState> => {
    effects.push({
      kind: 'trace',
      event: { type: 'contract_net_award', conversation_id: cid, winner: best.agent, policy: o.policy, reason: why },
    });
    if (o.awardBy === 'caller') {
      for (const p of s.proposals) if (p !== best) effects.push(reject(p, `another proposal won (${why})`));
      const end = done({ ...s, winner: best }, true, `awarded to ${best.agent} (${why})`, {
        winner: best.agent,
        accepted: best.content,
        cost: best.cost,
        quality: best.quality,
      });
      return { state: end.state, effects: [...effects, ...end.effects] };
    }
    effects.push({
      kind: 'send',
      message: { ...award(best, 'accept_proposal', { task: o.task, accepted: best.content }), reply_with: awardId(best.agent) },
    });
    for (const p of s.proposals) if (p !== best) effects.push(reject(p, `another proposal won (${why})`));
    effects.push({ kind: 'set_timer', timer: 'result', delayMs: o.resultTimeoutMs });
    return { state: { ...s, phase: 'awarding', winner: best }, effects };
  };

  const award = (p: Proposal, performative: 'accept_proposal' | 'reject_proposal', content: unknown): FipaMessage => {
    const m: FipaMessage = { performative, sender: o.manager, receiver: p.agent, protocol, conversation_id: cid, content };
    if (p.replyWith) m.in_reply_to = p.replyWith;
    return m;
  };
  const reject = (p: Proposal, reason: string): ProtocolEffect => ({ kind: 'send', message: award(p, 'reject_proposal', { reason }) });

  const closeIfAllAnswered = (s: ContractNetState, at: Instant): Step<ContractNetState> => {
    const all = s.called.every((a) => s.proposals.some((p) => p.agent === a) || s.refused.includes(a));
    return all ? closeRound(s, at) : { state: s, effects: [] };
  };

  /** The decider's answer: inform {winner} awards that proposal; anything else (or a runtime failure) awards none. */
  const onDecision = (s: ContractNetState, m: FipaMessage): Step<ContractNetState> => {
    const effects: ProtocolEffect[] = [{ kind: 'cancel_timer', timer: 'decide' }];
    if (m.performative === 'agree') return { state: s, effects: [] };
    const winner =
      m.performative === 'inform' && m.content && typeof m.content === 'object' ? (m.content as { winner?: unknown }).winner : undefined;
    const chosen = typeof winner === 'string' ? s.proposals.find((p) => p.agent === winner) : undefined;
    if (chosen) return awardTo(s, chosen, `chosen by ${o.decider}`, effects);
    const reason =
      m.performative !== 'inform'
        ? `the decider ${o.decider} answered ${m.performative}`
        : typeof winner === 'string'
          ? `the decider chose ${winner}, who did not propose`
          : `the decider ${o.decider} chose no proposal`;
    return noAward(s, reason, effects);
  };

  /** The runtime says a participant failed (trapped) or did not answer in time: a refusal, or a failed winner. */
  const onNotice = (s: ContractNetState, agent: string, error: string, m: FipaMessage, at: Instant): Step<ContractNetState> => {
    const current = !m.in_reply_to || m.in_reply_to === cfpId(s.round, agent);
    if (
      s.phase === 'calling' &&
      current &&
      s.called.includes(agent) &&
      !s.proposals.some((p) => p.agent === agent) &&
      !s.refused.includes(agent)
    ) {
      return closeIfAllAnswered({ ...s, refused: [...s.refused, agent] }, at);
    }
    if (s.phase === 'awarding' && agent === s.winner?.agent && (!m.in_reply_to || m.in_reply_to === awardId(agent))) {
      return done(s, false, `the winner ${agent} failed (${error})`, { winner: agent });
    }
    return { state: s, effects: [] };
  };

  const onMessage = (s: ContractNetState, m: FipaMessage, at: Instant): Step<ContractNetState> => {
    const seenIds = m.message_id ? [...s.seenIds, m.message_id] : s.seenIds;
    if (m.message_id && s.seenIds.includes(m.message_id)) {
      return { state: s, effects: violation(o.manager, protocol, m, 'each message once', `duplicate message ${m.message_id}`) };
    }
    const st = { ...s, seenIds };
    if (s.phase === 'deciding' && (m.sender === o.decider || m.in_reply_to === decideId(s.round))) return onDecision(st, m);
    const notice = systemNotice(m, o.participants);
    if (notice) return onNotice(st, notice.agent, notice.error, m, at);
    const from = m.sender;
    if (!o.participants.includes(from)) {
      return {
        state: st,
        effects: violation(
          o.manager,
          protocol,
          m,
          `messages only from ${o.participants.join(', ')}`,
          `${from} is not a participant of ${cid}`,
        ),
      };
    }
    const staleRound = m.in_reply_to?.startsWith(`${cid}/cfp/`) && m.in_reply_to !== cfpId(s.round, from);
    if (m.performative === 'propose' && (s.phase !== 'calling' || staleRound)) {
      const reason =
        s.phase === 'done' && !s.winner
          ? 'the call for proposals is closed'
          : `late proposal: reply_by of round ${staleRound ? Number(m.in_reply_to!.split('/').at(-2)) : s.round} has passed`;
      return {
        state: st,
        effects: [
          {
            kind: 'trace',
            event: { type: 'contract_net_proposals', conversation_id: cid, proposals: [{ agent: from, content: m.content, late: true }] },
          },
          ...violation(o.manager, protocol, m, `propose before the reply_by deadline`, reason, 'reject_proposal'),
        ],
      };
    }
    if (s.phase === 'calling') {
      if (!s.called.includes(from)) {
        return {
          state: st,
          effects: violation(
            o.manager,
            protocol,
            m,
            `nothing from ${from}: it was not called in round ${s.round}`,
            `${from} was not sent a cfp in round ${s.round}`,
          ),
        };
      }
      const answered = s.proposals.some((p) => p.agent === from) || s.refused.includes(from);
      if (answered) {
        return {
          state: st,
          effects: violation(o.manager, protocol, m, `one answer from ${from} per round`, `${from} already answered round ${s.round}`),
        };
      }
      if (m.performative === 'propose') {
        const p: Proposal = {
          agent: from,
          content: m.content,
          cost: numberIn(m.content, [o.costField, 'cost', 'price']),
          quality: numberIn(m.content, [o.qualityField, 'quality', 'score']),
          at: at.now,
          replyWith: m.reply_with,
        };
        return closeIfAllAnswered({ ...st, proposals: [...st.proposals, p] }, at);
      }
      if (m.performative === 'refuse' || m.performative === 'not_understood' || m.performative === 'failure') {
        return closeIfAllAnswered({ ...st, refused: [...st.refused, from] }, at);
      }
      return {
        state: st,
        effects: violation(
          o.manager,
          protocol,
          m,
          `propose, refuse or not_understood from ${from}`,
          `${m.performative} is out of sequence while proposals are being collected`,
        ),
      };
    }
    if (s.phase === 'awarding' && from === s.winner?.agent && (m.performative === 'inform' || m.performative === 'failure')) {
      const ok = m.performative === 'inform';
      return done(st, ok, ok ? 'completed' : 'the winner reported failure', {
        winner: from,
        result: m.content,
        cost: s.winner.cost,
        quality: s.winner.quality,
      });
    }
    const expected =
      s.phase === 'awarding'
        ? `inform or failure from ${s.winner?.agent}`
        : s.phase === 'deciding'
          ? `a decision from ${o.decider}`
          : 'nothing: the conversation is over';
    return {
      state: st,
      effects: violation(
        o.manager,
        protocol,
        m,
        expected,
        `${m.performative} from ${from} is out of sequence`,
        s.phase === 'done' ? 'failure' : 'not_understood',
      ),
    };
  };

  return {
    name: o.manager,
    conversationId: cid,
    initial: () => ({ phase: 'idle', round: 0, called: [], proposals: [], refused: [], seenIds: [] }),
    step(s: ContractNetState, e: ProtocolEvent): Step<ContractNetState> {
      if (e.type === 'start') {
        if (s.phase !== 'idle') return { state: s, effects: [] };
        if (!o.participants.length) return done(s, false, 'no participants');
        return callRound(s, 1, o.participants, e.at);
      }
      if (e.type === 'message') return onMessage(s, e.message, e.at);
      if (e.timer === 'deadline' && s.phase === 'calling') return closeRound(s, e.at);
      if (e.timer === 'decide' && s.phase === 'deciding')
        return noAward(s, `the decider ${o.decider} did not answer within ${o.deadlineMs} ms`, []);
      if (e.timer === 'result' && s.phase === 'awarding') {
        return done(s, false, `the winner ${s.winner?.agent} did not report within ${o.resultTimeoutMs} ms`, { winner: s.winner?.agent });
      }
      return { state: s, effects: [] };
    },
  };
}
