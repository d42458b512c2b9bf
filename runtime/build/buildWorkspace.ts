/** `caxton build`: compile every AssemblyScript agent and bundle every TypeScript/JavaScript agent (manifests read by the one loader). */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineIndex, loadText, manifestOf, toValue } from '../../schemas/load';
import { findCaxtonFiles } from '../../platform/findFiles';
import { readWorkspaceFile, realFolder } from '../../platform/workspaceFile';
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

export interface WorkspaceBuildResult {
  ok: boolean;
  agents: WorkspaceBuildEntry[];
}

/** Every agent manifest under `folder` (the one walker: skipping node_modules, build and output folders), sorted. */
export function findManifests(folder: string): string[] {
  return findCaxtonFiles([path.resolve(folder)], { kinds: ['agent'], maxFiles: 20_000, maxDepth: 16 });
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
 * Build every AssemblyScript agent and bundle every TypeScript/JavaScript agent in `folder` (skipping up-to-date ones unless `force`; agents sharing a source
 * compile once); manifests that name a `.wasm` are left alone.
 */
export async function buildWorkspace(folder: string, opts: BuildOptions = {}): Promise<WorkspaceBuildResult> {
  const agents: WorkspaceBuildEntry[] = [];
  const run = createBuildRun(opts);
  const root = realFolder(folder);
  for (const manifestPath of findManifests(folder)) {
    const failed = (diagnostics: BuildDiagnostic[]) =>
      agents.push({ manifestPath, name: path.basename(manifestPath), source: '', outWasm: '', ok: false, diagnostics });
    const read = readWorkspaceFile(root, manifestPath);
    if (!read.ok) {
      failed([diag(manifestPath, read.reason)]);
      continue;
    }
    const loaded = loadText(pathToFileURL(manifestPath).href, read.text, { kind: 'agent' });
    const raw = toValue(loaded.parsed?.root) as { module?: unknown } | null;
    if (typeof raw?.module === 'string' && raw.module.endsWith('.wasm')) continue; // a built module: nothing to compile
    const manifest = manifestOf(loaded);
    if (!manifest) {
      // Refused as a run refuses it: the loader's errors, at their places.
      const lines = new LineIndex(read.text);
      failed(
        loaded.problems
          .filter((p) => p.severity === 'error')
          .slice(0, 5)
          .map((p) => {
            const at = lines.positionAt(p.start);
            return {
              file: manifestPath,
              line: at.line + 1,
              column: at.character + 1,
              severity: 'error' as const,
              message: p.message,
              text: `${manifestPath}:${at.line + 1}:${at.character + 1}: ${p.message}`,
            };
          }),
      );
      continue;
    }
    const language = typeof manifest.language === 'string' ? manifest.language : undefined;
    if (!needsBuild({ module: manifest.module, language })) continue;
    const source = path.resolve(path.dirname(manifestPath), manifest.module);
    const outWasm = builtModulePath(manifestPath, { name: manifest.name, module: manifest.module, language });
    const result = await run.build(source, outWasm);
    agents.push({
      manifestPath,
      name: manifest.name,
      source,
      outWasm,
      ok: result.ok,
      diagnostics: result.diagnostics,
      status: result.status,
      durationMs: result.durationMs,
    });
  }
  return { ok: agents.every((a) => a.ok), agents };
}

function diag(file: string, message: string): BuildDiagnostic {
  return { file, line: 1, column: 1, severity: 'error', message, text: `${file}:1:1: ${message}` };
}
