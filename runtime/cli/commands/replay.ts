/**
 * `caxton replay <trace.jsonl> [--verify]`: run a recorded simulated run again from the inputs in its header
 * (scenario, seed, workers; a debugger's changes again at their ticks). With --verify, compare the new trace with the
 * recorded one (schemas/traceDiff.ts) and print "identical" or the first divergent event, naming the agents whose
 * module changed since. Exit 0 identical (or replayed), 1 different, 2 bad input.
 */
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas';
import { readRecordedRun, ReplayError, replayRun, verifyReplay } from '../../node/scenario/replay';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { formatSummary } from '../transcript';
import { runOptions } from './run';

const show = (e: TraceEvent | undefined) => (e === undefined ? '(no event: the trace ends here)' : JSON.stringify(e));

export const replayCommand: Command = {
  name: 'replay',
  summary: 'run a recorded *.trace.jsonl again; --verify prints "identical" or the first divergent event',
  help: `Usage: caxton replay <file.trace.jsonl> [--verify] [--trace <new.jsonl>] [--quiet]

Runs the recorded scenario again with the inputs its run_started header recorded (the scenario, relative to the
trace file; the seed; the workers; on the simulated clock) and makes a debugger's recorded changes (debug_change
events) again at their ticks. The agents are built from their current sources.

Options:
  --verify               compare the new run with the recording: prints "identical", or the first event where
                         they differ (both sides, the fields) and the agents whose module changed since
  --trace <file.jsonl>   write the new run's trace
  --quiet                print only the result
  -h, --help             this help

Exit code: 0 identical (or replayed without --verify), 1 different, 2 bad input.`,
  async run(argv, io) {
    const args = parseArgs(argv, { values: ['trace'], booleans: ['verify', 'quiet', 'verbose'] }, 'replay');
    if (args.flags.help) {
      io.out(this.help);
      return 0;
    }
    if (args.positionals.length !== 1)
      throw new UsageError('caxton replay: give one trace, e.g. caxton replay .caxton/traces/calculator.trace.jsonl --verify');
    const shown = args.positionals[0];
    let recorded;
    try {
      recorded = readRecordedRun(path.resolve(io.cwd, shown), shown);
    } catch (e) {
      if (e instanceof ReplayError) throw new UsageError(`caxton replay: ${e.message}`);
      throw e;
    }
    const verify = args.flags.verify === true;
    const options = runOptions({ ...args.flags, ...(verify ? { quiet: true } : {}) }, io);
    const events: TraceEvent[] = [];
    const print = options.onTrace;
    const summary = await replayRun(recorded, {
      ...options,
      onTrace: (e) => {
        events.push(e);
        print?.(e);
      },
    });
    if (!verify) {
      for (const line of formatSummary(summary, io)) io.out(line);
      if (options.traceFile) io.out(`trace written to ${path.relative(io.cwd, options.traceFile) || options.traceFile}`);
      return summary.ok ? 0 : 1;
    }
    const { diff, modulesChanged } = verifyReplay(recorded.events, events);
    for (const m of modulesChanged)
      io.out(`module changed: ${m.agent} (recorded ${m.recorded?.slice(0, 12) ?? 'none'}, now ${m.now?.slice(0, 12) ?? 'none'})`);
    if (diff.identical) {
      io.out(`identical (${events.length} events; ignored: ${diff.ignored.join(', ')})`);
      return 0;
    }
    const f = diff.first!;
    io.out(
      `different: first at event ${f.index}${f.left?.type ? ` (${f.left.type})` : ''}; ${diff.differences} of ${Math.max(...diff.lengths)} events differ (${diff.lengths[0]} recorded vs ${diff.lengths[1]} replayed)`,
    );
    io.out(`  fields: ${f.fields.join(', ')}`);
    io.out(`  recorded: ${show(f.left)}`);
    io.out(`  replayed: ${show(f.right)}`);
    return 1;
  },
};
