/**
 * The pattern registry: `runPattern(spec, ctx)` checks a scenario's `pattern:` block (a PatternSpecError names the
 * field and the fix), builds the matching pure machine and drives it as a coordinator agent to its outcome.
 */
import type { CoordinationContext } from '../core/types';
import { driveMachine, type DriveOptions } from './driver';
import type { PatternOutcome } from './machine';
import { contractNetMachine, type Proposal } from './contractNet';
import { englishAuctionMachine } from './englishAuction';
import { dutchAuctionMachine } from './dutchAuction';
import { vickreyAuctionMachine } from './vickreyAuction';
import { bargainingMachine } from './bargaining';
import { Blackboard } from './blackboard';
import { blackboardAgent } from './blackboardAgent';
import { PatternSpecError, msOption, namesOption, numberOption, requiredNumber, stringOption } from './spec';

export const PATTERN_KINDS = [
  'contract_net',
  'iterated_contract_net',
  'english_auction',
  'dutch_auction',
  'vickrey_auction',
  'bargaining',
  'blackboard',
] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

/** A pattern spec: `kind` plus that pattern's options (see docs in each machine and scenario.schema.json). */
export interface PatternSpec {
  kind: PatternKind;
  /** The coordinator's agent name (manager / auctioneer / negotiator / blackboard). */
  coordinator?: string;
  conversation_id?: string;
  [option: string]: unknown;
}

/** Run a built-in pattern to its outcome. Throws PatternSpecError (naming the field and the fix) for a bad spec. */
export function runPattern(spec: PatternSpec, ctx: CoordinationContext, options: DriveOptions = {}): Promise<PatternOutcome> {
  if (!spec || typeof spec !== 'object')
    throw new PatternSpecError('kind', 'the pattern is not an object', `write e.g. { kind: contract_net, ... }`);
  const kind = spec.kind;
  if (!PATTERN_KINDS.includes(kind))
    throw new PatternSpecError('kind', `unknown pattern ${JSON.stringify(kind)}`, `use one of ${PATTERN_KINDS.join(', ')}`);
  const coordinator = stringOption(spec.coordinator, 'coordinator', DEFAULT_NAMES[kind]);
  if (ctx.agentNames().includes(coordinator)) {
    throw new PatternSpecError(
      'coordinator',
      `an agent named ${coordinator} is already running`,
      'give the pattern another coordinator name',
    );
  }
  const conversationId = stringOption(
    spec.conversation_id,
    'conversation_id',
    `${kind}-${Math.floor(ctx.random.next() * 1e9).toString(36)}`,
  );
  const others = (field: string): string[] => {
    const listed = namesOption(spec[field], field);
    const names = listed ?? ctx.agentNames().filter((n) => n !== coordinator);
    const missing = names.filter((n) => !ctx.agentNames().includes(n));
    if (missing.length)
      throw new PatternSpecError(
        field,
        `no running agent named ${missing.join(', ')}`,
        `start those agents or fix the names (running: ${ctx.agentNames().join(', ') || 'none'})`,
      );
    return names;
  };

  switch (kind) {
    case 'contract_net':
    case 'iterated_contract_net': {
      const policy = stringOption(spec.policy, 'policy', 'lowest_cost');
      if (!['lowest_cost', 'best_quality', 'custom', 'agent'].includes(policy))
        throw new PatternSpecError(
          'policy',
          `unknown policy ${policy}`,
          'use lowest_cost, best_quality, agent (with decider) or custom (with a select function)',
        );
      const select = spec.select as ((p: readonly Proposal[], round: number) => string | undefined) | undefined;
      if (policy === 'custom' && typeof select !== 'function')
        throw new PatternSpecError(
          'select',
          'policy custom needs a select(proposals, round) function',
          'pass select, or use lowest_cost / best_quality / agent',
        );
      const decider = spec.decider === undefined ? undefined : stringOption(spec.decider, 'decider', '');
      if (policy === 'agent' && (!decider || !ctx.agentNames().includes(decider))) {
        throw new PatternSpecError(
          'decider',
          decider ? `no running agent named ${decider}` : 'policy agent needs the deciding agent',
          'name the manager agent that chooses the winner',
        );
      }
      return driveMachine(
        contractNetMachine({
          manager: coordinator,
          conversationId,
          participants: others('participants').filter((n) => n !== decider),
          task: spec.task ?? null,
          deadlineMs: msOption(spec.reply_by ?? spec.deadline, 'reply_by', 1000),
          resultTimeoutMs: msOption(spec.result_timeout, 'result_timeout', 5000),
          policy: policy as 'lowest_cost' | 'best_quality' | 'custom' | 'agent',
          decider,
          costField: stringOption(spec.cost_field, 'cost_field', 'cost'),
          qualityField: stringOption(spec.quality_field, 'quality_field', 'quality'),
          select,
          maxRounds: kind === 'contract_net' ? 1 : numberOption(spec.max_rounds, 'max_rounds', 3, 'positive')!,
          target: numberOption(spec.target, 'target', undefined),
        }),
        ctx,
        options,
      );
    }
    case 'english_auction':
      return driveMachine(
        englishAuctionMachine({
          auctioneer: coordinator,
          auctionId: conversationId,
          bidders: others('bidders'),
          item: spec.item ?? null,
          startPrice: requiredNumber(spec.start_price, 'start_price', 'non_negative'),
          increment: numberOption(spec.increment, 'increment', 1, 'positive')!,
          reserve: numberOption(spec.reserve, 'reserve', undefined, 'non_negative'),
          roundMs: msOption(spec.round_timeout, 'round_timeout', 1000),
          maxRounds: numberOption(spec.max_rounds, 'max_rounds', 100, 'positive')!,
        }),
        ctx,
        options,
      );
    case 'dutch_auction':
      return driveMachine(
        dutchAuctionMachine({
          auctioneer: coordinator,
          auctionId: conversationId,
          bidders: others('bidders'),
          item: spec.item ?? null,
          startPrice: requiredNumber(spec.start_price, 'start_price', 'non_negative'),
          step: requiredNumber(spec.step, 'step', 'positive'),
          floor: numberOption(spec.floor, 'floor', 0, 'non_negative')!,
          roundMs: msOption(spec.round_timeout, 'round_timeout', 1000),
        }),
        ctx,
        options,
      );
    case 'vickrey_auction':
      return driveMachine(
        vickreyAuctionMachine({
          auctioneer: coordinator,
          auctionId: conversationId,
          bidders: others('bidders'),
          item: spec.item ?? null,
          reserve: numberOption(spec.reserve, 'reserve', undefined, 'non_negative'),
          deadlineMs: msOption(spec.deadline, 'deadline', 1000),
        }),
        ctx,
        options,
      );
    case 'bargaining': {
      const role = stringOption(spec.role, 'role', 'buyer');
      if (role !== 'buyer' && role !== 'seller') throw new PatternSpecError('role', `unknown role ${role}`, 'use buyer or seller');
      if (spec.counterpart === undefined) throw new PatternSpecError('counterpart', 'is missing', 'name the agent to bargain with');
      const counterpart = stringOption(spec.counterpart, 'counterpart', '');
      if (!ctx.agentNames().includes(counterpart))
        throw new PatternSpecError(
          'counterpart',
          `no running agent named ${counterpart}`,
          `start it or fix the name (running: ${ctx.agentNames().join(', ')})`,
        );
      return driveMachine(
        bargainingMachine({
          negotiator: coordinator,
          counterpart,
          conversationId,
          role,
          item: spec.item ?? null,
          opening: requiredNumber(spec.opening, 'opening'),
          limit: requiredNumber(spec.limit, 'limit'),
          maxRounds: numberOption(spec.max_rounds, 'max_rounds', 5, 'positive')!,
          roundMs: msOption(spec.round_timeout, 'round_timeout', 1000),
          deadlineMs: msOption(spec.deadline, 'deadline', 30_000),
        }),
        ctx,
        options,
      );
    }
    case 'blackboard':
      return runBlackboard(spec, ctx, coordinator);
  }
}

const DEFAULT_NAMES: Record<PatternKind, string> = {
  contract_net: 'manager',
  iterated_contract_net: 'manager',
  english_auction: 'auctioneer',
  dutch_auction: 'auctioneer',
  vickrey_auction: 'auctioneer',
  bargaining: 'negotiator',
  blackboard: 'blackboard',
};

/** Start a blackboard agent (seeded with `entries`), let agents use it for `duration`, then report the entries. */
function runBlackboard(spec: PatternSpec, ctx: CoordinationContext, name: string): Promise<PatternOutcome> {
  const board =
    (spec.board as Blackboard | undefined) ??
    new Blackboard({
      name,
      clock: ctx.clock,
      trace: ctx.trace,
      notify: (m) => ctx.bus.send(m),
      isAlive: (a) => ctx.agentNames().includes(a),
    });
  const seed = spec.entries ?? {};
  if (typeof seed !== 'object' || Array.isArray(seed))
    throw new PatternSpecError('entries', 'expected a map of key: value', 'write e.g. { entries: { task/1: open } }');
  for (const [k, v] of Object.entries(seed as Record<string, unknown>)) board.write(k, v, name);
  ctx.addAgent(blackboardAgent(board, (m) => ctx.bus.send(m), ctx.trace));
  const duration = msOption(spec.duration, 'duration', 5000);
  return new Promise((resolve) => {
    ctx.clock.setTimer(duration, () =>
      resolve({
        kind: 'blackboard',
        ok: true,
        reason: `ran for ${duration} ms`,
        conversation_id: `blackboard:${name}`,
        entries: Object.fromEntries(
          board.entries().map((e) => [e.key, { value: e.value, version: e.version, author: e.author, updated_at: e.updatedAt }]),
        ),
      }),
    );
  });
}
