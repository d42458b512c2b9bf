/**
 * The runtime's public entry: the VS Code client and runtime host import only this. Everything else under
 * runtime/ is internal.
 */
export { Runtime, SYSTEM_AGENT, DEFAULT_REQUEST_TIMEOUT_MS } from './runtime';
export type { RuntimeOptions, RuntimeStats, AgentOptions } from './runtime';
export { RealClock, SimulatedClock, settle } from './core/clock';
export type { Clock, TimerHandle } from './core/clock';
export { seededRandom } from './core/random';
export type { Random } from './core/random';
export { RequestTimeoutError, silentLogger } from './core/types';
export type {
  AgentEffect, AgentEndpoint, AgentError, AgentResult, AgentUsage, BlackboardService, CoordinationContext, Logger, MessageBus, TraceSink,
} from './core/types';
export type { FipaMessage, Performative, AgentManifest, ScenarioFile, TraceEvent, TraceEventInput, TraceEventType, AgentState } from '../schemas';
export { TraceRecorder, collectTrace } from './trace/traceRecorder';
export type { TraceListener } from './trace/traceRecorder';
export { parseTraceJsonl, traceLine } from '../schemas/load';
export type { ParsedTrace, TraceLineError } from '../schemas/load';
export type { DeadLetter, DropCode } from './router/deadLetters';
export type { ConversationRecord, ConversationOutcome } from './conversations/conversationLog';
export { readTraceFile, createTraceWriter } from './node/traceFile';
export type { TraceFileWriter } from './node/traceFile';
export { loadWorkspace, WorkspaceError, formatProblem } from './node/workspace';
export type { Workspace, WorkspaceProblem, AgentEntry, ScenarioEntry, MessageFileEntry, LoadWorkspaceOptions } from './node/workspace';
export { startSession } from './node/session';
export type { Session, SessionOptions, ReloadResult } from './node/session';
export { runScenario } from './node/scenario';
export type { RunScenarioOptions, ScenarioSummary, ConversationSummary } from './node/scenario';
export type { ExpectationResult } from './node/expectations';
