/**
 * Source maps for JS agents: the builder (runtime/build/buildJsAgent.ts) bundles an agent with an inline source map;
 * here QuickJS stack traces (`at handle (calculator-ts.js:40:12)`) are rewritten to the TypeScript lines they
 * came from (`at handle (calculator.ts:31:5)`), for agent failures in the trace, the inspector and diagnostics.
 */
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/** A position in an agent's source, as the author sees it (1-based line and column). */
export interface SourcePosition {
  source: string;
  line: number;
  column: number;
}

/** The source map embedded at the end of a bundle, or undefined when there is none (or it does not parse). */
export function readInlineSourceMap(code: string): TraceMap | undefined {
  const m = INLINE_MAP.exec(code.slice(-Math.min(code.length, 4 * 1024 * 1024)));
  if (!m) return undefined;
  try {
    return new TraceMap(Buffer.from(m[1], 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Where a bundle position (1-based line and column, as QuickJS prints them) came from, if the map knows. */
export function originalPosition(map: TraceMap | undefined, line: number, column: number): SourcePosition | undefined {
  if (!map) return undefined;
  const p = originalPositionFor(map, { line, column: Math.max(0, column - 1) });
  return p.source ? { source: p.source, line: p.line, column: p.column + 1 } : undefined;
}

/** Rewrite every `bundleFile:line:col` in a stack trace or message to its source position (others are kept). */
export function mapStackTrace(text: string, map: TraceMap | undefined, bundleFile: string): string {
  if (!map) return text;
  const escaped = bundleFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g'), (whole, line: string, col: string) => {
    const p = originalPosition(map, Number(line), Number(col));
    return p ? `${p.source}:${p.line}:${p.column}` : whole;
  });
}

/**
 * The first agent-source position in an error text: a mapped JS stack frame (`(name.ts:line:col)`, not the SDK's),
 * or the place an AssemblyScript `abort` names (`abort: message at name.ts:line:col`, runtime/sdk/assembly/host.ts;
 * not the standard library's `~lib/` files).
 */
export function errorPosition(text: string): SourcePosition | undefined {
  for (const m of text.matchAll(/\(([^()\s]+?\.(?:ts|tsx|mts|js|mjs)):(\d+):(\d+)\)/g)) {
    if (m[1].startsWith('caxton-agent:') || m[1] === 'caxton-prelude.js') continue;
    return { source: m[1], line: Number(m[2]), column: Number(m[3]) };
  }
  const abort = /\babort: [^\n]*? at ([^\s()]+?\.ts):(\d+):(\d+)/.exec(text);
  if (abort && !abort[1].startsWith('~lib/')) return { source: abort[1], line: Number(abort[2]), column: Number(abort[3]) };
  return undefined;
}
