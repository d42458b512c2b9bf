/**
 * `caxton inspect trace.jsonl [-o page.html] [--title T]`: write a standalone inspector page (the same bundle as the
 * VS Code panel, inlined, with the trace embedded and a strict CSP) to share a run or keep it as a CI artifact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inspectorPage } from '../../../schemas/protocol/inspectorPage';
import { parseTraceJsonl } from '../../../schemas/load';
import { flag, parseArgs } from '../args';
import { UsageError, type CliIo, type Command } from '../command';

/** Where the inspector bundle is: CAXTON_DIST, next to the CLI bundle (dist/cli.js), or the repository's dist/. */
export function findWebviewBundle(): string | undefined {
  const candidates = [process.env.CAXTON_DIST, __dirname, path.join(__dirname, '..', '..', '..', 'dist'), path.join(__dirname, '..', '..', '..', '..', 'dist')]
    .filter((d): d is string => !!d).map((d) => path.join(d, 'webview.js'));
  return candidates.find((f) => fs.existsSync(f));
}

/** Write the page for `traceFile` to `output`; returns the number of events. Bad lines are reported, not fatal. */
export function writeInspectorPage(traceFile: string, output: string, io: Pick<CliIo, 'err'>, title?: string): number {
  const bundle = findWebviewBundle();
  const css = bundle?.replace(/\.js$/, '.css');
  if (!bundle || !css || !fs.existsSync(css)) throw new UsageError('caxton inspect: the inspector bundle dist/webview.js (and webview.css) is missing; run `npm run build` first');
  const parsed = parseTraceJsonl(fs.readFileSync(traceFile, 'utf8'));
  for (const e of parsed.errors.slice(0, 10)) io.err(`${traceFile}:${e.line}: ${e.message} (line skipped)`);
  if (parsed.truncated) io.err(`${traceFile}: the last line was cut short (the run was interrupted); it is left out`);
  const html = inspectorPage({
    script: { inline: fs.readFileSync(bundle, 'utf8') }, css: fs.readFileSync(css, 'utf8'), nonce: randomBytes(18).toString('base64'),
    events: parsed.events, title: title ?? path.basename(traceFile),
  });
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, html);
  return parsed.events.length;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'write a standalone HTML inspector page for a *.trace.jsonl',
  help: `Usage: caxton inspect <trace.jsonl> [-o <page.html>] [--title <title>]

Writes one self-contained HTML page (the VS Code inspector's views: conversations, auctions, breakers, agents,
with a time slider) with the trace embedded. Opens in any browser, offline; nothing loads from elsewhere.

Options:
  -o, --output <file>   where to write the page (default: the trace's name with .html)
  --title <text>        the page title (default: the trace's file name)
  -h, --help            this help`,
  async run(argv, io) {
    const args = parseArgs(argv, { values: ['output', 'title'], aliases: { o: 'output' } }, 'inspect');
    if (args.flags.help) { io.out(this.help); return 0; }
    if (args.positionals.length !== 1) throw new UsageError('caxton inspect: give one trace file, e.g. caxton inspect run.trace.jsonl -o run.html');
    const input = args.positionals[0];
    const file = path.resolve(io.cwd, input);
    if (!fs.existsSync(file)) throw new UsageError(`caxton inspect: ${input} does not exist; record one with \`caxton run <folder> --trace ${input}\``);
    const output = path.resolve(io.cwd, flag(args, 'output') ?? input.replace(/(\.trace)?\.jsonl$/, '') + '.html');
    const count = writeInspectorPage(file, output, io, flag(args, 'title'));
    io.out(`wrote ${output} (${count} events)`);
    return 0;
  },
};
