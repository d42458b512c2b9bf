/** The TypeScript types that mirror the JSON Schemas and protocols.json (types only: no values, no imports). */
export type Performative =
  | 'accept_proposal'
  | 'agree'
  | 'cancel'
  | 'cfp'
  | 'confirm'
  | 'disconfirm'
  | 'failure'
  | 'inform'
  | 'inform_if'
  | 'inform_ref'
  | 'not_understood'
  | 'propagate'
  | 'propose'
  | 'proxy'
  | 'query_if'
  | 'query_ref'
  | 'refuse'
  | 'reject_proposal'
  | 'request'
  | 'request_when'
  | 'request_whenever'
  | 'subscribe'
  | 'query';

/** One FIPA ACL message, as in message.schema.json. */
export interface FipaMessage {
  message_id?: string;
  performative: Performative;
  sender: string;
  /** An agent name, a list of names, `broadcast`, or `topic://a/b/c`. */
  receiver: string | string[];
  reply_to?: string | string[];
  content?: unknown;
  language?: string;
  encoding?: string;
  ontology?: string;
  protocol?: string;
  conversation_id?: string;
  reply_with?: string;
  in_reply_to?: string;
  /** ISO 8601. */
  reply_by?: string;
}

/** A duration: milliseconds, or `250ms`, `5s`, `2m`, `1h`. */
export type Duration = number | string;

export interface RetrySpec {
  max_attempts?: number;
  initial_delay?: Duration;
  max_delay?: Duration;
  multiplier?: number;
  jitter?: 'none' | 'full' | 'equal' | 'decorrelated';
}
export interface BreakerSpec {
  consecutive_failures?: number;
  failure_rate?: number;
  window?: Duration;
  min_calls?: number;
  reset_timeout?: Duration;
  half_open_max_calls?: number;
}
export interface BulkheadSpec {
  max_concurrent?: number;
  max_queue?: number;
}
export interface PolicySpec {
  timeout?: Duration;
  retry?: RetrySpec;
  circuit_breaker?: BreakerSpec;
  bulkhead?: BulkheadSpec;
}
export interface StepSpec {
  /** An agent name, or `@contract-net:<capability>` to choose the agent per call by contract net. */
  agent: string;
  action?: string;
  performative?: Performative;
  timeout?: Duration;
}
/** Scatter-gather; the next stage gets the answer itself for `first`, else `[{ agent, output }]` in branch order. */
export interface ParallelSpec {
  branches: StepSpec[];
  aggregate?: 'all' | 'quorum' | 'first' | 'first_n' | 'deadline';
  count?: number;
  deadline?: Duration;
}
export interface StageSpec extends PolicySpec {
  name?: string;
  agent?: string;
  action?: string;
  performative?: Performative;
  parallel?: ParallelSpec;
  compensation?: StepSpec;
}
/** A *.pipeline.yaml file, as in pipeline.schema.json. */
export interface PipelineFile {
  pipeline: {
    name: string;
    description?: string;
    input?: unknown;
    defaults?: PolicySpec;
    on_failure?: 'stop' | 'compensate' | 'continue';
    stages: StageSpec[];
  };
}

export type HostGrant = 'blackboard_read' | 'blackboard_write' | 'subscribe';
/** A *.agent.yaml manifest, as in agent.schema.json. */
export interface AgentManifest {
  name: string;
  description?: string;
  /** How `module` runs: `.ts` without it is AssemblyScript; typescript/javascript agents run in QuickJS. */
  language?: 'typescript' | 'javascript' | 'assemblyscript';
  module: string;
  capabilities?: string[];
  host_functions?: HostGrant[];
  subscriptions?: string[];
  limits?: { memory?: number | string; fuel_per_message?: number; timeout?: Duration; mailbox?: number; max_message_bytes?: number };
  /** Copies of the agent to start, named `<name>-0` .. `<name>-(N-1)` (default 1: just `<name>`). */
  replicas?: number;
  /** Where the agent runs: agents of one `group` share a worker shard (docs/shards.md). */
  placement?: { group?: string };
  restart?: { policy?: 'reset' | 'fail'; max_restarts?: number; backoff?: Duration };
  config?: Record<string, unknown>;
}

/** A *.scenario.yaml file, as in scenario.schema.json. */
export interface ScenarioFile {
  scenario: {
    name: string;
    description?: string;
    agents?: string[];
    messages?: Array<{ file: string; at?: Duration } | { message: FipaMessage; at?: Duration }>;
    pipeline?: string;
    pattern?: Record<string, unknown>;
    run_for?: Duration;
    expect?: Record<string, unknown>;
  };
}

/** A protocol as data: a state machine per (initiator, participant) pair. */
export interface ProtocolDefinition {
  title: string;
  initial: string;
  final: string[];
  /** state -> what completes "<participant>, who ..." */
  states: Record<string, string>;
  transitions: Array<{ from: string; by: 'initiator' | 'participant'; performative: Performative; to: string }>;
}
