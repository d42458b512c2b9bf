/** Compile one AssemblyScript agent source to a .wasm module that speaks Agent ABI v1 (docs/agent-abi.md). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ascVersion,
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
import { locateSdk, SDK_IMPORT } from './sdkLocation';

export interface BuildDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** `file:line:col: message`, ready to print. */
  text: string;
}

export interface BuildResult {
  ok: boolean;
  diagnostics: BuildDiagnostic[];
  outWasm?: string;
  bytes?: number;
  /** True when the output was already up to date (build cache hit) and nothing was compiled. */
  cached?: boolean;
  /** Time spent, ms (checking the cache, or compiling and writing). */
  durationMs?: number;
}

export interface BuildOptions {
  /** Where the SDK lives (the folder holding `index.ts`); found next to the runtime by default. */
  sdkDir?: string;
  /** asc optimisation; `speed` (-O3, default) or `size` (-Oz) or `none` (fast builds for tests). */
  optimize?: 'speed' | 'size' | 'none';
  /** Rebuild even when the output is up to date. */
  force?: boolean;
  /** Keep a key file beside the output and skip up-to-date builds (default true). */
  cache?: boolean;
}

/**
 * The slice of asc's API we use, typed here on purpose: importing asc's own .d.ts drags AssemblyScript's
 * standard-library globals (its `console` namespace among them) into the Node program and breaks `console.error`.
 */
interface AscDiagnostic {
  category: number;
  message: string;
  range?: { start: number; source: { normalizedPath: string } };
}
interface AscModule {
  main(
    argv: string[],
    options: {
      readFile(name: string, baseDir: string): string | null;
      writeFile(name: string, contents: Uint8Array | string, baseDir: string): void;
      listFiles(dirname: string, baseDir: string): string[];
      stdout: unknown;
      stderr: unknown;
      reportDiagnostic(d: AscDiagnostic): void;
    },
  ): Promise<{ error: Error | null }>;
  createMemoryStream(): unknown;
}
let ascPromise: Promise<AscModule> | undefined;
const ASC_MODULE = 'assemblyscript/asc';
/** assemblyscript is ESM-only: load it once, lazily (a non-literal specifier keeps its types out of the program). */
function loadAsc(): Promise<AscModule> {
  ascPromise ??= import(ASC_MODULE) as Promise<AscModule>;
  return ascPromise;
}

// AssemblyScript category numbers: 0 pedantic, 1 info, 2 warning, 3 error.
const SEVERITY: Record<number, BuildDiagnostic['severity']> = { 0: 'info', 1: 'info', 2: 'warning', 3: 'error' };
// `import ... from "caxton"` is resolved by asc as node_modules/caxton/<file>; we serve those from the SDK folder.
const SDK_REQUEST = new RegExp(`(?:^|[\\\\/])node_modules[\\\\/]${SDK_IMPORT}[\\\\/](.+)$`);

/**
 * Build `sourceFile` to `outWasm` (written atomically), unless the output is up to date (see buildCache.ts);
 * never throws for bad source: problems come back as diagnostics.
 */
export async function buildAgentSource(sourceFile: string, outWasm: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const source = path.resolve(sourceFile);
  if (!fs.existsSync(source)) {
    return fail(source, `agent source not found; check the manifest's \`module\` (expected an AssemblyScript .ts file)`);
  }
  const out = path.resolve(outWasm);
  const sdkDir = opts.sdkDir ?? locateSdk();
  const baseDir = path.dirname(source);
  const optimize = opts.optimize ?? 'speed';
  const args = [
    path.basename(source),
    '--outFile',
    'agent.wasm',
    '--noColors',
    '--runtime',
    'incremental',
    // Route AssemblyScript's env.abort / env.trace / env.seed to the SDK so modules import only caxton.*.
    '--use',
    `abort=~lib/${SDK_IMPORT}/host/caxtonAbort`,
    '--use',
    `trace=~lib/${SDK_IMPORT}/host/caxtonTrace`,
    '--use',
    `seed=~lib/${SDK_IMPORT}/host/caxtonSeed`,
    ...(optimize === 'speed' ? ['-O3'] : optimize === 'size' ? ['-Oz'] : []),
  ];
  const cache = opts.cache !== false;
  return withOutputLock(out, async () => {
    if (cache && !opts.force) {
      const check = checkBuildCache(out, baseDir, sdkDir, args);
      if (check.upToDate)
        return { ok: true, diagnostics: [], outWasm: out, bytes: check.keyFile!.bytes, cached: true, durationMs: Date.now() - started };
    }
    const compiled = await compile(source, baseDir, sdkDir, [...args, '--baseDir', baseDir]);
    if (!compiled.wasm) return { ok: false, diagnostics: compiled.diagnostics, cached: false, durationMs: Date.now() - started };
    const durationMs = Date.now() - started;
    if (cache) {
      const key = computeKey({ asc: ascVersion(), args, sdk: sdkDigest(sdkDir), inputs: compiled.inputs });
      storeBuild(out, compiled.wasm, { key, durationMs, asc: ascVersion(), args, inputs: compiled.inputs });
    } else {
      writeFileAtomic(out, compiled.wasm);
    }
    return { ok: true, diagnostics: compiled.diagnostics, outWasm: out, bytes: compiled.wasm.byteLength, cached: false, durationMs };
  });
}

/** Run asc in memory; records every file it asked for (read, or looked for and absent) as the build's inputs. */
async function compile(
  source: string,
  baseDir: string,
  sdkDir: string,
  argv: string[],
): Promise<{ wasm?: Uint8Array; diagnostics: BuildDiagnostic[]; inputs: BuildInput[] }> {
  const asc = await loadAsc();
  const texts = new Map<string, { file: string; text: string }>();
  const inputs = new Map<string, BuildInput>();
  let wasm: Uint8Array | undefined;
  const diagnostics: BuildDiagnostic[] = [];

  const readFile = (name: string, base: string): string | null => {
    const full = path.resolve(base, name);
    const sdk = SDK_REQUEST.exec(full);
    const file = sdk ? path.join(sdkDir, sdk[1]) : full;
    if (sdk && !file.startsWith(sdkDir)) return null;
    const recorded = inputName(file, baseDir, sdkDir);
    try {
      const bytes = fs.readFileSync(file);
      const text = bytes.toString('utf8');
      texts.set(sdk ? `~lib/${SDK_IMPORT}/${sdk[1].replace(/\\/g, '/')}` : path.relative(baseDir, full).replace(/\\/g, '/'), {
        file,
        text,
      });
      inputs.set(recorded, { file: recorded, sha256: sha256(bytes) });
      return text;
    } catch {
      // A file looked for and not found is an input too: creating it later may change what an import resolves to.
      if (!inputs.has(recorded)) inputs.set(recorded, { file: recorded });
      return null;
    }
  };

  const result = await asc.main(argv, {
    readFile,
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = contents;
    },
    listFiles: () => [],
    stdout: asc.createMemoryStream(),
    stderr: asc.createMemoryStream(),
    reportDiagnostic: (d) => {
      const src = d.range ? texts.get(d.range.source.normalizedPath) : undefined;
      const { line, column } = src && d.range ? lineColumn(src.text, d.range.start) : { line: 1, column: 1 };
      const file = src?.file ?? d.range?.source.normalizedPath ?? source;
      const severity = SEVERITY[d.category] ?? 'error';
      diagnostics.push({ file, line, column, severity, message: d.message, text: `${file}:${line}:${column}: ${d.message}` });
    },
  });
  if (result.error || !wasm) {
    if (!diagnostics.some((d) => d.severity === 'error')) {
      diagnostics.push(...fail(source, `compilation failed: ${result.error?.message ?? 'no output'}`).diagnostics);
    }
    return { diagnostics, inputs: [] };
  }
  return { wasm, diagnostics, inputs: [...inputs.values()] };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1,
    lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  return { line, column: offset - lineStart + 1 };
}

function fail(file: string, message: string): BuildResult {
  return { ok: false, diagnostics: [{ file, line: 1, column: 1, severity: 'error', message, text: `${file}:1:1: ${message}` }] };
}
