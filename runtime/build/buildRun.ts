/**
 * One build run: agents that share a source compile once (the first build's output and key are copied to the
 * others' outputs), and every agent goes through the build cache.
 */
import * as path from 'node:path';
import { buildAgentSource, type BuildOptions, type BuildResult } from './buildAgentSource';
import { buildJsAgent } from './buildJsAgent';
import { isJsBundlePath } from './agentLanguage';
import { copyBuild, sameBuild } from './buildCache';

/** A build result with where it came from: compiled now, up to date already, or copied from an agent sharing the source. */
export interface RunBuildResult extends BuildResult {
  status: 'built' | 'up to date' | 'failed';
  sharedWith?: string;
}

export interface BuildRun {
  /** Build `source` to `outWasm` (cached; once per source in this run). */
  build(source: string, outWasm: string): Promise<RunBuildResult>;
}

/**
 * Start a build run with these options (force, optimize, sdkDir). An output ending in `.js` (builtModulePath of a
 * TypeScript/JavaScript agent) is bundled for QuickJS; any other is compiled with asc.
 */
export function createBuildRun(opts: BuildOptions = {}): BuildRun {
  const first = new Map<string, { outWasm: string; result: Promise<BuildResult> }>();
  return {
    async build(sourceFile, outWasm) {
      const source = path.resolve(sourceFile);
      const out = path.resolve(outWasm);
      // One source may be built both ways (an AssemblyScript and a TypeScript agent naming one file): key by both.
      const js = isJsBundlePath(out);
      const key = `${source}\0${js}`;
      const earlier = first.get(key);
      if (!earlier || earlier.outWasm === out) {
        const result =
          earlier?.result ?? (js ? buildJsAgent(source, out, { ...opts, sdkDir: undefined }) : buildAgentSource(source, out, opts));
        if (!earlier) first.set(key, { outWasm: out, result });
        const r = await result;
        return { ...r, status: statusOf(r) };
      }
      const started = Date.now();
      const r = await earlier.result;
      if (!r.ok) return { ...r, status: 'failed', sharedWith: earlier.outWasm };
      // Same source, same options: the earlier output is this one too, unless this one is already up to date.
      const same = sameBuild(earlier.outWasm, out);
      if (!same) copyBuild(earlier.outWasm, out);
      return {
        ok: true,
        diagnostics: r.diagnostics,
        outWasm: out,
        bytes: r.bytes,
        cached: same,
        durationMs: Date.now() - started,
        status: same ? 'up to date' : 'built',
        sharedWith: earlier.outWasm,
      };
    },
  };
}

function statusOf(r: BuildResult): RunBuildResult['status'] {
  return !r.ok ? 'failed' : r.cached ? 'up to date' : 'built';
}
