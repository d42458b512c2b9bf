/**
 * Performing what an agent asked for while handling a message (its effects, as data), after the handling:
 * sends are routed as the agent, logs traced, subscriptions and blackboard access only when granted.
 */
import type { FipaMessage, HostGrant, Performative } from '../../schemas';
import type { AgentEffect, BlackboardService, TraceSink } from '../core/types';
import type { RouterLimits } from './limits';

/** What effect handling may do to the router. */
export interface EffectHost {
  trace: TraceSink;
  limits: RouterLimits;
  blackboard?: BlackboardService;
  route(message: FipaMessage): void;
  subscribe(agent: string, topic: string, filter?: Record<string, unknown>): string | undefined;
  unsubscribe(agent: string, topic: string): void;
  /** A runtime notice to the sender of `about`, correlated to it. */
  notice(about: FipaMessage, performative: Performative, content: unknown, ontology?: string): void;
  /** Where the blackboard lives on another shard (the host): hand the granted effect over instead. */
  forwardEffect?(agent: string, effect: BlackboardEffect, cause: FipaMessage): void;
}

/** A blackboard host-function call, as data. */
export type BlackboardEffect = Extract<AgentEffect, { kind: 'blackboard_read' | 'blackboard_write' }>;

/** The agent whose effects these are. */
export interface EffectAgent {
  name: string;
  grants: ReadonlySet<HostGrant>;
}

/** Perform an agent's effects in order, refusing (with an `effect_refused` event) those it was not granted. */
export function performEffects(host: EffectHost, agent: EffectAgent, effects: readonly AgentEffect[], cause: FipaMessage): void {
  const { name, grants } = agent;
  const { trace, limits } = host;
  const refuse = (effect: string, reason: string): void => trace.emit({ type: 'effect_refused', agent: name, effect, reason });
  const notGranted = (grant: HostGrant): string => `not granted: add '${grant}' to host_functions in ${name}'s manifest`;
  let sends = 0;
  for (const effect of effects) {
    switch (effect.kind) {
      case 'send':
        if (++sends > limits.maxSendsPerMessage) {
          if (sends === limits.maxSendsPerMessage + 1)
            refuse(
              'send',
              `more than ${limits.maxSendsPerMessage} sends while handling one message (limits.maxSendsPerMessage); the rest were dropped`,
            );
          break;
        }
        sendAs(host, name, effect.message, cause, refuse);
        break;
      case 'log':
        trace.emit({ type: 'agent_log', agent: name, level: effect.level, text: effect.text });
        break;
      case 'subscribe': {
        if (!grants.has('subscribe')) {
          refuse('subscribe', notGranted('subscribe'));
          break;
        }
        const problem = host.subscribe(name, effect.topic, effect.filter);
        if (problem) refuse('subscribe', problem);
        break;
      }
      case 'unsubscribe':
        if (!grants.has('subscribe')) {
          refuse('unsubscribe', notGranted('subscribe'));
          break;
        }
        host.unsubscribe(name, effect.topic);
        break;
      case 'blackboard_read':
      case 'blackboard_write':
        if (!grants.has(effect.kind)) {
          refuse(effect.kind, notGranted(effect.kind));
          break;
        }
        if (!host.blackboard && host.forwardEffect) {
          host.forwardEffect(name, effect, cause);
          break;
        }
        blackboardEffect(host, name, effect, cause, refuse);
        break;
      default:
        refuse(String((effect as { kind?: unknown }).kind), 'unknown effect kind');
    }
  }
}

function sendAs(
  host: EffectHost,
  name: string,
  input: FipaMessage,
  cause: FipaMessage,
  refuse: (effect: string, reason: string) => void,
): void {
  if (!input || typeof input !== 'object') return refuse('send', 'a send effect must carry a message object');
  let message = input.sender ? input : { ...input, sender: name };
  if (message.sender !== name) return refuse('send', `an agent may only send as itself: '${name}' sent as '${message.sender}'`);
  // A reply that names what it answers joins that conversation (agents need not copy the ids by hand).
  if (message.in_reply_to && message.in_reply_to === cause.reply_with && !message.conversation_id && cause.conversation_id) {
    message = {
      ...message,
      conversation_id: cause.conversation_id,
      ...(cause.protocol && !message.protocol ? { protocol: cause.protocol } : {}),
    };
  }
  host.route(message);
}

/** Perform a granted blackboard effect: results go back to the agent as runtime notices. */
export function blackboardEffect(
  host: EffectHost,
  name: string,
  effect: BlackboardEffect,
  cause: FipaMessage,
  refuse: (effect: string, reason: string) => void,
): void {
  const board = host.blackboard;
  if (!board) return refuse(effect.kind, 'no blackboard service is configured in this runtime');
  // Results go back to the agent, in the conversation of the message it was handling.
  const about: FipaMessage = { ...cause, sender: name, reply_with: undefined };
  try {
    if (effect.kind === 'blackboard_read') {
      const entry = board.read(effect.key, name);
      const content = entry
        ? { key: effect.key, found: true, value: entry.value, version: entry.version, author: entry.author }
        : { key: effect.key, found: false };
      host.notice(about, 'inform', content, 'caxton-blackboard');
    } else {
      const r = board.write(effect.key, effect.value, name, effect.expected_version);
      if (!r.ok) host.notice(about, 'failure', r, 'caxton-blackboard');
    }
  } catch (e) {
    refuse(effect.kind, `the blackboard failed: ${(e as Error).message}`);
  }
}
