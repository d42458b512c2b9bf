/**
 * `caxton diff a.jsonl b.jsonl`: compare two recorded runs event by event (schemas/traceDiff.ts, the same comparison
 * as the inspector's compare view). Prints "identical" or the first divergent event with both sides and the number
 * of differences. Exit 0 identical, 1 different, 2 bad input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffTraces } from '../../../schemas/traceDiff';
import type { TraceEvent } from '../../../schemas';
import { parseTraceJsonl } from '../../../schemas/load/traceJsonl';
import { parseArgs } from '../args';
import { UsageError, type CliIo, type Command } from '../command';

function readTrace(file: string, shown: string, io: Pick<CliIo, 'err'>): TraceEvent[] {
  if (!fs.existsSync(file))
    throw new UsageError(`caxton diff: ${shown} does not exist; record one with \`caxton run <folder> --trace ${shown}\``);
  if (fs.statSync(file).isDirectory()) throw new UsageError(`caxton diff: ${shown} is a folder; give a *.trace.jsonl file`);
  const parsed = parseTraceJsonl(fs.readFileSync(file, 'utf8'));
  for (const e of parsed.errors.slice(0, 10)) io.err(`${shown}:${e.line}: ${e.message} (line skipped)`);
  if (parsed.errors.length > 10) io.err(`${shown}: ${parsed.errors.length - 10} more bad lines skipped`);
  if (parsed.truncated) io.err(`${shown}: the last line was cut short (the run was interrupted); it is left out`);
  return parsed.events;
}

const show = (e: TraceEvent | undefined) => (e === undefined ? '(no event: the trace ends here)' : JSON.stringify(e));

export const diffCommand: Command = {
  name: 'diff',
  summary: 'compare two *.trace.jsonl runs and print the first divergent event',
  help: `Usage: caxton diff <a.trace.jsonl> <b.trace.jsonl> [--time | --ignore-time]

Compares two traces event by event and prints "identical", or the first event where they differ (both sides, the
fields that differ) and how many events differ. Wall-clock fields are never compared: duration_ms; and in real-time
runs (--real-time, recognised by fractional times) also t and timeout deadlines.

Options:
  --time          compare t and deadlines even in real-time runs
  --ignore-time   never compare t and deadlines
  -h, --help      this help

Exit code: 0 identical, 1 different, 2 bad input.`,
  async run(argv, io) {
    const args = parseArgs(argv, { booleans: ['time', 'ignore-time'] }, 'diff');
    if (args.flags.help) {
      io.out(this.help);
      return 0;
    }
    if (args.positionals.length !== 2)
      throw new UsageError('caxton diff: give two trace files, e.g. caxton diff before.trace.jsonl after.trace.jsonl');
    if (args.flags.time && args.flags['ignore-time'])
      throw new UsageError('caxton diff: --time and --ignore-time contradict each other; give one');
    const [a, b] = args.positionals;
    const left = readTrace(path.resolve(io.cwd, a), a, io);
    const right = readTrace(path.resolve(io.cwd, b), b, io);
    const d = diffTraces(left, right, { time: args.flags.time ? 'compare' : args.flags['ignore-time'] ? 'ignore' : 'auto' });
    const ignored = `ignored: ${d.ignored.join(', ')}`;
    if (d.identical) {
      io.out(`identical (${left.length} events; ${ignored})`);
      return 0;
    }
    const f = d.first!;
    io.out(
      `different: first at event ${f.index}${f.left?.type ? ` (${f.left.type})` : ''}; ${d.differences} of ${Math.max(left.length, right.length)} events differ (${left.length} vs ${right.length} events; ${ignored})`,
    );
    io.out(`  fields: ${f.fields.join(', ')}`);
    io.out(`  ${a}: ${show(f.left)}`);
    io.out(`  ${b}: ${show(f.right)}`);
    return 1;
  },
};
