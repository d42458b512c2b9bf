/**
 * What the runtime host does for each request, on top of the session API (runtime/node): one session per workspace
 * folder, started on first use with the agents asked for; scenarios run in their own runtime; builds compile sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { EXPECTS_REPLY } from '../../schemas/protocolMachine';
import { normaliseMessage } from '../../schemas/load';
import {
  DEFAULT_RUNTIME_HOST_SETTINGS,
  type AgentStatus,
  type RuntimeHostRequests,
  type RuntimeHostSettings,
} from '../../schemas/protocol/runtimeHost';
import {
  buildWorkspace,
  formatProblem,
  formatReport,
  loadScope,
  loadWorkspace,
  readPipeline,
  runPipeline,
  runScenario,
  startSession,
  type Logger,
  type Session,
  type Workspace,
  type WorkspaceProblem,
} from '../index';
import { HostRequestError, type HostBackend, type HostEvents } from './hostServer';
import { printable } from '../index';

/** Reports carry agent text (conversation ids, outputs): each line made printable, so none can forge another. */
const printableLines = (text: string): string => text.split('\n').map(printable).join('\n');

export const HOST_VERSION = '0.1.0';

type P<K extends keyof RuntimeHostRequests> = RuntimeHostRequests[K]['params'];
type R<K extends keyof RuntimeHostRequests> = Promise<RuntimeHostRequests[K]['result']>;

/** Create the backend; `events` carries trace, log and agent-state notifications to the client. */
export function createSessionBackend(events: HostEvents): HostBackend {
  let folder: string | undefined;
  let settings: RuntimeHostSettings = DEFAULT_RUNTIME_HOST_SETTINGS;
  let session: Session | undefined;
  let traceFile: string | undefined;
  /** Manifests (absolute paths) the session runs; empty = every agent of the folder. */
  let wanted: string[] = [];
  const states = new Map<string, string>();
  const logger: Logger = {
    debug: (t) => events.log('debug', t),
    info: (t) => events.log('info', t),
    warn: (t) => events.log('warn', t),
    error: (t) => events.log('error', t),
  };
  const agents = (): AgentStatus[] => [...states].map(([name, state]) => ({ name, state }));
  const onTrace = (e: TraceEvent) => {
    events.trace(e);
    if (e.type === 'agent_state') {
      states.set(e.agent, e.to);
      events.agents(agents());
    }
  };
  const needFolder = (): string => {
    if (!folder) throw new HostRequestError('no session: send `start` with the workspace folder first');
    return folder;
  };
  const newTraceFile = (kind: string): string | undefined => {
    if (!settings.traceDir) return undefined;
    const dir = path.resolve(needFolder(), settings.traceDir);
    fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.trace.jsonl`);
  };
  const stopSession = async (reason: string): Promise<string[]> => {
    const s = session;
    session = undefined;
    if (!s) return [];
    const names = s.runtime.agentNames();
    await s.stop(reason);
    return names;
  };
  /** The running session, started (with `workspace` when the caller already loaded it) on first use. */
  const ensureSession = async (workspace?: Workspace): Promise<Session> => {
    if (session) return session;
    states.clear();
    traceFile = newTraceFile('session');
    session = await startSession({
      folder: needFolder(),
      agents: wanted.length ? wanted : undefined,
      traceFile,
      seed: settings.seed,
      logger,
      requestTimeoutMs: settings.requestTimeoutMs,
      onTrace,
      onAgentError: (e) => events.agentError(e),
      name: path.basename(needFolder()),
      workspace,
      workers: settings.workers > 0 ? settings.workers : undefined,
      ...(settings.nats ? { nats: { url: settings.nats, log: (line: string) => logger.info(line) } } : {}),
    });
    events.agents(agents());
    return session;
  };

  return {
    async start(p: P<'start'>): R<'start'> {
      if (!p?.folder || !fs.existsSync(p.folder))
        throw new HostRequestError(`start: folder ${p?.folder ?? '(none)'} does not exist; open a workspace folder`);
      await stopSession('session restarted');
      folder = path.resolve(p.folder);
      settings = { ...DEFAULT_RUNTIME_HOST_SETTINGS, ...p.settings };
      wanted = [];
      states.clear();
      return { version: HOST_VERSION, agents: [] };
    },

    async runAgent(p: P<'runAgent'>): R<'runAgent'> {
      const file = path.resolve(needFolder(), p.file);
      const ws = await loadWorkspace(needFolder(), { build: true });
      const entry = file.endsWith('.wasm')
        ? ws.agents.find((a) => a.wasmPath === file || a.source === file)
        : ws.agents.find((a) => a.file === file);
      if (!entry) {
        const hint = file.endsWith('.wasm')
          ? 'a .wasm runs through a *.agent.yaml manifest whose `module` names it; add one'
          : 'pick a *.agent.yaml manifest of this workspace';
        const problem = ws.problems.find((q) => q.file === file);
        throw new HostRequestError(
          `${file}: ${problem ? `${problem.line}:${problem.column}: ${problem.message}` : `not an agent of ${needFolder()}; ${hint}`}`,
        );
      }
      // The session API starts its agent set at once: restart it with this agent added.
      if (!wanted.includes(entry.file)) wanted = [...wanted, entry.file];
      await stopSession('agent added');
      await ensureSession(ws);
      return { agent: entry.manifest.name, agents: agents() };
    },

    async runPipeline(p: P<'runPipeline'>): R<'runPipeline'> {
      const file = path.resolve(needFolder(), p.file);
      const problems: WorkspaceProblem[] = [];
      const pipeline = readPipeline(file, problems, session?.workspace ?? loadScope(needFolder()))?.pipeline;
      if (!pipeline) throw new HostRequestError(problems.slice(0, 5).map(formatProblem).join('\n'));
      const s = await ensureSession();
      const report = await runPipeline(pipeline, s.runtime, { input: p.input });
      return { ok: report.ok, report: printableLines(formatReport(report)), output: report.output, error: report.error };
    },

    async runScenario(p: P<'runScenario'>): R<'runScenario'> {
      const file = path.resolve(needFolder(), p.file);
      const scenarioTrace = newTraceFile(path.basename(file).replace(/\.scenario\.ya?ml$/, ''));
      const summary = await runScenario(file, {
        seed: settings.seed,
        logger,
        requestTimeoutMs: settings.requestTimeoutMs,
        traceFile: scenarioTrace,
        onTrace: (e) => events.trace(e),
        onAgentError: (e) => events.agentError(e),
        workers: settings.workers > 0 ? settings.workers : undefined,
      });
      const lines = [
        `${summary.ok ? 'PASS' : 'FAIL'} ${summary.name}: ${summary.delivered} delivered, ${summary.dropped} dropped, ${summary.timeouts} timeouts, ${summary.violations} violations (${summary.reason})`,
        ...summary.conversations.map((c) => `  ${c.id}: ${c.outcome} (${c.messages} messages)`),
        ...summary.expectations.map((x) => `  ${JSON.stringify(x)}`),
      ];
      return { ok: summary.ok, report: lines.map(printable).join('\n'), traceFile: scenarioTrace };
    },

    async send(p: P<'send'>): R<'send'> {
      const raw = p.message as FipaMessage;
      if (!raw || typeof raw.performative !== 'string' || typeof raw.sender !== 'string') {
        throw new HostRequestError('send: the message needs at least performative, sender and receiver (see message.schema.json)');
      }
      // FIPA's hyphenated spellings are a hint in the editor, so they are accepted (in snake_case) here too.
      const message = normaliseMessage(raw);
      const s = await ensureSession();
      // In a cluster, a receiver on another node may not have been announced yet right after the session joined.
      const named =
        typeof message.receiver === 'string' && message.receiver !== 'broadcast' && !message.receiver.startsWith('topic://')
          ? [message.receiver]
          : [];
      if (s.link && named.length) {
        try {
          await s.link.waitFor(named, Math.min(5000, p.timeoutMs ?? settings.requestTimeoutMs));
        } catch (e) {
          return { error: (e as Error).message, agents: agents() };
        }
      }
      if (!EXPECTS_REPLY.has(message.performative) && !message.reply_with) {
        s.send(message);
        return { agents: agents() };
      }
      try {
        const reply = await s.request(message, { timeoutMs: p.timeoutMs ?? settings.requestTimeoutMs });
        return { reply, agents: agents() };
      } catch (e) {
        return { error: (e as Error).message, agents: agents() };
      }
    },

    async stop(): R<'stop'> {
      const stopped = await stopSession('stopped by the user');
      for (const name of stopped) states.set(name, 'stopped');
      events.agents([]);
      states.clear();
      return { stopped, traceFile };
    },

    async build(p: P<'build'>): R<'build'> {
      const result = await buildWorkspace(path.resolve(p?.folder ?? needFolder()), { force: p?.force === true });
      return {
        ok: result.ok,
        agents: result.agents.map((a) => ({
          name: a.name,
          ok: a.ok,
          module: a.ok ? a.outWasm : undefined,
          status: a.status,
          durationMs: a.durationMs,
          error: a.ok
            ? undefined
            : a.diagnostics
                .filter((d) => d.severity === 'error')
                .map((d) => d.text)
                .join('\n') || 'build failed',
        })),
      };
    },

    async reloadAgents(p: P<'reloadAgents'>): R<'reloadAgents'> {
      if (!session) return { running: false, results: [] };
      if (!Array.isArray(p?.files) || p.files.some((f) => typeof f !== 'string'))
        throw new HostRequestError('reloadAgents: `files` must be a list of file paths');
      const files = p.files.map((f) => path.resolve(needFolder(), f));
      const results = await session.reloadChanged(files);
      for (const r of results) if (r.status === 'reloaded') logger.info(`hot reloaded ${r.agent}${r.build ? ` (${r.build})` : ''}`);
      return { running: true, results };
    },

    async status(): R<'status'> {
      return { running: !!session, agents: agents() };
    },
  };
}
