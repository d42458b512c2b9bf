/**
 * The router: resolves addresses (names, lists, broadcast, topics), enforces limits, queues each message in the
 * receiver's bounded mailbox and drains every mailbox one message at a time (different agents run concurrently).
 * What an agent asks for while handling (its effects) is performed afterwards, only when granted.
 */
import type { FipaMessage, HostGrant, Performative } from '../../schemas';
import type { Clock } from '../core/clock';
import type { AgentEndpoint, AgentResult, BlackboardService, TraceSink } from '../core/types';
import { performEffects, type EffectHost } from './effects';
import { DeadLetterRecord, type DeadLetter, type DropCode } from './deadLetters';
import { jsonBytes, type RouterLimits } from './limits';
import { Mailbox, RecentIds } from './mailbox';
import { SubscriptionTable } from './subscriptionTable';
import { hasWildcard, isTopic, parseTopic } from './topics';

/** Per-agent options given when the agent is added (from its manifest for wasm agents). */
export interface AgentOptions {
  /** Host functions granted beyond send/log (deny by default). */
  grants?: readonly HostGrant[];
  /** Mailbox capacity for this agent (default: the runtime's limit). */
  mailbox?: number;
  /** Largest message this agent accepts, in bytes. */
  maxMessageBytes?: number;
  /** The endpoint reports its own lifecycle (a sandboxed agent): the runtime then emits no agent_state for it. */
  ownLifecycle?: boolean;
}

/** What the conversation layer does around routing (protocol checks, reply correlation, timeouts). */
export interface RoutingHooks {
  /** A protocol violation for this message (the hook emits the trace event), or undefined when it is in sequence. */
  check?(message: FipaMessage, to: readonly string[]): { reason: string; expected: string[] } | undefined;
  /** Called once a message is accepted for routing, with its resolved receivers. */
  observe?(message: FipaMessage, to: readonly string[]): void;
  /** Whether a waiting `request()` takes this message for `receiver` (it then skips the mailbox). */
  claim?(message: FipaMessage, receiver: string): boolean;
}

export interface RouterDeps {
  clock: Clock;
  trace: TraceSink;
  limits: RouterLimits;
  /** The name the runtime uses for its own notices (failure, not_understood); never an agent's name. */
  systemName: string;
  /** Fresh message ids (deterministic per run). */
  nextId: () => string;
  /** Attempts per fire-and-forget message when its agent fails (1 = at-most-once). */
  attempts: number;
  /** Suppress a message whose message_id the receiver already got. */
  dedupe: boolean;
  hooks?: RoutingHooks;
  blackboard?: BlackboardService;
  /** Schema validation on send: an error sentence, or undefined when valid. */
  validate?: (message: FipaMessage) => string | undefined;
}

type SlotState = 'running' | 'draining' | 'stopped';

interface Slot {
  endpoint: AgentEndpoint;
  grants: ReadonlySet<HostGrant>;
  mailbox: Mailbox<FipaMessage>;
  seen: RecentIds;
  maxMessageBytes: number;
  state: SlotState;
  busy: boolean;
}

/** Messages handled (over all agents) between two yields to the event loop. */
const YIELD_EVERY = 256;

export type ExternalListener = (message: FipaMessage, to: string) => void;

/** Routes messages between agents and outside parties; see the file comment. */
export class Router {
  private readonly slots = new Map<string, Slot>();
  private readonly externals = new Set<string>();
  private readonly externalListeners = new Set<ExternalListener>();
  readonly subscriptions = new SubscriptionTable();
  readonly deadLetters = new DeadLetterRecord();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private delivered = 0;
  private handledSinceYield = 0;

  /** What effect handling may do to the router (effects.ts); built once. */
  private readonly effectHost: EffectHost;

  constructor(private readonly deps: RouterDeps) {
    this.externals.add(deps.systemName);
    this.effectHost = {
      trace: deps.trace, limits: deps.limits, blackboard: deps.blackboard,
      route: (m) => this.route(m),
      subscribe: (agent, topic, filter) => this.subscribe(agent, topic, filter),
      unsubscribe: (agent, topic) => this.unsubscribe(agent, topic),
      notice: (about, performative, content, ontology) => this.notice(about, performative, content, ontology),
    };
  }

  get deliveredCount(): number { return this.delivered; }
  get droppedCount(): number { return this.deadLetters.count; }
  /** Messages queued or being handled right now. */
  get inFlight(): number { return this.pending; }

  /** Register an agent; throws a RangeError when the runtime is full or the name is taken. */
  add(endpoint: AgentEndpoint, options: AgentOptions = {}): void {
    const { limits, systemName } = this.deps;
    if (endpoint.name === systemName) throw new RangeError(`the name '${systemName}' is reserved for the runtime; rename the agent`);
    if (this.slots.has(endpoint.name)) throw new RangeError(`an agent named '${endpoint.name}' is already running; agent names must be unique`);
    if (this.slots.size >= limits.maxAgents) throw new RangeError(`cannot add '${endpoint.name}': the runtime already holds ${limits.maxAgents} agents (limits.maxAgents)`);
    this.externals.delete(endpoint.name);
    this.slots.set(endpoint.name, {
      endpoint,
      grants: new Set(options.grants ?? []),
      mailbox: new Mailbox(options.mailbox ?? limits.mailbox),
      seen: new RecentIds(limits.dedupWindow),
      maxMessageBytes: Math.min(options.maxMessageBytes ?? limits.maxMessageBytes, limits.maxMessageBytes),
      state: 'running',
      busy: false,
    });
  }

  /** Unregister an agent: what is still queued becomes dead letters; returns its endpoint for disposal. */
  remove(name: string): AgentEndpoint | undefined {
    const slot = this.slots.get(name);
    if (!slot) return undefined;
    slot.state = 'stopped';
    this.slots.delete(name);
    this.subscriptions.removeAgent(name);
    for (const m of slot.mailbox.drain()) {
      this.drop(m, name, 'not_running', `agent '${name}' was removed before it handled the message`, true);
      this.settleOne();
    }
    return slot.endpoint;
  }

  has(name: string): boolean { return this.slots.has(name); }
  names(): string[] { return [...this.slots.keys()]; }
  grantsOf(name: string): HostGrant[] { return [...(this.slots.get(name)?.grants ?? [])]; }
  queued(name: string): number { return this.slots.get(name)?.mailbox.length ?? 0; }

  /** Make a name reachable as an outside party (a user, the CLI): messages to it go to the external listeners. */
  addExternal(name: string): void { if (!this.slots.has(name)) this.externals.add(name); }
  isExternal(name: string): boolean { return this.externals.has(name); }
  /** Listen to messages delivered to outside parties; returns the function that stops listening. */
  onExternal(listener: ExternalListener): () => void {
    this.externalListeners.add(listener);
    return () => { this.externalListeners.delete(listener); };
  }

  /** Subscribe an agent (or an outside party) to a topic pattern; an error sentence when the pattern is bad. */
  subscribe(agent: string, topic: string, filter?: Record<string, unknown>): string | undefined {
    const problem = this.subscriptions.subscribe(agent, topic, filter);
    if (!problem) this.deps.trace.emit({ type: 'subscription', agent, topic, action: 'subscribe' });
    return problem;
  }

  unsubscribe(agent: string, topic: string): void {
    if (this.subscriptions.unsubscribe(agent, topic)) this.deps.trace.emit({ type: 'subscription', agent, topic, action: 'unsubscribe' });
  }

  /** Route one message. Never throws: every refusal becomes a dead letter, a trace event and, where someone can hear it, a `failure`. */
  route(input: FipaMessage): void {
    const { deps } = this;
    const malformed = shapeProblem(input);
    if (malformed) {
      const m = (input && typeof input === 'object' ? input : { content: input }) as FipaMessage;
      return this.drop(m, undefined, 'invalid', `invalid message: ${malformed}`, typeof m.sender === 'string');
    }
    const message = input.message_id ? input : { ...input, message_id: deps.nextId() };
    const invalid = deps.validate?.(message);
    if (invalid) return this.drop(message, undefined, 'invalid', `invalid message: ${invalid}`, true);
    const json = JSON.stringify(message);
    const bytes = jsonBytes(json, deps.limits.maxMessageBytes);
    if (bytes > deps.limits.maxMessageBytes) {
      return this.drop(message, undefined, 'too_large', `too large: ${bytes} bytes, over the ${deps.limits.maxMessageBytes}-byte message limit; send a reference instead of the data`, true);
    }
    const resolved = this.resolve(message);
    if ('error' in resolved) return this.drop(message, undefined, resolved.code, resolved.error, resolved.code !== 'no_subscribers');
    const to = resolved.to;
    if (message.sender !== deps.systemName) {
      const violation = deps.hooks?.check?.(message, to);
      if (violation) {
        this.drop(message, undefined, 'protocol_violation', `protocol violation: ${violation.reason}`, false);
        this.notice(message, 'not_understood', { error: 'protocol_violation', reason: violation.reason, expected: violation.expected, message_id: message.message_id });
        return;
      }
    }
    deps.trace.emit({ type: 'message_sent', id: message.message_id!, message, to });
    deps.hooks?.observe?.(message, to);
    for (const name of to) this.deliver(message, name, bytes);
  }

  /** Resolves when no message is queued or being handled. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private resolve(message: FipaMessage): { to: string[] } | { error: string; code: DropCode } {
    const { receiver, sender } = message;
    if (Array.isArray(receiver)) return { to: [...new Set(receiver)] };
    if (receiver === 'broadcast') {
      const to = this.names().filter((n) => n !== sender);
      return to.length ? { to } : { error: 'no agent besides the sender is running to receive the broadcast', code: 'no_subscribers' };
    }
    if (isTopic(receiver)) {
      const parsed = parseTopic(receiver);
      if ('error' in parsed) return { error: parsed.error, code: 'invalid' };
      if (hasWildcard(parsed.levels)) return { error: `cannot publish to '${receiver}': wildcards (* + #) are for subscriptions; publish to one concrete topic`, code: 'invalid' };
      // The publisher does not hear its own publication, as with broadcast.
      const to = this.subscriptions.match(parsed.levels, message.content).filter((n) => n !== sender);
      return to.length ? { to } : { error: `no subscriber for ${receiver}`, code: 'no_subscribers' };
    }
    return { to: [receiver] };
  }

  private deliver(message: FipaMessage, name: string, bytes: number): void {
    if (this.deps.hooks?.claim?.(message, name)) return this.markDelivered(message, name);
    const slot = this.slots.get(name);
    if (!slot) {
      if (!this.externals.has(name)) {
        return this.drop(message, name, 'unknown_agent', `unknown agent '${name}'; running agents: ${this.names().join(', ') || 'none'}`, true);
      }
      this.markDelivered(message, name);
      for (const l of this.externalListeners) {
        try { l(message, name); } catch { /* a listener's bug must not break routing */ }
      }
      return;
    }
    if (slot.state !== 'running') return this.drop(message, name, 'not_running', `agent '${name}' is ${slot.state}`, true);
    if (bytes > slot.maxMessageBytes) {
      return this.drop(message, name, 'too_large', `too large for '${name}': ${bytes} bytes, over its ${slot.maxMessageBytes}-byte limit`, true);
    }
    if (this.deps.dedupe && slot.seen.has(message.message_id!)) {
      return this.drop(message, name, 'duplicate', `duplicate: '${name}' already received message_id '${message.message_id}'`, false);
    }
    if (!slot.mailbox.offer(message)) {
      return this.drop(message, name, 'mailbox_full', `mailbox full: '${name}' already has ${slot.mailbox.capacity} queued messages; slow down or raise limits.mailbox`, true);
    }
    if (this.deps.dedupe) slot.seen.add(message.message_id!);
    this.pending++;
    if (!slot.busy) void this.pump(slot);
  }

  private markDelivered(message: FipaMessage, to: string): void {
    this.delivered++;
    this.deps.trace.emit({ type: 'message_delivered', id: message.message_id!, to });
  }

  /** Drain one agent's mailbox, one message at a time. */
  private async pump(slot: Slot): Promise<void> {
    slot.busy = true;
    try {
      for (let message = slot.mailbox.take(); message; message = slot.mailbox.take()) {
        try {
          await this.handleOne(slot, message);
        } finally {
          this.settleOne();
        }
        // In-process agents answer in microtasks; yield to the event loop now and then so timers (deadlines,
        // the drain bound of stop) and I/O still run while agents keep talking.
        if (++this.handledSinceYield >= YIELD_EVERY) {
          this.handledSinceYield = 0;
          await new Promise<void>((r) => setImmediate(r));
        }
      }
    } finally {
      slot.busy = false;
    }
  }

  private async handleOne(slot: Slot, message: FipaMessage): Promise<void> {
    const name = slot.endpoint.name;
    if (slot.state !== 'running') return this.drop(message, name, 'not_running', `agent '${name}' is ${slot.state}`, true);
    this.markDelivered(message, name);
    // At-least-once applies to fire-and-forget only: a request's sender is told of the failure and decides.
    const maxAttempts = message.reply_with ? 1 : this.deps.attempts;
    let result: AgentResult;
    for (let attempt = 1; ; attempt++) {
      result = await safeHandle(slot.endpoint, message);
      const u = result.usage;
      this.deps.trace.emit({
        type: 'agent_usage', agent: name, fuel: u.fuel, memory_bytes: u.memoryBytes, duration_ms: u.durationMs,
        ...(u.fuelLimit !== undefined ? { fuel_limit: u.fuelLimit } : {}), ...(u.memoryLimitBytes !== undefined ? { memory_limit_bytes: u.memoryLimitBytes } : {}),
      });
      if (result.ok || attempt >= maxAttempts || result.error.kind === 'not_running' || slot.state !== 'running') break;
      this.deps.trace.emit({ type: 'retry', route: `${message.sender} -> ${name}`, attempt: attempt + 1, delay_ms: 0, error: `${result.error.kind}: ${result.error.message}` });
    }
    if (!result.ok && result.error.kind === 'bad_input') {
      // Not a failure of the agent: it could not parse what it got, which FIPA answers with not_understood.
      this.notice(message, 'not_understood', { error: 'bad_input', reason: `'${name}' could not understand the message: ${result.error.message}`, message_id: message.message_id });
      return;
    }
    if (!result.ok && result.error.kind === 'mailbox_full') {
      return this.drop(message, name, 'mailbox_full', `mailbox full: '${name}' ${result.error.message}`, true);
    }
    if (!result.ok) {
      return this.drop(message, name, 'agent_failed', `agent failed: '${name}' ${result.error.kind}: ${result.error.message}`, true);
    }
    performEffects(this.effectHost, { name, grants: slot.grants }, result.effects, message);
  }

  /** Record an undeliverable message; `bounce` tells its sender with a `failure` when the sender can hear it. */
  private drop(message: FipaMessage, to: string | undefined, code: DropCode, reason: string, bounce: boolean): void {
    const letter: DeadLetter = { t: this.deps.clock.now(), code, reason, message, ...(to ? { to } : {}) };
    this.deadLetters.add(letter);
    // An oversized message is recorded without its content so the trace stays readable.
    const traced = code === 'too_large' ? { ...message, content: '[omitted: too large]' } : message;
    this.deps.trace.emit({ type: 'message_dropped', ...(message.message_id ? { id: message.message_id } : {}), ...(to ? { to } : {}), reason, message: traced });
    if (bounce) this.notice(message, 'failure', { error: code, reason, message_id: message.message_id, ...(to ? { receiver: to } : {}) });
  }

  /** A runtime notice (failure, not_understood, blackboard result) to the sender of `about`, correlated to it. */
  private notice(about: FipaMessage, performative: Performative, content: unknown, ontology?: string): void {
    const { systemName } = this.deps;
    // Never answer the runtime itself (no notice loops), nor a sender nobody listens to.
    if (about.sender === systemName || (!this.slots.has(about.sender) && !this.externals.has(about.sender))) return;
    this.route({
      performative,
      sender: systemName,
      receiver: about.sender,
      content,
      ...(ontology ? { ontology } : {}),
      ...(about.conversation_id ? { conversation_id: about.conversation_id } : {}),
      ...(about.reply_with ? { in_reply_to: about.reply_with } : {}),
    });
  }

  private settleOne(): void {
    this.pending--;
    if (this.pending === 0 && this.idleWaiters.length) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** The minimum the router needs to route (full schema validation is optional): a problem sentence or undefined. */
function shapeProblem(m: unknown): string | undefined {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'a message must be an object';
  const { performative, sender, receiver } = m as Record<string, unknown>;
  if (typeof performative !== 'string' || !performative) return 'missing `performative`';
  if (typeof sender !== 'string' || !sender) return 'missing `sender`';
  if (typeof receiver === 'string' ? !receiver : !Array.isArray(receiver) || !receiver.length || receiver.some((r) => typeof r !== 'string' || !r)) {
    return '`receiver` must be an agent name, a non-empty list of names, `broadcast` or `topic://...`';
  }
  return undefined;
}

async function safeHandle(endpoint: AgentEndpoint, message: FipaMessage): Promise<AgentResult> {
  try {
    return await endpoint.handle(message);
  } catch (e) {
    // The contract says handle never throws; an endpoint that does is treated as a crashed agent.
    return { ok: false, error: { kind: 'crashed', message: (e as Error)?.message ?? String(e) }, usage: { fuel: 0, memoryBytes: 0, durationMs: 0 } };
  }
}
