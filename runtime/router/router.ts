/**
 * The router of one shard: resolves addresses (names, lists, broadcast, topics), enforces limits, queues each
 * message in the receiver's bounded mailbox and drains every mailbox one message at a time. Receivers hosted by
 * another shard are handed to the transport seam (`remote`). Two schedules share every rule:
 * - immediate: a message is delivered as soon as it is routed and mailboxes are pumped at once (real time, tests);
 * - stepped: a message routed during a step arrives at the next one, in canonical order (docs/shards.md), which is
 *   what makes a simulated run's trace independent of the number of shards.
 * What an agent asks for while handling (its effects) is performed afterwards, only when granted.
 */
import type { FipaMessage, HostGrant, Performative } from '../../schemas';
import type { Clock } from '../core/clock';
import type { AgentEndpoint, AgentResult, BlackboardService, TraceSink } from '../core/types';
import { Activity, compareOrder, Phase, type OrderKey } from '../shard/activity';
import { blackboardEffect, performEffects, type BlackboardEffect, type EffectHost } from './effects';
import type { DropCode } from './deadLetters';
import { jsonBytes, type RouterLimits } from './limits';
import { Mailbox, RecentIds } from './mailbox';
import { shapeProblem, resolveReceivers } from './resolve';
import { SubscriptionTable } from './subscriptionTable';

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
  check?(message: FipaMessage, to: readonly string[], order: OrderKey): { reason: string; expected: string[] } | undefined;
  /** Called once a message is accepted for routing, with its resolved receivers (the sender's side). */
  observe?(message: FipaMessage, to: readonly string[]): void;
  /** Whether a waiting `request()` takes this message for `receiver` (it then skips the mailbox). */
  claim?(message: FipaMessage, receiver: string): boolean;
  /** A message reached `receiver` (the receiver's side): close the waits it answers. */
  arrive?(message: FipaMessage, receiver: string): void;
  /** Real time: a message checked on another shard arrived here (keep this shard's protocol view whole). */
  note?(message: FipaMessage, to: readonly string[]): void;
}

/** A routed message on its way to receivers of one shard. */
export interface Envelope extends OrderKey {
  message: FipaMessage;
  /** The receivers it is for, on the destination shard. */
  to: string[];
  /** Its size as UTF-8 JSON. */
  bytes: number;
  /** How many hops the chain that led to this message has taken (0: sent from outside any agent's handling). */
  hops?: number;
  /** Not a delivery: a granted blackboard effect of agent `to[0]` for the shard that holds the blackboard; `message` is its cause. */
  effect?: BlackboardEffect;
}

/** Where agents that are not hosted by this router live (the transport seam, runtime/shard/transport.ts). */
export interface RemoteRoutes {
  /** This router's own shard id. */
  readonly self: number;
  /** The shard hosting `name` (an agent or an outside party), or undefined when nobody does. */
  lookup(name: string): number | undefined;
  /** Every agent name of the run (broadcast), in a stable order. */
  agentNames(): string[];
  /** Hand an envelope to another shard (the transport batches them). */
  forward(shard: number, envelope: Envelope): void;
}

export interface RouterDeps {
  clock: Clock;
  trace: TraceSink;
  limits: RouterLimits;
  /** The name the runtime uses for its own notices (failure, not_understood); never an agent's name. */
  systemName: string;
  /** Attempts per fire-and-forget message when its agent fails (1 = at-most-once). */
  attempts: number;
  /** Suppress a message whose message_id the receiver already got from the same sender. */
  dedupe: boolean;
  hooks?: RoutingHooks;
  blackboard?: BlackboardService;
  /** Schema validation on send: an error sentence, or undefined when valid. */
  validate?: (message: FipaMessage) => string | undefined;
  /** Deliver at the next step instead of at once (deterministic supersteps). */
  stepped?: boolean;
  /** Whose work is running (order keys, trace groups); one per shard. */
  activity?: Activity;
  /** Other shards; without it every unknown name is an unknown agent. */
  remote?: RemoteRoutes;
  /** Stepped: even deliveries to this router's own agents go through `remote.forward(self)` (the coordinator sees them). */
  observeAll?: boolean;
  /** The blackboard lives on another shard (the host): granted blackboard effects are handed there. */
  blackboardElsewhere?: boolean;
  /** Subscriptions are applied at the end of the step (stepped) through this instead of at once. */
  deferSubscription?: (change: SubscriptionChange) => void;
}

/** A subscription change, applied everywhere at a step boundary in stepped runs. */
export interface SubscriptionChange {
  agent: string;
  topic: string;
  action: 'subscribe' | 'unsubscribe';
  filter?: Record<string, unknown>;
}

type SlotState = 'running' | 'draining' | 'stopped';

/**
 * An arrival routed on this shard, with the message's JSON text from the size check: an in-thread agent takes that
 * text instead of serialising the message again. The text never leaves the router: forwarded envelopes go without it.
 */
interface LocalEnvelope extends Envelope {
  json?: string;
}

/** A message in a mailbox, with its inbox order, hop count and (routed on this shard) its JSON text. */
interface Queued extends OrderKey {
  message: FipaMessage;
  hops: number;
  json?: string;
}

interface Slot {
  endpoint: AgentEndpoint;
  grants: ReadonlySet<HostGrant>;
  mailbox: Mailbox<Queued>;
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
  readonly activity: Activity;
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private handledSinceYield = 0;
  /** Stepped: what was routed during this step, delivered at the next one. */
  private arrivals: LocalEnvelope[] = [];
  /** Hops of the message being handled (what its handler sends is one hop further). */
  private hops = 0;
  /** Stepped: steps so far (the send budget's tick). */
  private stepTick = 0;
  /** Sends per agent in the current tick. */
  private readonly sendBudget = new Map<string, { tick: number; sends: number; handled: number }>();

  /** What effect handling may do to the router (effects.ts); built once. */
  private readonly effectHost: EffectHost;

  constructor(private readonly deps: RouterDeps) {
    this.activity = deps.activity ?? new Activity();
    this.externals.add(deps.systemName);
    this.effectHost = {
      trace: deps.trace,
      limits: deps.limits,
      blackboard: deps.blackboard,
      route: (m) => this.route(m),
      subscribe: (agent, topic, filter) => this.subscribe(agent, topic, filter),
      unsubscribe: (agent, topic) => this.unsubscribe(agent, topic),
      notice: (about, performative, content, ontology) => this.notice(about, performative, content, ontology),
      forwardEffect:
        deps.remote && !deps.blackboard && deps.blackboardElsewhere
          ? (agent, effect, cause) =>
              deps.remote!.forward(0, { message: cause, to: [agent], bytes: 0, effect, ...this.activity.nextOrder(agent) })
          : undefined,
    };
  }

  /** Deliveries queued, arriving or being handled right now (an arriving envelope counts once per receiver). */
  get inFlight(): number {
    let n = this.pending;
    for (const e of this.arrivals) n += e.effect ? 1 : e.to.length;
    return n;
  }

  /** Messages that can move now: arrivals, plus the mail of agents ready to handle it. */
  runnable(): number {
    let n = this.arrivals.length;
    for (const slot of this.slots.values()) if (slot.mailbox.length && slot.endpoint.ready?.() !== false) n += slot.mailbox.length;
    return n;
  }

  /** An agent became ready again (its restart finished): drain its mailbox (immediate schedule). */
  wake(name: string): void {
    const slot = this.slots.get(name);
    if (slot && !this.deps.stepped && !slot.busy && slot.mailbox.length) void this.pump(slot);
  }

  /** Register an agent; throws a RangeError when the runtime is full or the name is taken. */
  add(endpoint: AgentEndpoint, options: AgentOptions = {}): void {
    const { limits, systemName } = this.deps;
    if (endpoint.name === systemName) throw new RangeError(`the name '${systemName}' is reserved for the runtime; rename the agent`);
    if (this.slots.has(endpoint.name))
      throw new RangeError(`an agent named '${endpoint.name}' is already running; agent names must be unique`);
    if (this.slots.size >= limits.maxAgents)
      throw new RangeError(`cannot add '${endpoint.name}': the runtime already holds ${limits.maxAgents} agents (limits.maxAgents)`);
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
    this.activity.run(this.activity.phase, name, () => {
      for (const q of slot.mailbox.drain()) {
        this.drop(q.message, name, 'not_running', `agent '${name}' was removed before it handled the message`, true);
        this.settleOne();
      }
    });
    return slot.endpoint;
  }

  has(name: string): boolean {
    return this.slots.has(name);
  }
  /** Agents hosted by this router, in the order they were added. */
  names(): string[] {
    return [...this.slots.keys()];
  }
  grantsOf(name: string): HostGrant[] {
    return [...(this.slots.get(name)?.grants ?? [])];
  }
  queued(name: string): number {
    return this.slots.get(name)?.mailbox.length ?? 0;
  }
  /** The endpoint of a hosted agent. */
  endpointOf(name: string): AgentEndpoint | undefined {
    return this.slots.get(name)?.endpoint;
  }

  /** Make a name reachable as an outside party (a user, the CLI): messages to it go to the external listeners. */
  addExternal(name: string): void {
    if (!this.slots.has(name)) this.externals.add(name);
  }
  isExternal(name: string): boolean {
    return this.externals.has(name);
  }
  /** Outside parties of this router (the runtime's own name excluded). */
  externalNames(): string[] {
    return [...this.externals].filter((n) => n !== this.deps.systemName);
  }
  /** Listen to messages delivered to outside parties; returns the function that stops listening. */
  onExternal(listener: ExternalListener): () => void {
    this.externalListeners.add(listener);
    return () => {
      this.externalListeners.delete(listener);
    };
  }

  /** Subscribe an agent (or an outside party) to a topic pattern; an error sentence when the pattern is bad. */
  subscribe(agent: string, topic: string, filter?: Record<string, unknown>): string | undefined {
    if (this.deps.deferSubscription) {
      // Checked now (the agent hears about a bad pattern at once), applied everywhere at the step's end.
      const problem = new SubscriptionTable().subscribe(agent, topic, filter);
      if (!problem) this.deps.deferSubscription({ agent, topic, action: 'subscribe', ...(filter ? { filter } : {}) });
      return problem;
    }
    return this.applySubscription({ agent, topic, action: 'subscribe', filter });
  }

  unsubscribe(agent: string, topic: string): void {
    if (this.deps.deferSubscription) {
      this.deps.deferSubscription({ agent, topic, action: 'unsubscribe' });
      return;
    }
    this.applySubscription({ agent, topic, action: 'unsubscribe' });
  }

  /** Apply a subscription change to this router's table, tracing it when it changed something. */
  applySubscription(change: SubscriptionChange, traced = true): string | undefined {
    const { agent, topic } = change;
    if (change.action === 'subscribe') {
      const problem = this.subscriptions.subscribe(agent, topic, change.filter);
      if (!problem && traced) this.deps.trace.emit({ type: 'subscription', agent, topic, action: 'subscribe' });
      return problem;
    }
    if (this.subscriptions.unsubscribe(agent, topic) && traced)
      this.deps.trace.emit({ type: 'subscription', agent, topic, action: 'unsubscribe' });
    return undefined;
  }

  /** Route one message. Never throws: every refusal becomes a dead letter, a trace event and, where someone can hear it, a `failure`. */
  route(input: FipaMessage): void {
    const { deps } = this;
    const malformed = shapeProblem(input);
    if (malformed) {
      const m = (input && typeof input === 'object' ? input : { content: input }) as FipaMessage;
      return this.drop(m, undefined, 'invalid', `invalid message: ${malformed}`, typeof m.sender === 'string');
    }
    const order = this.activity.nextOrder(input.sender);
    const message = input.message_id ? input : { ...input, message_id: messageId(order) };
    const hops = this.hops;
    if (hops > deps.limits.maxHops && message.sender !== deps.systemName) {
      // Not bounced: a failure notice would be one more link of the loop being cut.
      return this.drop(
        message,
        undefined,
        'hop_limit',
        `hop limit: this message would be hop ${hops} of a chain of messages (limits.maxHops ${deps.limits.maxHops}); a loop between agents was cut`,
        false,
      );
    }
    if (this.slots.has(message.sender) && this.overBudget(message.sender)) {
      return this.drop(
        message,
        undefined,
        'refused',
        `send budget: '${message.sender}' sent more than ${deps.limits.maxSendsPerTick} messages in one ${deps.stepped ? 'step' : 'millisecond'} (limits.maxSendsPerTick); this one was dropped`,
        false,
      );
    }
    const invalid = deps.validate?.(message);
    if (invalid) return this.drop(message, undefined, 'invalid', `invalid message: ${invalid}`, true);
    const json = JSON.stringify(message);
    const bytes = jsonBytes(json, deps.limits.maxMessageBytes);
    if (bytes > deps.limits.maxMessageBytes) {
      return this.drop(
        message,
        undefined,
        'too_large',
        `too large: ${bytes} bytes, over the ${deps.limits.maxMessageBytes}-byte message limit; send a reference instead of the data`,
        true,
      );
    }
    const resolved = resolveReceivers(message, {
      agentNames: () => this.allAgentNames(),
      subscribers: (levels, content) => this.subscriptions.match(levels, content),
      maxReceivers: deps.limits.maxReceivers,
    });
    if ('error' in resolved) return this.drop(message, undefined, resolved.code, resolved.error, resolved.code !== 'no_subscribers');
    const to = resolved.to;
    if (message.sender !== deps.systemName) {
      const violation = deps.hooks?.check?.(message, to, order);
      if (violation) {
        this.drop(message, undefined, 'protocol_violation', `protocol violation: ${violation.reason}`, false);
        this.notice(message, 'not_understood', {
          error: 'protocol_violation',
          reason: violation.reason,
          expected: violation.expected,
          message_id: message.message_id,
        });
        return;
      }
    }
    deps.trace.emit({ type: 'message_sent', id: message.message_id!, message, to });
    deps.hooks?.observe?.(message, to);
    this.dispatch({ message, to, bytes, okey: order.okey, oseq: order.oseq, ...(hops ? { hops } : {}) }, json);
  }

  /**
   * Count a send against its agent's budget for this tick; true when the budget is spent. The budget is
   * limits.maxSendsPerTick plus one send per message the agent handled in the tick: an agent answering each of
   * 20,000 requests is never cut, one amplifying a few messages into a storm is.
   */
  private overBudget(agent: string): boolean {
    const b = this.budgetOf(agent);
    if (b.sends >= this.deps.limits.maxSendsPerTick + b.handled) return true;
    b.sends++;
    return false;
  }

  private budgetOf(agent: string): { tick: number; sends: number; handled: number } {
    const tick = this.deps.stepped ? this.stepTick : Math.floor(this.deps.clock.now());
    let b = this.sendBudget.get(agent);
    if (!b || b.tick !== tick) {
      b = { tick, sends: 0, handled: 0 };
      this.sendBudget.set(agent, b);
    }
    return b;
  }

  /** Split a routed message by where its receivers live: here (now or next step), another shard, or nowhere. */
  private dispatch(envelope: Envelope, json: string): void {
    const remote = new Map<number, string[]>();
    const local: string[] = [];
    const unknown: string[] = [];
    for (const name of envelope.to) {
      if (this.slots.has(name) || this.externals.has(name)) {
        local.push(name);
        continue;
      }
      const shard = this.deps.remote?.lookup(name);
      if (shard === undefined) {
        unknown.push(name);
        continue;
      }
      const list = remote.get(shard);
      if (list) list.push(name);
      else remote.set(shard, [name]);
    }
    // One dead letter for all the unknown receivers of a message: a list of 1000 bad names is one event, not 1000.
    if (unknown.length) this.dropUnknown(envelope.message, unknown);
    for (const [shard, to] of remote) this.deps.remote!.forward(shard, { ...envelope, to });
    if (!local.length) return;
    if (this.deps.stepped && this.deps.observeAll && this.deps.remote) {
      this.deps.remote.forward(this.deps.remote.self, { ...envelope, to: local });
      return;
    }
    if (this.deps.stepped) {
      this.arrivals.push({ ...envelope, to: local, json });
      return;
    }
    for (const name of local) this.deliver(envelope, name, json);
  }

  private dropUnknown(message: FipaMessage, names: readonly string[]): void {
    const running = this.allAgentNames();
    const known = running.length > 10 ? `${running.slice(0, 10).join(', ')} and ${running.length - 10} more` : running.join(', ') || 'none';
    const listed =
      names
        .slice(0, 5)
        .map((n) => `'${n}'`)
        .join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    const reason =
      names.length === 1
        ? `unknown agent ${listed}; running agents: ${known}`
        : `${names.length} unknown agents ${listed}; running agents: ${known}`;
    this.drop(message, names[0], 'unknown_agent', reason, true, names.length);
  }

  /** Envelopes from another shard: delivered now (immediate) or with the next step's arrivals (stepped). */
  receive(envelopes: readonly Envelope[]): void {
    if (this.deps.stepped) {
      for (const e of envelopes) this.arrivals.push(e);
      return;
    }
    for (const e of envelopes) {
      if (e.effect) {
        this.performRemoteEffect(e);
        continue;
      }
      this.deps.hooks?.note?.(e.message, e.to);
      for (const name of e.to) this.deliver(e, name);
    }
  }

  /** Dead-letter an envelope the transport could not deliver (its node was lost...): traced, counted, its sender told. */
  undeliverable(envelope: Envelope, code: DropCode, reason: string): void {
    if (envelope.effect) return;
    for (const to of envelope.to) this.drop(envelope.message, to, code, reason, true);
  }

  /** A blackboard effect another shard handed over (its grant was checked there). */
  private performRemoteEffect(e: Envelope): void {
    const agent = e.to[0];
    const refuse = (effect: string, reason: string): void => this.deps.trace.emit({ type: 'effect_refused', agent, effect, reason });
    blackboardEffect(this.effectHost, agent, e.effect!, e.message, refuse);
  }

  /**
   * Stepped: deliver what was routed during the last step (here and from other shards), each receiver's share
   * sorted by (sender key, sequence). Returns how many deliveries were attempted.
   */
  arrive(): number {
    this.stepTick++;
    if (!this.arrivals.length) return 0;
    const byReceiver = new Map<string, LocalEnvelope[]>();
    for (const e of this.arrivals) {
      for (const name of e.to) {
        const list = byReceiver.get(name);
        if (list) list.push(e);
        else byReceiver.set(name, [e]);
      }
    }
    this.arrivals = [];
    let n = 0;
    for (const name of [...byReceiver.keys()].sort()) {
      const list = byReceiver.get(name)!.sort(compareOrder);
      this.activity.run(Phase.arrive, name, () => {
        for (const e of list) {
          if (e.effect) this.performRemoteEffect(e);
          else this.deliver(e, name, e.json);
          n++;
        }
      });
    }
    return n;
  }

  /** Stepped: let each agent with mail handle what its mailbox held at the step's start, agents in name order. */
  async handleStep(): Promise<number> {
    let handled = 0;
    const names = [...this.slots.keys()].filter((n) => this.slots.get(n)!.mailbox.length > 0).sort();
    for (const name of names) {
      const slot = this.slots.get(name);
      if (!slot || slot.busy || slot.endpoint.ready?.() === false) continue;
      slot.busy = true;
      try {
        for (let left = slot.mailbox.length; left > 0 && slot.state === 'running'; left--) {
          const q = slot.mailbox.take();
          if (!q) break;
          try {
            await this.activity.run(Phase.handle, name, () => this.handleOne(slot, q));
          } finally {
            this.settleOne();
          }
          handled++;
        }
      } finally {
        slot.busy = false;
      }
    }
    return handled;
  }

  /** Resolves when no message is queued or being handled. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Every agent name of the run: this router's and other shards'. */
  private allAgentNames(): string[] {
    return this.deps.remote ? this.deps.remote.agentNames() : this.names();
  }

  /** `json`: the message's JSON text, when it was routed on this shard. */
  private deliver(envelope: Envelope, name: string, json?: string): void {
    const { message, bytes } = envelope;
    if (this.deps.hooks?.claim?.(message, name)) return this.markDelivered(message, name);
    this.deps.hooks?.arrive?.(message, name);
    const slot = this.slots.get(name);
    if (!slot) {
      if (!this.externals.has(name)) return this.dropUnknown(message, [name]);
      this.markDelivered(message, name);
      for (const l of this.externalListeners) {
        try {
          l(message, name);
        } catch {
          /* a listener's bug must not break routing */
        }
      }
      return;
    }
    if (slot.state !== 'running') return this.drop(message, name, 'not_running', `agent '${name}' is ${slot.state}`, true);
    if (bytes > slot.maxMessageBytes) {
      return this.drop(
        message,
        name,
        'too_large',
        `too large for '${name}': ${bytes} bytes, over its ${slot.maxMessageBytes}-byte limit`,
        true,
      );
    }
    // Duplicates are per sender: an agent can only ever collide with its own ids.
    const dedupKey = `${message.sender}\u0000${message.message_id}`;
    if (this.deps.dedupe && slot.seen.has(dedupKey)) {
      return this.drop(
        message,
        name,
        'duplicate',
        `duplicate: '${name}' already received message_id '${message.message_id}' from '${message.sender}'`,
        false,
      );
    }
    // Only an in-thread agent takes the text; the mail of any other agent does not hold it.
    const text = slot.endpoint.handleSync ? json : undefined;
    if (!slot.mailbox.offer({ message, okey: envelope.okey, oseq: envelope.oseq, hops: envelope.hops ?? 0, json: text })) {
      return this.drop(
        message,
        name,
        'mailbox_full',
        `mailbox full: '${name}' already has ${slot.mailbox.capacity} queued messages; slow down or raise limits.mailbox`,
        true,
      );
    }
    if (this.deps.dedupe) slot.seen.add(dedupKey);
    this.pending++;
    if (!this.deps.stepped && !slot.busy) void this.pump(slot);
  }

  private markDelivered(message: FipaMessage, to: string): void {
    this.deps.trace.emit({ type: 'message_delivered', id: message.message_id!, to });
  }

  /** Immediate: drain one agent's mailbox, one message at a time. */
  private async pump(slot: Slot): Promise<void> {
    slot.busy = true;
    const name = slot.endpoint.name;
    try {
      for (
        let q = slot.endpoint.ready?.() === false ? undefined : slot.mailbox.take();
        q;
        q = slot.endpoint.ready?.() === false ? undefined : slot.mailbox.take()
      ) {
        try {
          await this.activity.run(Phase.handle, name, () => this.handleOne(slot, q!));
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

  /**
   * Handle one message: the synchronous part runs in the caller's activity (the agent's), so what a synchronous
   * (in-thread) agent does is traced and ordered as the agent's own work.
   */
  private handleOne(slot: Slot, q: Queued): Promise<void> | void {
    const { message } = q;
    const name = slot.endpoint.name;
    if (slot.state !== 'running') return this.drop(message, name, 'not_running', `agent '${name}' is ${slot.state}`, true);
    this.markDelivered(message, name);
    this.budgetOf(name).handled++;
    const sync = slot.endpoint.handleSync;
    if (sync) return this.withHops(q.hops + 1, () => this.finishHandling(slot, q, sync.call(slot.endpoint, message, q.json), 1));
    return this.handleAsync(slot, q);
  }

  private async handleAsync(slot: Slot, q: Queued): Promise<void> {
    const result = await safeHandle(slot.endpoint, q.message);
    // Back in the agent's activity: what follows is traced and ordered as its own work.
    const again = this.activity.run(Phase.handle, slot.endpoint.name, () =>
      this.withHops(q.hops + 1, () => this.finishHandling(slot, q, result, 1)),
    );
    if (again) await again;
  }

  /** Run `fn` with what it routes counted as hop `hops` of its chain. */
  private withHops<T>(hops: number, fn: () => T): T {
    const before = this.hops;
    this.hops = hops;
    try {
      return fn();
    } finally {
      this.hops = before;
    }
  }

  /** Trace usage, retry fire-and-forget failures (at-least-once), answer failures, perform effects. */
  private finishHandling(slot: Slot, q: Queued, result: AgentResult, attempt: number): Promise<void> | void {
    const { message } = q;
    const name = slot.endpoint.name;
    const u = result.usage;
    this.deps.trace.emit({
      type: 'agent_usage',
      agent: name,
      fuel: u.fuel,
      memory_bytes: u.memoryBytes,
      duration_ms: u.durationMs,
      ...(u.fuelLimit !== undefined ? { fuel_limit: u.fuelLimit } : {}),
      ...(u.memoryLimitBytes !== undefined ? { memory_limit_bytes: u.memoryLimitBytes } : {}),
    });
    // At-least-once applies to fire-and-forget only: a request's sender is told of the failure and decides.
    const maxAttempts = message.reply_with ? 1 : this.deps.attempts;
    if (!result.ok && attempt < maxAttempts && result.error.kind !== 'not_running' && slot.state === 'running') {
      this.deps.trace.emit({
        type: 'retry',
        route: `${message.sender} -> ${name}`,
        attempt: attempt + 1,
        delay_ms: 0,
        error: `${result.error.kind}: ${result.error.message}`,
      });
      if (slot.endpoint.handleSync) return this.finishHandling(slot, q, slot.endpoint.handleSync(message, q.json), attempt + 1);
      return safeHandle(slot.endpoint, message).then((r) =>
        this.activity.run(Phase.handle, name, () => this.finishHandling(slot, q, r, attempt + 1)),
      );
    }
    if (!result.ok && result.error.kind === 'bad_input') {
      // Not a failure of the agent: it could not parse what it got, which FIPA answers with not_understood.
      this.notice(message, 'not_understood', {
        error: 'bad_input',
        reason: `'${name}' could not understand the message: ${result.error.message}`,
        message_id: message.message_id,
      });
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

  /**
   * Record an undeliverable message; `bounce` tells its sender with a `failure` when the sender can hear it. A drop
   * at delivery (the message was traced as sent) carries the message without its content: the trace already has it
   * once, and a flood of copies of a 1 MB message must not become gigabytes. `count` > 1: one event for several.
   */
  private drop(message: FipaMessage, to: string | undefined, code: DropCode, reason: string, bounce: boolean, count = 1): void {
    const sent =
      code === 'mailbox_full' ||
      code === 'not_running' ||
      code === 'duplicate' ||
      code === 'agent_failed' ||
      code === 'unknown_agent' ||
      (code === 'too_large' && to !== undefined);
    const traced = code === 'too_large' ? { ...message, content: '[omitted: too large]' } : sent ? withoutContent(message) : message;
    this.deps.trace.emit({
      type: 'message_dropped',
      ...(message.message_id ? { id: message.message_id } : {}),
      ...(to ? { to } : {}),
      reason,
      code,
      ...(count > 1 ? { count } : {}),
      message: traced,
    });
    if (bounce) this.notice(message, 'failure', { error: code, reason, message_id: message.message_id, ...(to ? { receiver: to } : {}) });
  }

  /** A runtime notice (failure, not_understood, blackboard result) to the sender of `about`, correlated to it. */
  private notice(about: FipaMessage, performative: Performative, content: unknown, ontology?: string): void {
    const { systemName } = this.deps;
    // Never answer the runtime itself (no notice loops), nor a sender nobody listens to.
    if (about.sender === systemName || !this.reachable(about.sender)) return;
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

  private reachable(name: string): boolean {
    return this.slots.has(name) || this.externals.has(name) || this.deps.remote?.lookup(name) !== undefined;
  }

  private settleOne(): void {
    this.pending--;
    // Waiters first: inFlight walks the step's arrivals, which must not happen per handled message when nobody waits.
    if (this.idleWaiters.length && this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** A runtime-assigned message id, namespaced by its sender (and the group that produced it) so it is never another sender's. */
export function messageId(order: OrderKey): string {
  return `${order.okey.replace('\u0000', '/')}#${order.oseq}`;
}

async function safeHandle(endpoint: AgentEndpoint, message: FipaMessage): Promise<AgentResult> {
  try {
    return await endpoint.handle(message);
  } catch (e) {
    // The contract says handle never throws; an endpoint that does is treated as a crashed agent.
    return {
      ok: false,
      error: { kind: 'crashed', message: (e as Error)?.message ?? String(e) },
      usage: { fuel: 0, memoryBytes: 0, durationMs: 0 },
    };
  }
}

/** A message as a drop event shows it once it was traced as sent: everything but its content (the message_sent event has that). */
function withoutContent(message: FipaMessage): FipaMessage {
  if (message.content === undefined) return message;
  const { content: _content, ...rest } = message;
  return rest;
}
