/**
 * loadWorkspace: find and load a folder's agent manifests, scenarios, message files and pipelines through the one
 * loader (schemas/load) and the one workspace-path guard (platform/), so the runtime refuses exactly what the
 * editor marks as an error, with the same message at the same place. Load once and pass the result on: it keeps
 * the agent directory and the file lookup for later loads (a scenario's messages, `caxton send`). AssemblyScript
 * sources are built to wasm on the way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AgentManifest, FipaMessage, PipelineFile, ScenarioFile } from '../../../schemas';
import {
  indexFile,
  kindFromName,
  LineIndex,
  loadText,
  manifestOf,
  messagesOf,
  pipelineOf,
  scenarioOf,
  toValue,
  WorkspaceIndex,
  type FileKind,
  type FileLookup,
  type LoadedFile,
  type LoadSettings,
  type Severity,
} from '../../../schemas/load';
import { findCaxtonFiles } from '../../../platform/findFiles';
import { createFileLookup } from '../../../platform/fileLookup';
import { checkWorkspaceFile, escapes, readWorkspaceFile, realFolder } from '../../../platform/workspaceFile';
import { builtModulePath, createBuildRun, type BuildRun } from '../../build';
import { expandReplicas } from '../session/replicas';

/** One problem in a workspace file (1-based line and column, UTF-16 columns as the editor counts them). */
export interface WorkspaceProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  severity?: Severity;
  code?: string;
}

/** `file:line:col: severity: message [code]`, as `caxton validate` prints it. */
export function formatProblem(p: WorkspaceProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity === 'information' ? 'info' : (p.severity ?? 'error')}: ${p.message}${p.code ? ` [${p.code}]` : ''}`;
}

export interface AgentEntry {
  /** The manifest file (absolute). */
  file: string;
  manifest: AgentManifest;
  /** The module as written, resolved (a .wasm, or the .ts source). */
  source: string;
  /** The module to load: the .wasm (the built output of an AssemblyScript source), or a TypeScript/JavaScript agent's built .js bundle; set once built. */
  wasmPath?: string;
  /** A replica of the manifest's agent (`replicas: N`): the manifest's own name (this entry is `<it>-<i>`). */
  replicaOf?: string;
}

export interface ScenarioEntry {
  file: string;
  scenario: ScenarioFile['scenario'];
}
export interface MessageFileEntry {
  file: string;
  messages: FipaMessage[];
}
export interface PipelineEntry {
  file: string;
  pipeline: PipelineFile;
}

/** What later loads need to judge a file like the editor does: the agents declared and the files around. */
export interface LoadScope {
  /** The workspace folder (absolute, symlinks resolved): references must stay inside it. */
  folder: string;
  /** The manifests' declarations (unknown-agent, duplicate-agent). */
  directory: WorkspaceIndex;
  lookup: FileLookup;
  /** Manifests already read and checked while indexing (so a run reads each file once). */
  manifests?: Map<string, { text: string; loaded: LoadedFile }>;
}

export interface Workspace extends LoadScope {
  agents: AgentEntry[];
  scenarios: ScenarioEntry[];
  messageFiles: MessageFileEntry[];
  pipelines: PipelineEntry[];
  /** Every error, each naming the file, the place and the fix: what the runtime refuses. */
  problems: WorkspaceProblem[];
  /** Warnings, information and hints (shown, not refused). */
  notes: WorkspaceProblem[];
}

export interface LoadWorkspaceOptions {
  /** Build AssemblyScript agents whose wasm is not up to date (build cache; default true). */
  build?: boolean;
}

/** Raised when a workspace cannot be used; `problems` has every place to fix, the message the first ones. */
export class WorkspaceError extends Error {
  constructor(
    readonly problems: WorkspaceProblem[],
    summary?: string,
  ) {
    super(summary ?? problems.slice(0, 3).map(formatProblem).join('\n'));
    this.name = 'WorkspaceError';
  }
}

/** Load and check every agent manifest, scenario, message file and pipeline under `folder`. */
export async function loadWorkspace(folder: string, options: LoadWorkspaceOptions = {}): Promise<Workspace> {
  const abs = path.resolve(folder);
  const dir = checkFolder(abs);
  if (dir) throw new WorkspaceError([{ file: abs, line: 1, column: 1, message: dir, severity: 'error', code: 'io-error' }]);
  const scope = loadScope(abs);
  const ws: Workspace = { ...scope, agents: [], scenarios: [], messageFiles: [], pipelines: [], problems: [], notes: [] };
  const byKind = (kind: FileKind) => scope.files.filter((f) => f.kind === kind).map((f) => f.file);
  for (const file of byKind('agent')) {
    const entry = readManifest(ws.folder, file, ws.problems, ws, ws.notes);
    if (entry) ws.agents.push(entry);
  }
  ws.agents = expandReplicas(ws.agents, ws.problems);
  for (const file of byKind('scenario')) {
    const s = readScenario(file, ws.problems, ws, ws.notes);
    if (s) ws.scenarios.push(s);
  }
  for (const file of byKind('message')) {
    const m = readMessageFile(file, ws.problems, ws, ws.notes);
    if (m) ws.messageFiles.push(m);
  }
  for (const file of byKind('pipeline')) {
    const p = readPipeline(file, ws.problems, ws, ws.notes);
    if (p) ws.pipelines.push(p);
  }
  return options.build === false ? ws : buildAgents(ws);
}

/**
 * The agents declared and the file lookup of a folder (its manifests indexed, none built): what loading a file
 * against that folder needs. loadWorkspace returns one; `caxton send` and a lone scenario make their own.
 */
export function loadScope(folder: string): LoadScope & { files: Array<{ file: string; kind: FileKind }> } {
  const root = realFolder(folder);
  const files = findCaxtonFiles([root], { maxFiles: 20_000, maxDepth: 16 }).map((file) => ({ file, kind: kindOf(file) }));
  const directory = new WorkspaceIndex();
  const lookup = createFileLookup(() => root);
  const manifests = new Map<string, { text: string; loaded: LoadedFile }>();
  for (const { file } of files.filter((f) => f.kind === 'agent')) {
    const read = readWorkspaceFile(root, file);
    if (!read.ok) continue;
    // Checked here already (all but duplicate-agent, which needs every declaration: see checkFile).
    const loaded = loadText(uriOf(read.real), read.text, { kind: 'agent', files: lookup });
    manifests.set(file, { text: read.text, loaded });
    directory.update(uriOf(file), indexFile(loaded));
  }
  return { folder: root, directory, lookup, files, manifests };
}

/** Read and check one manifest; `problems` gets its errors, `notes` the rest. */
export function readManifest(
  root: string,
  file: string,
  problems: WorkspaceProblem[],
  scope?: LoadScope,
  notes?: WorkspaceProblem[],
): AgentEntry | undefined {
  const loaded = loadFile(file, 'agent', scope ?? loadScope(root), problems, notes);
  const manifest = loaded && manifestOf(loaded);
  if (!manifest) return undefined;
  // The loader checked the module through the guard (exists, regular file, inside the workspace, size).
  const real = checkWorkspaceFile(root, path.resolve(path.dirname(file), manifest.module));
  if (!real.ok) {
    problems.push({ file, line: 1, column: 1, message: real.reason, severity: 'error', code: 'refused-file' });
    return undefined;
  }
  return { file, manifest, source: real.real, ...(real.real.endsWith('.wasm') ? { wasmPath: real.real } : {}) };
}

/**
 * Build a .ts agent unless its wasm is up to date (the build cache: sources, imports, SDK, compiler); records build
 * diagnostics as problems. Pass one `run` for several agents so a shared source compiles once.
 */
export async function ensureBuilt(entry: AgentEntry, problems: WorkspaceProblem[], run: BuildRun = createBuildRun()): Promise<void> {
  if (entry.wasmPath) return;
  const out = builtModulePath(entry.file, entry.manifest);
  const result = await run.build(entry.source, out);
  if (!result.ok) {
    for (const d of result.diagnostics.filter((x) => x.severity === 'error').slice(0, 5)) {
      problems.push({
        file: d.file,
        line: d.line,
        column: d.column,
        message: `${d.message} (building agent '${entry.manifest.name}')`,
        severity: 'error',
        code: 'build-error',
      });
    }
    if (!result.diagnostics.some((x) => x.severity === 'error'))
      problems.push({
        file: entry.source,
        line: 1,
        column: 1,
        message: `building agent '${entry.manifest.name}' failed; run \`caxton build\` for details`,
        severity: 'error',
        code: 'build-error',
      });
    return;
  }
  entry.wasmPath = result.outWasm ?? out;
}

/** Read and check a scenario file (its references looked up in its own folder, as `caxton run` starts them). */
export function readScenario(
  file: string,
  problems: WorkspaceProblem[],
  scope?: LoadScope,
  notes?: WorkspaceProblem[],
): ScenarioEntry | undefined {
  const loaded = loadFile(file, 'scenario', scope ?? loadScope(path.dirname(file)), problems, notes);
  const scenario = loaded && scenarioOf(loaded);
  return scenario ? { file, scenario } : undefined;
}

/** Read and check a message file: one message or a conversation (`caxton send` loads any name as a message file). */
export function readMessageFile(
  file: string,
  problems: WorkspaceProblem[],
  scope?: LoadScope,
  notes?: WorkspaceProblem[],
): MessageFileEntry | undefined {
  const loaded = loadFile(file, 'message', scope ?? loadScope(path.dirname(file)), problems, notes);
  const messages = loaded && messagesOf(loaded);
  return messages ? { file, messages } : undefined;
}

/** Read and check a pipeline file. */
export function readPipeline(
  file: string,
  problems: WorkspaceProblem[],
  scope?: LoadScope,
  notes?: WorkspaceProblem[],
): PipelineEntry | undefined {
  const loaded = loadFile(file, 'pipeline', scope ?? loadScope(path.dirname(file)), problems, notes);
  const pipeline = loaded && pipelineOf(loaded);
  return pipeline ? { file, pipeline } : undefined;
}

/**
 * Every problem the loader finds in one file, as the editor would show it (errors and the rest). The file is read
 * through the guard (refused: one problem at 1:1 saying why).
 */
export function checkFile(
  file: string,
  kind: FileKind | undefined,
  scope: LoadScope,
  settings?: Partial<LoadSettings>,
): { loaded?: LoadedFile; problems: WorkspaceProblem[] } {
  const cached = !settings && kind === 'agent' ? reusable(scope, file) : undefined;
  const read = cached ? { ok: true as const, ...cached } : readWorkspaceFile(scope.folder, file);
  if (!read.ok)
    return { problems: [{ file, line: 1, column: 1, message: `cannot read: ${read.reason}`, severity: 'error', code: 'io-error' }] };
  // Judged under its real path, as the directory's declarations are (a scenario looks up agents by folder).
  const loaded =
    cached?.loaded ??
    loadText(uriOf(read.real), read.text, { kind: kind ?? kindOf(file), agents: scope.directory, files: scope.lookup, settings });
  const lines = new LineIndex(read.text);
  return {
    loaded,
    problems: loaded.problems.map((p) => {
      const at = lines.positionAt(p.start);
      return { file, line: at.line + 1, column: at.character + 1, message: p.message, severity: p.severity, code: p.code };
    }),
  };
}

/**
 * A manifest checked while indexing, when that check is complete: it lacked only the directory, which matters
 * (duplicate-agent) only when another manifest declares the same name. The cross-check test holds this equal.
 */
function reusable(scope: LoadScope, file: string): { text: string; real: string; loaded: LoadedFile } | undefined {
  const hit = scope.manifests?.get(file);
  if (!hit) return undefined;
  const name = manifestName(hit.loaded);
  if (name !== undefined && scope.directory.findAgent(name).length > 1) return undefined;
  return { text: hit.text, real: fileURLToPath(hit.loaded.uri), loaded: hit.loaded };
}

function manifestName(loaded: LoadedFile): string | undefined {
  const name = (toValue(loaded.parsed?.root) as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

function loadFile(
  file: string,
  kind: FileKind,
  scope: LoadScope,
  problems: WorkspaceProblem[],
  notes?: WorkspaceProblem[],
): LoadedFile | undefined {
  const checked = checkFile(file, kind, scope);
  for (const p of checked.problems) (p.severity === 'error' ? problems : notes)?.push(p);
  return checked.loaded;
}

/**
 * A problem when `file` (following symlinks) lies outside the workspace `folder`, else undefined: scenario message
 * files, pipelines and manifests must not reach out of the workspace.
 */
export function outsideWorkspace(folder: string, file: string, what: string): string | undefined {
  const root = realFolder(folder);
  const real = realFolder(file);
  return escapes(root, real)
    ? `${what} ${file} resolves to ${real}, outside the workspace ${root}; keep it inside the scenario's folder`
    : undefined;
}

/** `ws` when it is the workspace of `folder` (so it can be reused), else undefined. */
export function workspaceFor(ws: Workspace | undefined, folder: string): Workspace | undefined {
  return ws && ws.folder === realFolder(folder) ? ws : undefined;
}

/** Build the workspace's AssemblyScript agents that are not built yet (for a workspace loaded with `build: false`). */
export async function buildAgents(ws: Workspace): Promise<Workspace> {
  const run = createBuildRun();
  // Replicas share their manifest's module: built once.
  const built = new Map<string, string | undefined>();
  for (const a of ws.agents) {
    if (built.has(a.file)) {
      a.wasmPath = built.get(a.file);
      continue;
    }
    await ensureBuilt(a, ws.problems, run);
    built.set(a.file, a.wasmPath);
  }
  return ws;
}

function checkFolder(abs: string): string | undefined {
  try {
    if (fs.statSync(abs).isDirectory()) return undefined;
  } catch {
    // missing: said below
  }
  return 'no such folder; pass a folder that holds *.agent.yaml manifests';
}

/** The kind the file's name marks (the loader's own rule, as findCaxtonFiles found it); any other name is read as a message file. */
function kindOf(file: string): FileKind {
  return kindFromName(path.basename(file)) ?? 'message';
}

function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

export { escapes, realFolder };
