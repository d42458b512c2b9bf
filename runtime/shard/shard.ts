/**
 * One shard: a router with its agents and mailboxes, the conversation waits of those agents, and what the step
 * boundary exchanges (subscription changes and protocol moves). The host shard (main thread) and every worker
 * shard are this class; only their endpoints and trace sinks differ (docs/shards.md).
 */
import type { FipaMessage } from '../../schemas';
import type { Clock } from '../core/clock';
import type { BlackboardService, TraceSink } from '../core/types';
import { Conversations } from '../conversations/conversations';
import type { CommitHeader } from '../conversations/protocolMonitor';
import type { RouterLimits } from '../router/limits';
import { Router, type SubscriptionChange } from '../router/router';
import { Phase, type Activity } from './activity';
import type { Directory } from './directory';

/** The name the runtime signs its own notices with (failure, not_understood, blackboard results). */
export const SYSTEM_AGENT = 'caxton';

export interface ShardOptions {
  /** The shard's clock, already owned (ownedClock.ts) so timers fire as their owner. */
  clock: Clock;
  activity: Activity;
  trace: TraceSink;
  limits: RouterLimits;
  requestTimeoutMs: number;
  attempts: number;
  dedupe: boolean;
  protocolChecks?: boolean;
  validate?: (message: FipaMessage) => string | undefined;
  blackboard?: BlackboardService;
  /** Deliver at the next step (deterministic supersteps) instead of at once. */
  stepped: boolean;
  directory: Directory;
  /** Stepped: hand even this shard's own deliveries to the coordinator at the boundary (a debugger sees them all). */
  observeAll?: boolean;
  /** Real time: a subscription change applied here, for the other shards' (and nodes') routing tables. */
  onSubscription?: (change: SubscriptionChange) => void;
}

/** What a shard hands to the step boundary. */
export interface BoundaryOut {
  commits: CommitHeader[];
  subscriptions: SubscriptionChange[];
}

/** See the file comment. */
export class Shard {
  readonly router: Router;
  readonly conv: Conversations;
  private subscriptions: SubscriptionChange[] = [];

  constructor(readonly options: ShardOptions) {
    const { clock, trace, stepped } = options;
    this.conv = new Conversations({
      clock,
      trace,
      systemName: SYSTEM_AGENT,
      requestTimeoutMs: options.requestTimeoutMs,
      send: (m) => this.router.route(m),
      protocolChecks: options.protocolChecks,
      stepped,
    });
    this.router = new Router({
      clock,
      trace,
      limits: options.limits,
      systemName: SYSTEM_AGENT,
      attempts: options.attempts,
      dedupe: options.dedupe,
      hooks: this.conv,
      blackboard: options.blackboard,
      validate: options.validate,
      stepped,
      activity: options.activity,
      remote: options.directory,
      observeAll: options.observeAll,
      blackboardElsewhere: options.directory.self !== 0,
      deferSubscription: this.subscriptionHook(),
    });
  }

  get directory(): Directory {
    return this.options.directory;
  }

  /** Stepped: changes wait for the boundary. Real time: applied here at once and handed on (every shard routes topics). */
  private subscriptionHook(): ((change: SubscriptionChange) => void) | undefined {
    const { stepped, onSubscription } = this.options;
    if (stepped) return (c) => this.subscriptions.push(c);
    if (!onSubscription) return undefined;
    return (c) => {
      this.router.applySubscription(c);
      onSubscription(c);
    };
  }

  /** Stepped: deliver the last step's messages, then let agents handle their mail. */
  async runStep(): Promise<void> {
    this.router.arrive();
    await this.router.handleStep();
  }

  /** Stepped: what this shard's step produced for the boundary. */
  takeBoundary(): BoundaryOut {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    return { commits: this.conv.takeCommits(), subscriptions };
  }

  /**
   * Stepped: apply the boundary of a step (every shard's changes, already in canonical order). The shard that
   * `announce`s traces them (subscriptions, completed conversations); the others apply them silently.
   */
  applyBoundary(b: BoundaryOut, announce: boolean): void {
    const { activity } = this.options;
    for (const change of b.subscriptions) {
      activity.run(Phase.commit, change.agent, () => this.router.applySubscription(change, announce));
    }
    activity.run(Phase.commit, '', () => this.conv.commit(b.commits, announce));
  }
}
