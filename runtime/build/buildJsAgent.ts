/**
 * Bundle one TypeScript or JavaScript agent (and the JS SDK it imports as "caxton-agent") into a single script for
 * QuickJS, with an inline source map so failures point at the agent's own lines. esbuild transpiles and bundles
 * (it does not type-check: the editor does, against runtime/sdk/js/index.d.ts). Only relative imports and the SDK
 * are allowed: the sandbox has no Node or npm modules. Goes through the same content-keyed build cache as asc.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { BuildDiagnostic, BuildOptions, BuildResult } from './buildAgentSource';
import {
  checkBuildCache,
  computeKey,
  inputName,
  sdkDigest,
  sha256,
  storeBuild,
  withOutputLock,
  writeFileAtomic,
  type BuildInput,
} from './buildCache';
import { JS_SDK_IMPORT, locateJsSdk } from './sdkLocation';

/** The compiler recorded in the build key (a new esbuild rebuilds every bundle). */
export const JS_COMPILER = `esbuild ${esbuild.version}`;
/** What QuickJS runs (ES2023; esbuild lowers newer syntax). */
const TARGET = 'es2023';

/** The bundler options that shape the output, recorded in the build key. */
const BUNDLE_ARGS: readonly string[] = ['bundle', 'format=iife', `target=${TARGET}`, 'sourcemap=inline'];

/** Refuse every import but the SDK and relative files, with a message that says why. */
function sandboxImports(sdkDir: string): esbuild.Plugin {
  return {
    name: 'caxton-sandbox-imports',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (args.path === JS_SDK_IMPORT) return { path: 'index.js', namespace: JS_SDK_IMPORT };
        if (args.path.startsWith('./') || args.path.startsWith('../')) return undefined;
        return {
          errors: [
            {
              text: `cannot import '${args.path}': agents run in a sandbox without Node or npm modules; import only '${JS_SDK_IMPORT}' and relative files`,
            },
          ],
        };
      });
      build.onLoad({ filter: /.*/, namespace: JS_SDK_IMPORT }, () => ({
        contents: fs.readFileSync(path.join(sdkDir, 'index.js'), 'utf8'),
        loader: 'js',
        resolveDir: sdkDir,
      }));
    },
  };
}

/**
 * Bundle `sourceFile` to `outJs` (written atomically), unless the output is up to date; never throws for bad
 * source: problems come back as diagnostics (file:line:col, like the AssemblyScript builder's).
 */
export async function buildJsAgent(sourceFile: string, outJs: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const source = path.resolve(sourceFile);
  if (!fs.existsSync(source))
    return fail(source, "agent source not found; check the manifest's `module` (a TypeScript .ts or JavaScript .js file)");
  const out = path.resolve(outJs);
  const sdkDir = opts.sdkDir ?? locateJsSdk();
  const baseDir = path.dirname(source);
  const args = [...BUNDLE_ARGS];
  const cache = opts.cache !== false;
  return withOutputLock(out, async () => {
    if (cache && !opts.force) {
      const check = checkBuildCache(out, baseDir, sdkDir, args, JS_COMPILER);
      if (check.upToDate)
        return { ok: true, diagnostics: [], outWasm: out, bytes: check.keyFile!.bytes, cached: true, durationMs: Date.now() - started };
    }
    let result: esbuild.BuildResult<{ write: false; metafile: true }>;
    try {
      result = await esbuild.build({
        entryPoints: [source],
        bundle: true,
        write: false,
        metafile: true,
        format: 'iife',
        platform: 'neutral',
        target: TARGET,
        charset: 'utf8',
        legalComments: 'none',
        // A virtual output beside the source, so the map's `sources` are relative to the agent's folder.
        outfile: path.join(baseDir, 'agent.js'),
        absWorkingDir: baseDir,
        sourcemap: 'inline',
        sourcesContent: false,
        logLevel: 'silent',
        plugins: [sandboxImports(sdkDir)],
      });
    } catch (e) {
      const failure = e as esbuild.BuildFailure;
      if (!Array.isArray(failure.errors)) return fail(source, `bundling failed: ${(e as Error).message}`);
      return {
        ok: false,
        diagnostics: [
          ...toDiagnostics(failure.errors, 'error', baseDir, source),
          ...toDiagnostics(failure.warnings ?? [], 'warning', baseDir, source),
        ],
        cached: false,
        durationMs: Date.now() - started,
      };
    }
    const code = result.outputFiles.find((f) => f.path.endsWith('.js'))!.contents;
    const diagnostics = toDiagnostics(result.warnings, 'warning', baseDir, source);
    const durationMs = Date.now() - started;
    if (cache) {
      const inputs: BuildInput[] = Object.keys(result.metafile.inputs)
        .filter((f) => !f.includes(':'))
        .map((f) => {
          const abs = path.resolve(baseDir, f);
          return { file: inputName(abs, baseDir, sdkDir), sha256: sha256(fs.readFileSync(abs)) };
        });
      const key = computeKey({ asc: JS_COMPILER, args, sdk: sdkDigest(sdkDir), inputs });
      storeBuild(out, code, { key, durationMs, asc: JS_COMPILER, args, inputs });
    } else {
      writeFileAtomic(out, code);
    }
    return { ok: true, diagnostics, outWasm: out, bytes: code.byteLength, cached: false, durationMs };
  });
}

function toDiagnostics(
  messages: readonly esbuild.Message[],
  severity: BuildDiagnostic['severity'],
  baseDir: string,
  source: string,
): BuildDiagnostic[] {
  return messages.map((m) => {
    const loc = m.location;
    const file = !loc ? source : loc.file.startsWith(`${JS_SDK_IMPORT}:`) ? loc.file : path.resolve(baseDir, loc.file);
    const line = loc?.line ?? 1;
    const column = (loc?.column ?? 0) + 1;
    return { file, line, column, severity, message: m.text, text: `${file}:${line}:${column}: ${m.text}` };
  });
}

function fail(file: string, message: string): BuildResult {
  return { ok: false, diagnostics: [{ file, line: 1, column: 1, severity: 'error', message, text: `${file}:1:1: ${message}` }] };
}
