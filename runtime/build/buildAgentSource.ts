/** Compile one AssemblyScript agent source to a .wasm module that speaks Agent ABI v1 (docs/agent-abi.md). */
import * as fs from 'node:fs';
import * as path from 'node:path';
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

export interface BuildResult { ok: boolean; diagnostics: BuildDiagnostic[]; outWasm?: string; bytes?: number }

export interface BuildOptions {
  /** Where the SDK lives (the folder holding `index.ts`); found next to the runtime by default. */
  sdkDir?: string;
  /** asc optimisation; `speed` (-O3, default) or `size` (-Oz) or `none` (fast builds for tests). */
  optimize?: 'speed' | 'size' | 'none';
}

/**
 * The slice of asc's API we use, typed here on purpose: importing asc's own .d.ts drags AssemblyScript's
 * standard-library globals (its `console` namespace among them) into the Node program and breaks `console.error`.
 */
interface AscDiagnostic { category: number; message: string; range?: { start: number; source: { normalizedPath: string } } }
interface AscModule {
  main(argv: string[], options: {
    readFile(name: string, baseDir: string): string | null;
    writeFile(name: string, contents: Uint8Array | string, baseDir: string): void;
    listFiles(dirname: string, baseDir: string): string[];
    stdout: unknown; stderr: unknown;
    reportDiagnostic(d: AscDiagnostic): void;
  }): Promise<{ error: Error | null }>;
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

/** Build `sourceFile` to `outWasm`; never throws for bad source: problems come back as diagnostics. */
export async function buildAgentSource(sourceFile: string, outWasm: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const source = path.resolve(sourceFile);
  if (!fs.existsSync(source)) {
    return fail(source, `agent source not found; check the manifest's \`module\` (expected an AssemblyScript .ts file)`);
  }
  const sdkDir = opts.sdkDir ?? locateSdk();
  const asc = await loadAsc();
  const baseDir = path.dirname(source);
  const texts = new Map<string, { file: string; text: string }>();
  let wasm: Uint8Array | undefined;
  const diagnostics: BuildDiagnostic[] = [];

  const readFile = (name: string, base: string): string | null => {
    const full = path.resolve(base, name);
    const sdk = SDK_REQUEST.exec(full);
    const file = sdk ? path.join(sdkDir, sdk[1]) : full;
    if (sdk && !file.startsWith(sdkDir)) return null;
    try {
      const text = fs.readFileSync(file, 'utf8');
      texts.set(sdk ? `~lib/${SDK_IMPORT}/${sdk[1].replace(/\\/g, '/')}` : path.relative(baseDir, full).replace(/\\/g, '/'), { file, text });
      return text;
    } catch {
      return null;
    }
  };

  const optimize = opts.optimize ?? 'speed';
  const argv = [
    path.basename(source), '--outFile', 'agent.wasm', '--baseDir', baseDir, '--noColors',
    '--runtime', 'incremental',
    // Route AssemblyScript's env.abort / env.trace / env.seed to the SDK so modules import only caxton.*.
    '--use', `abort=~lib/${SDK_IMPORT}/host/caxtonAbort`,
    '--use', `trace=~lib/${SDK_IMPORT}/host/caxtonTrace`,
    '--use', `seed=~lib/${SDK_IMPORT}/host/caxtonSeed`,
    ...(optimize === 'speed' ? ['-O3'] : optimize === 'size' ? ['-Oz'] : []),
  ];
  const result = await asc.main(argv, {
    readFile,
    writeFile: (name, contents) => { if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = contents; },
    listFiles: () => [],
    stdout: asc.createMemoryStream(),
    stderr: asc.createMemoryStream(),
    reportDiagnostic: (d) => {
      const src = d.range ? texts.get(d.range.source.normalizedPath) : undefined;
      const { line, column } = src && d.range ? lineColumn(src.text, d.range.start) : { line: 1, column: 1 };
      const file = src?.file ?? (d.range?.source.normalizedPath ?? source);
      const severity = SEVERITY[d.category] ?? 'error';
      diagnostics.push({ file, line, column, severity, message: d.message, text: `${file}:${line}:${column}: ${d.message}` });
    },
  });
  if (result.error || !wasm) {
    if (!diagnostics.some((d) => d.severity === 'error')) {
      diagnostics.push(...fail(source, `compilation failed: ${result.error?.message ?? 'no output'}`).diagnostics);
    }
    return { ok: false, diagnostics };
  }
  fs.mkdirSync(path.dirname(path.resolve(outWasm)), { recursive: true });
  fs.writeFileSync(outWasm, wasm);
  return { ok: true, diagnostics, outWasm: path.resolve(outWasm), bytes: wasm.byteLength };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  return { line, column: offset - lineStart + 1 };
}

function fail(file: string, message: string): BuildResult {
  return { ok: false, diagnostics: [{ file, line: 1, column: 1, severity: 'error', message, text: `${file}:1:1: ${message}` }] };
}
