/**
 * `caxton inspect trace.jsonl [-o page.html] [--title T]`: write a standalone inspector page (the same bundle as the
 * VS Code panel, inlined, with the trace embedded and a strict CSP) to share a run or keep it as a CI artifact.
 * `caxton inspect a.jsonl b.jsonl ... -o page.html [--merged all.jsonl]`: the traces of several nodes, merged into one
 * in causal order (mergeTraces), each event naming its node.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { inspectorPage } from '../../../schemas/protocol/inspectorPage';
import { parseTraceJsonl, traceLine } from '../../../schemas/load/traceJsonl';
import { mergeTraces } from '../../trace/mergeTraces';
import type { TraceEvent } from '../../../schemas';
import { flag, parseArgs } from '../args';
import { UsageError, type CliIo, type Command } from '../command';

/** Where the inspector bundle is: CAXTON_DIST, next to the CLI bundle (dist/cli.js), or the repository's dist/. */
export function findWebviewBundle(): string | undefined {
  const candidates = [
    process.env.CAXTON_DIST,
    __dirname,
    path.join(__dirname, '..', '..', '..', 'dist'),
    path.join(__dirname, '..', '..', '..', '..', 'dist'),
  ]
    .filter((d): d is string => !!d)
    .map((d) => path.join(d, 'webview.js'));
  return candidates.find((f) => fs.existsSync(f));
}

/** Read a trace file, reporting bad lines on `err` (they are skipped, not fatal). */
function readTrace(traceFile: string, io: Pick<CliIo, 'err'>): TraceEvent[] {
  const parsed = parseTraceJsonl(fs.readFileSync(traceFile, 'utf8'));
  for (const e of parsed.errors.slice(0, 10)) io.err(`${traceFile}:${e.line}: ${e.message} (line skipped)`);
  if (parsed.truncated) io.err(`${traceFile}: the last line was cut short (the run was interrupted); it is left out`);
  return parsed.events;
}

/** Write the page for a trace (`jsonl`: its events, one traceLine each) to `output`. */
function writePage(jsonl: string, output: string, title: string): void {
  const bundle = findWebviewBundle();
  const css = bundle?.replace(/\.js$/, '.css');
  if (!bundle || !css || !fs.existsSync(css))
    throw new UsageError('caxton inspect: the inspector bundle dist/webview.js (and webview.css) is missing; run `npm run build` first');
  // The page shell is the view's contract (schemas/protocol); the stylesheet comes from the view's bundle.
  const html = inspectorPage({
    script: { inline: fs.readFileSync(bundle, 'utf8') },
    css: fs.readFileSync(css, 'utf8'),
    nonce: randomBytes(18).toString('base64'),
    // The page embeds the trace as gzip (the browser inflates it with DecompressionStream): JSONL compresses ~10x.
    compressedTrace: gzipSync(jsonl, { level: 6 }).toString('base64'),
    title,
  });
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, html);
}

/** Write the page for `traceFile` to `output`; returns the number of events. Bad lines are reported, not fatal. */
export function writeInspectorPage(traceFile: string, output: string, io: Pick<CliIo, 'err'>, title?: string): number {
  const events = readTrace(traceFile, io);
  writePage(events.map(traceLine).join(''), output, title ?? path.basename(traceFile));
  return events.length;
}

/** A node name per trace file: its base name without .trace.jsonl/.jsonl, made unique with #2, #3... */
export function nodeNames(files: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const base = path.basename(f).replace(/(\.trace)?\.jsonl$/, '') || 'node';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

/** Merge several nodes' traces into one page (and optionally one JSONL); returns the number of events. */
export function writeMergedPage(
  traceFiles: readonly string[],
  output: string,
  io: Pick<CliIo, 'err'>,
  options: { title?: string; merged?: string } = {},
): number {
  const names = nodeNames(traceFiles);
  const { events, problems } = mergeTraces(traceFiles.map((f, i) => ({ node: names[i], events: readTrace(f, io) })));
  for (const p of problems.slice(0, 10)) io.err(`caxton inspect: ${p}`);
  if (problems.length > 10) io.err(`caxton inspect: ... and ${problems.length - 10} more contradictions`);
  // Serialised once: the same JSONL is the --merged file and the page's embedded trace.
  const jsonl = events.map(traceLine).join('');
  if (options.merged) {
    fs.mkdirSync(path.dirname(options.merged), { recursive: true });
    fs.writeFileSync(options.merged, jsonl);
  }
  writePage(jsonl, output, options.title ?? names.join(' + '));
  return events.length;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: "write a standalone HTML inspector page for a *.trace.jsonl (or several nodes' traces, merged)",
  help: `Usage: caxton inspect <trace.jsonl> [-o <page.html>] [--title <title>]
       caxton inspect <a.jsonl> <b.jsonl> ... -o <page.html> [--merged <all.jsonl>] [--title <title>]

Writes one self-contained HTML page (the VS Code inspector's views: conversations, protocols, auctions, patterns,
breakers, agents, compare, with a time slider) with the trace embedded, gzip-compressed. Opens in any browser, offline; nothing loads from elsewhere.

Several traces (one per node of a run spread over processes or machines) are merged into one: each node's own
order is kept, and a message's send comes before its delivery on another node (matched by message id). Wall
clocks are not used to order anything; each event keeps its node's time and gets a \`node\` field (the file's
name without .trace.jsonl, unless the event names its node already).

Options:
  -o, --output <file>   where to write the page (default for one trace: the trace's name with .html)
  --merged <file>       also write the merged trace as JSONL (several traces only)
  --title <text>        the page title (default: the trace's file name, or the node names)
  -h, --help            this help`,
  async run(argv, io) {
    const args = parseArgs(argv, { values: ['output', 'title', 'merged'], aliases: { o: 'output' } }, 'inspect');
    if (args.flags.help) {
      io.out(this.help);
      return 0;
    }
    if (args.positionals.length === 0)
      throw new UsageError('caxton inspect: give a trace file, e.g. caxton inspect run.trace.jsonl -o run.html');
    for (const input of args.positionals) {
      if (!fs.existsSync(path.resolve(io.cwd, input)))
        throw new UsageError(`caxton inspect: ${input} does not exist; record one with \`caxton run <folder> --trace ${input}\``);
    }
    const files = args.positionals.map((p) => path.resolve(io.cwd, p));
    const out = flag(args, 'output');
    if (files.length === 1) {
      if (flag(args, 'merged')) throw new UsageError('caxton inspect: --merged needs several traces to merge');
      const output = path.resolve(io.cwd, out ?? args.positionals[0].replace(/(\.trace)?\.jsonl$/, '') + '.html');
      const count = writeInspectorPage(files[0], output, io, flag(args, 'title'));
      io.out(`wrote ${output} (${count} events)`);
      return 0;
    }
    if (!out) throw new UsageError(`caxton inspect: merging ${files.length} traces needs -o <page.html>`);
    const merged = flag(args, 'merged');
    const count = writeMergedPage(files, path.resolve(io.cwd, out), io, {
      title: flag(args, 'title'),
      merged: merged ? path.resolve(io.cwd, merged) : undefined,
    });
    io.out(
      `wrote ${path.resolve(io.cwd, out)} (${count} events from ${files.length} nodes)${merged ? ` and ${path.resolve(io.cwd, merged)}` : ''}`,
    );
    return 0;
  },
};
