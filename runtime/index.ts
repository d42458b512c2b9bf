/**
 * The runtime's public entry for the Node hosts that embed it: the runtime host (runtime/host, which the VS Code
 * extension talks to over JSON-RPC: schemas/protocol/runtimeHost.ts), tests and benchmarks import this. The
 * extension itself imports nothing of the runtime. Everything else under runtime/ is internal (eslint holds
 * runtime/host to this file).
 */
export { Runtime, SYSTEM_AGENT, DEFAULT_REQUEST_TIMEOUT_MS } from './runtime';
export type { RuntimeOptions, RuntimeStats, AgentOptions } from './runtime';
export { RealClock, SimulatedClock, settle } from './core/clock';
export type { Clock, TimerHandle } from './core/clock';
export { seededRandom } from './core/random';
export type { Random } from './core/random';
export { RequestTimeoutError, silentLogger } from './core/types';
export type {
  AgentEffect,
  AgentEndpoint,
  AgentError,
  AgentResult,
  AgentUsage,
  BlackboardService,
  CoordinationContext,
  Logger,
  MessageBus,
  TraceSink,
} from './core/types';
export type {
  FipaMessage,
  Performative,
  AgentManifest,
  ScenarioFile,
  TraceEvent,
  TraceEventInput,
  TraceEventType,
  AgentState,
} from '../schemas';
export { TraceRecorder, collectTrace } from './trace/traceRecorder';
export type { TraceListener } from './trace/traceRecorder';
export { parseTraceJsonl, traceLine } from '../schemas/load/traceJsonl';
export type { ParsedTrace, TraceLineError } from '../schemas/load/traceJsonl';
export type { DeadLetter, DropCode } from './router/deadLetters';
export type { ConversationRecord, ConversationOutcome } from './conversations/conversationLog';
export { readTraceFile, createTraceWriter } from './node/files/traceFile';
export type { TraceFileWriter } from './node/files/traceFile';
export {
  loadWorkspace,
  loadScope,
  readPipeline,
  readMessageFile,
  readScenario,
  WorkspaceError,
  formatProblem,
} from './node/files/workspace';
export type {
  Workspace,
  WorkspaceProblem,
  AgentEntry,
  ScenarioEntry,
  MessageFileEntry,
  PipelineEntry,
  LoadScope,
  LoadWorkspaceOptions,
} from './node/files/workspace';
export { validateFiles } from './node/files/validateFiles';
export type { ValidateFilesOptions, ValidateFilesResult } from './node/files/validateFiles';
export { buildWorkspace } from './build';
export type { WorkspaceBuildResult, WorkspaceBuildEntry } from './build';
export { runPipeline, formatReport } from './workflow';
export type { PipelineReport } from './workflow';
export { startSession } from './node/session/session';
export type { Session, SessionOptions, ReloadResult } from './node/session/session';
export { runScenario } from './node/scenario/scenario';
export type { RunScenarioOptions, ScenarioSummary, ConversationSummary } from './node/scenario/scenario';
export type { ExpectationResult } from './node/scenario/expectations';
export { printable, printableDeep } from './cli/terminalText';
export { diskModuleCache } from './node/files/moduleCache';
export { setModuleCache } from './sandbox';
