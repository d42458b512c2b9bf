/** `caxton build`: compile every AssemblyScript agent and bundle every TypeScript/JavaScript agent. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { BuildDiagnostic, BuildOptions } from './buildAgentSource';
import { createBuildRun } from './buildRun';
import { isJsAgent, needsBuild } from './agentLanguage';

export interface WorkspaceBuildEntry {
  manifestPath: string;
  name: string;
  source: string;
  outWasm: string;
  ok: boolean;
  diagnostics: BuildDiagnostic[];
  /** `built` (compiled now, or copied from an agent sharing the source), `up to date` (cache hit) or `failed`. */
  status?: 'built' | 'up to date' | 'failed';
  /** Time spent on this agent, ms. */
  durationMs?: number;
}

export interface WorkspaceBuildResult { ok: boolean; agents: WorkspaceBuildEntry[] }

const SKIP_DIRS = new Set(['node_modules', 'build', '.git', 'out', 'dist']);

/** Every `*.agent.yaml` under `folder` (skipping node_modules, build and output folders), sorted. */
export function findManifests(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.') && !/^(out|dist)-/.test(entry.name)) walk(path.join(dir, entry.name));
      } else if (entry.name.endsWith('.agent.yaml')) {
        found.push(path.join(dir, entry.name));
      }
    }
  };
  walk(path.resolve(folder));
  return found.sort();
}

/**
 * Where the module of a manifest is: a `.wasm` is used as written (relative to the manifest); an AssemblyScript
 * `.ts` source is built to `<manifest folder>/build/<agent name>.wasm`; a TypeScript/JavaScript agent
 * (`language: typescript | javascript`) is bundled to `<manifest folder>/build/<agent name>.js`.
 */
export function builtModulePath(manifestPath: string, manifest: { name: string; module: string; language?: string }): string {
  const dir = path.dirname(path.resolve(manifestPath));
  if (manifest.module.endsWith('.wasm')) return path.resolve(dir, manifest.module);
  return path.join(dir, 'build', `${manifest.name}.${isJsAgent(manifest) ? 'js' : 'wasm'}`);
}

/**
 * Build every AssemblyScript agent in `folder` (skipping up-to-date ones unless `force`; agents sharing a source
 * compile once); manifests that name a `.wasm` are left alone.
 */
export async function buildWorkspace(folder: string, opts: BuildOptions = {}): Promise<WorkspaceBuildResult> {
  const agents: WorkspaceBuildEntry[] = [];
  const run = createBuildRun(opts);
  for (const manifestPath of findManifests(folder)) {
    let manifest: { name?: unknown; module?: unknown; language?: unknown };
    try {
      manifest = parseYaml(fs.readFileSync(manifestPath, 'utf8')) ?? {};
    } catch (e) {
      const message = `not valid YAML: ${(e as Error).message.split('\n')[0]}`;
      agents.push({ manifestPath, name: path.basename(manifestPath), source: '', outWasm: '', ok: false, diagnostics: [diag(manifestPath, message)] });
      continue;
    }
    if (typeof manifest.name !== 'string' || typeof manifest.module !== 'string') {
      const message = 'a manifest needs `name` and `module` (see schemas/agent.schema.json)';
      agents.push({ manifestPath, name: path.basename(manifestPath), source: '', outWasm: '', ok: false, diagnostics: [diag(manifestPath, message)] });
      continue;
    }
    const language = typeof manifest.language === 'string' ? manifest.language : undefined;
    if (!needsBuild({ module: manifest.module, language })) continue;
    const source = path.resolve(path.dirname(manifestPath), manifest.module);
    const outWasm = builtModulePath(manifestPath, { name: manifest.name, module: manifest.module, language });
    const result = await run.build(source, outWasm);
    agents.push({ manifestPath, name: manifest.name, source, outWasm, ok: result.ok, diagnostics: result.diagnostics, status: result.status, durationMs: result.durationMs });
  }
  return { ok: agents.every((a) => a.ok), agents };
}

function diag(file: string, message: string): BuildDiagnostic {
  return { file, line: 1, column: 1, severity: 'error', message, text: `${file}:1:1: ${message}` };
}

/**
 * The module bytes for a manifest (see builtModulePath), with the path for error messages. Throws an Error
 * naming the file and the fix when a `.ts` agent has not been built or a `.wasm` is missing.
 */
export function readAgentModule(manifestPath: string, manifest: { name: string; module: string; language?: string }): { wasmPath: string; wasm: Uint8Array } {
  const wasmPath = builtModulePath(manifestPath, manifest);
  if (!fs.existsSync(wasmPath)) {
    const fix = needsBuild(manifest)
      ? `run \`caxton build ${path.dirname(manifestPath)}\` to compile ${manifest.module}`
      : `check \`module: ${manifest.module}\``;
    throw new Error(`${manifestPath}: module ${wasmPath} not found; ${fix}`);
  }
  return { wasmPath, wasm: fs.readFileSync(wasmPath) };
}
