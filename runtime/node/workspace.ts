/**
 * loadWorkspace: find and check a folder's agent manifests (*.agent.yaml), scenarios (*.scenario.yaml) and
 * message files (*.fipa.json). Module paths are resolved relative to their manifest and must stay inside the
 * workspace, also through symlinks; AssemblyScript sources are built to wasm on the way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentManifest, FipaMessage, ScenarioFile } from '../../schemas';
import { builtModulePath, createBuildRun, type BuildRun } from '../build';
import { parseJsonFile, parseYamlFile, schemaValidator, formatProblem, type WorkspaceProblem } from './schemaProblems';

export interface AgentEntry {
  /** The manifest file (absolute). */
  file: string;
  manifest: AgentManifest;
  /** The module as written, resolved (a .wasm, or the .ts source). */
  source: string;
  /** The module to load: the .wasm (the built output of an AssemblyScript source), or a TypeScript/JavaScript agent's built .js bundle; set once built. */
  wasmPath?: string;
}

export interface ScenarioEntry { file: string; scenario: ScenarioFile['scenario'] }
export interface MessageFileEntry { file: string; messages: FipaMessage[] }

export interface Workspace {
  /** The workspace folder (absolute, symlinks resolved). */
  folder: string;
  agents: AgentEntry[];
  scenarios: ScenarioEntry[];
  messageFiles: MessageFileEntry[];
  /** Everything wrong, each naming the file, the place and the fix. */
  problems: WorkspaceProblem[];
}

export interface LoadWorkspaceOptions {
  /** Build AssemblyScript agents whose wasm is not up to date (build cache; default true). */
  build?: boolean;
}

/** Raised when a workspace cannot be used; `problems` has every place to fix, the message the first ones. */
export class WorkspaceError extends Error {
  constructor(readonly problems: WorkspaceProblem[], summary?: string) {
    super(summary ?? problems.slice(0, 3).map(formatProblem).join('\n'));
    this.name = 'WorkspaceError';
  }
}

const SKIP_DIRS = new Set(['node_modules', 'build', '.git', 'out', 'dist']);

/** Load and check every agent manifest, scenario and message file under `folder`. */
export async function loadWorkspace(folder: string, options: LoadWorkspaceOptions = {}): Promise<Workspace> {
  const abs = path.resolve(folder);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw new WorkspaceError([{ file: abs, line: 1, column: 1, message: 'no such folder; pass a folder that holds *.agent.yaml manifests' }]);
  }
  const root = fs.realpathSync(abs);
  const files = walk(root);
  const ws: Workspace = { folder: root, agents: [], scenarios: [], messageFiles: [], problems: [] };
  for (const file of files.filter((f) => f.endsWith('.agent.yaml'))) {
    const entry = readManifest(root, file, ws.problems);
    if (entry) ws.agents.push(entry);
  }
  checkDuplicateNames(ws);
  for (const file of files.filter((f) => f.endsWith('.scenario.yaml'))) {
    const s = readScenario(file, ws.problems);
    if (s) ws.scenarios.push(s);
  }
  for (const file of files.filter((f) => f.endsWith('.fipa.json'))) {
    const m = readMessageFile(file, ws.problems);
    if (m) ws.messageFiles.push(m);
  }
  if (options.build !== false) {
    const run = createBuildRun();
    for (const a of ws.agents) await ensureBuilt(a, ws.problems, run);
  }
  return ws;
}

/** Read and check one manifest (also used for scenario `agents:` entries outside the folder walk). */
export function readManifest(root: string, file: string, problems: WorkspaceProblem[]): AgentEntry | undefined {
  // The manifest itself may be a symlink (or a scenario's `agents:` path) pointing out of the workspace.
  const realManifest = fs.existsSync(file) ? fs.realpathSync(file) : file;
  if (escapes(root, realManifest)) {
    problems.push({ file, line: 1, column: 1, message: `this manifest resolves to ${realManifest}, outside the workspace ${root}; agents may only be loaded from inside their workspace` });
    return undefined;
  }
  const text = readText(file, problems);
  if (text === undefined) return undefined;
  const parsed = parseYamlFile(file, text, schemaValidator('https://caxton.dev/schemas/agent.schema.json'), 'schemas/agent.schema.json');
  if (!parsed.value) { problems.push(...parsed.problems); return undefined; }
  const manifest = parsed.value as AgentManifest;
  const source = path.resolve(path.dirname(file), manifest.module);
  const where = moduleLine(text);
  if (!fs.existsSync(source)) {
    problems.push({ file, ...where, message: `module '${manifest.module}' does not exist (looked for ${source}); fix the path, relative to this manifest` });
    return undefined;
  }
  const real = fs.realpathSync(source);
  if (escapes(root, real)) {
    problems.push({ file, ...where, message: `module '${manifest.module}' resolves to ${real}, outside the workspace ${root}; agents may only load modules inside their workspace` });
    return undefined;
  }
  return { file, manifest, source: real, ...(real.endsWith('.wasm') ? { wasmPath: real } : {}) };
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
      problems.push({ file: d.file, line: d.line, column: d.column, message: `${d.message} (building agent '${entry.manifest.name}')` });
    }
    if (!result.diagnostics.some((x) => x.severity === 'error')) problems.push({ file: entry.source, line: 1, column: 1, message: `building agent '${entry.manifest.name}' failed; run \`caxton build\` for details` });
    return;
  }
  entry.wasmPath = result.outWasm ?? out;
}

/** Read and check a scenario file. */
export function readScenario(file: string, problems: WorkspaceProblem[]): ScenarioEntry | undefined {
  const text = readText(file, problems);
  if (text === undefined) return undefined;
  const parsed = parseYamlFile(file, text, schemaValidator('https://caxton.dev/schemas/scenario.schema.json'), 'schemas/scenario.schema.json');
  if (!parsed.value) { problems.push(...parsed.problems); return undefined; }
  return { file, scenario: (parsed.value as ScenarioFile).scenario };
}

/** Read and check a *.fipa.json file: one message or an array of messages. */
export function readMessageFile(file: string, problems: WorkspaceProblem[]): MessageFileEntry | undefined {
  const text = readText(file, problems);
  if (text === undefined) return undefined;
  const parsed = parseJsonFile(file, text, schemaValidator('https://caxton.dev/schemas/message.schema.json'), 'schemas/message.schema.json');
  if (!parsed.value) { problems.push(...parsed.problems); return undefined; }
  const list = (Array.isArray(parsed.value) ? parsed.value : [parsed.value]) as Array<FipaMessage & { $schema?: string }>;
  return { file, messages: list.map(({ $schema: _schema, ...m }) => m) };
}

function checkDuplicateNames(ws: Workspace): void {
  const seen = new Map<string, string>();
  ws.agents = ws.agents.filter((a) => {
    const first = seen.get(a.manifest.name);
    if (!first) { seen.set(a.manifest.name, a.file); return true; }
    ws.problems.push({ file: a.file, line: 1, column: 1, message: `agent name '${a.manifest.name}' is already used by ${first}; agent names must be unique in a workspace` });
    return false;
  });
}

function readText(file: string, problems: WorkspaceProblem[]): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    problems.push({ file, line: 1, column: 1, message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    return undefined;
  }
}

function moduleLine(text: string): { line: number; column: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /^module\s*:/.test(l));
  if (i < 0) return { line: 1, column: 1 };
  const m = /^module\s*:\s*/.exec(lines[i])!;
  return { line: i + 1, column: m[0].length + 1 };
}

/**
 * A problem when `file` (following symlinks) lies outside the workspace `folder`, else undefined: scenario message
 * files, pipelines and manifests must not reach out of the workspace.
 */
export function outsideWorkspace(folder: string, file: string, what: string): string | undefined {
  const root = fs.existsSync(folder) ? fs.realpathSync(folder) : path.resolve(folder);
  const real = fs.existsSync(file) ? fs.realpathSync(file) : path.resolve(file);
  return escapes(root, real) ? `${what} ${file} resolves to ${real}, outside the workspace ${root}; keep it inside the scenario's folder` : undefined;
}

/** Whether `target` lies outside `root` (both real paths). */
export function escapes(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' ? false : rel.startsWith('..') || path.isAbsolute(rel);
}

/** Every file under `dir`, skipping dependency, build and output folders (symlinked folders are not followed). */
function walk(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.') && !/^(out|dist)-/.test(entry.name)) visit(p);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        out.push(p);
      }
    }
  };
  visit(dir);
  return out;
}

export type { WorkspaceProblem };
export { formatProblem };
