/** `caxton run <folder|scenario.yaml>`: run a scenario (or every scenario of a folder), printing the conversation and a summary. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDuration } from '../../../schemas/limits';
import { runPlan, runScenario, type RunScenarioOptions, type ScenarioSummary } from '../../node/scenario/scenario';
import { buildAgents, loadWorkspace, workspaceFor, type Workspace } from '../../node/files/workspace';
import { defaultWorkers } from '../../node/session/session';
import { prewarmShardWorkers } from '../../shard/shardGroup';
import { flag, parseArgs, type ParsedArgs } from '../args';
import { NATS_HELP, NATS_VALUE_FLAGS, natsOptions } from '../natsFlags';
import { UsageError, type CliIo, type Command } from '../command';
import { printable } from '../terminalText';
import { formatEvent, formatSummary } from '../transcript';
import { watchAndRun } from '../watch';
import { runOverProcesses } from './runProcesses';

export const runCommand: Command = {
  name: 'run',
  summary: "run a scenario (or a folder's scenarios) and print the conversation",
  help: `Usage: caxton run <folder|file.scenario.yaml> [options]

Starts the agents (building AssemblyScript sources if needed), sends the scenario's messages, prints the
conversation as it happens and a summary. A folder runs each *.scenario.yaml in it; without one, its agents are
started and stopped (a smoke test).

Options:
  --trace <file.jsonl>   write the trace (one JSON event per line)
  --seed <n>             seed for the agents' randomness (default 1)
  --timeout <duration>   default reply timeout, e.g. 5s or 500ms (default 30s)
  --real-time            run on the real clock (default: a simulated clock, so timeouts take no real time)
  --workers <n>          worker threads (shards) the agents are spread over (default: one per core); a
                         simulated run gives the same trace whatever the number (docs/shards.md)
  --quiet                print only the summary (for load scenarios: printing is not free)
  --verbose              also print agent lifecycle changes
  --watch                run again whenever an agent source, module, manifest, scenario or message file
                         changes (only what changed is rebuilt); Ctrl-C stops
  -h, --help             this help

Across processes and machines (docs/nats.md; real clock: there is no simulated time shared by nodes):
${NATS_HELP}
  --processes <n>        spread the folder's agents over n local \`caxton node\` processes on a nats-server
                         started for the run (needs nats-server: apt-get install nats-server; or give --nats);
                         about 12,000 wasm agents fit one process. The scenarios run as a client of them; each
                         node's trace (with --trace) is merged into the trace file at the end
  --wait <duration>      with --nats or --processes: how long to wait for nodes hosting the agents the scenario
                         names but this folder does not have (default 10s)
  With --nats the scenario's agents that this folder has start here; the others must be served by
  \`caxton node\` processes of the same cluster. The checks see this node's trace plus what arrives from others.

Exit code: 0 when every scenario passes, 1 when one fails, 2 for bad input.`,
  async run(argv, io) {
    const args = parseArgs(
      argv,
      {
        values: ['trace', 'seed', 'timeout', 'workers', 'wait', 'processes', ...NATS_VALUE_FLAGS],
        booleans: ['real-time', 'verbose', 'watch', 'quiet'],
      },
      'run',
    );
    if (args.flags.help) {
      io.out(this.help);
      return 0;
    }
    if (args.positionals.length !== 1)
      throw new UsageError('caxton run: give one folder or *.scenario.yaml, e.g. caxton run examples/calculator');
    const target = path.resolve(io.cwd, args.positionals[0]);
    if (!fs.existsSync(target))
      throw new UsageError(
        `caxton run: ${args.positionals[0]} does not exist; give a folder with *.agent.yaml manifests or a *.scenario.yaml`,
      );
    const nats = natsOptions(args, 'run', (line) => io.err(line));
    const options = { ...runOptions(args.flags, io), clusterWaitMs: clusterWait(args), ...(nats ? { nats } : {}) };
    if (!fs.statSync(target).isDirectory() && !target.endsWith('.scenario.yaml')) {
      throw new UsageError(`caxton run: ${args.positionals[0]} is not a *.scenario.yaml; give a scenario or a folder`);
    }
    const processes = processCount(args);
    if (processes !== undefined) {
      if (args.flags.watch) throw new UsageError('caxton run: --processes and --watch exclude each other');
      return runOverProcesses(target, processes, options, io, (t, o) => runOnce(t, o, io));
    }
    if (!args.flags.watch) return runOnce(target, options, io);
    const folder = fs.statSync(target).isDirectory() ? target : path.dirname(target);
    return watchAndRun(folder, () => runOnce(target, options, io), io);
  },
};

/** Run the scenarios of `target` (a folder's, or one file) and print them; the exit code. */
async function runOnce(target: string, options: RunScenarioOptions, io: CliIo): Promise<number> {
  // The folder is loaded once and handed on (scenario, messages, agents), for each scenario that lives in it.
  const folder = fs.statSync(target).isDirectory() ? target : path.dirname(target);
  // The shard threads start loading now, while the folder is read and checked (a cached run is mostly start-up).
  if (!options.noAgents) prewarmShardWorkers(defaultWorkers(options.workers, Number.MAX_SAFE_INTEGER));
  const loaded = await loadWorkspace(folder, { build: false });
  const scenarios = folder === target ? scenariosIn(loaded) : [target];
  const summaries: ScenarioSummary[] = [];
  let built: Promise<Workspace> | undefined;
  const workspaceOf = async (file: string): Promise<Workspace | undefined> =>
    workspaceFor(loaded, path.dirname(file)) ? (built ??= buildAgents(loaded)) : undefined;
  if (!scenarios.length) {
    // A client node (--processes) waits for every agent of the folder to be served, then stops: a smoke test of the cluster.
    const agents = options.noAgents ? loaded.agents.map((a) => a.manifest.name) : undefined;
    summaries.push(
      await runPlan(
        { name: path.basename(target), folder: target, messages: [], agents },
        { ...options, workspace: options.noAgents ? loaded : await (built ??= buildAgents(loaded)) },
      ),
    );
  }
  for (const file of scenarios) {
    if (summaries.length) io.out('');
    // A trace file per scenario when a folder holds several.
    const traceFile =
      options.traceFile && scenarios.length > 1
        ? options.traceFile.replace(/(\.jsonl)?$/, `.${path.basename(file, '.scenario.yaml')}.jsonl`)
        : options.traceFile;
    summaries.push(await runScenario(file, { ...options, traceFile, workspace: await workspaceOf(file) }));
    for (const line of formatSummary(summaries[summaries.length - 1], io)) io.out(line);
  }
  if (!scenarios.length) for (const line of formatSummary(summaries[0], io)) io.out(line);
  if (options.traceFile) io.out(`trace written to ${path.relative(io.cwd, options.traceFile) || options.traceFile}`);
  return summaries.every((s) => s.ok) ? 0 : 1;
}

/** `--processes <n>`: how many local node processes to spread the run over. */
function processCount(args: ParsedArgs): number | undefined {
  const text = flag(args, 'processes');
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UsageError(`--processes ${text} is not a whole number from 1 to 256; pass e.g. --processes 4`);
  return n;
}

/** `--wait <duration>`: how long a run over NATS waits for the nodes it needs (ms). */
export function clusterWait(args: ParsedArgs): number | undefined {
  const text = flag(args, 'wait');
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(text, '--wait');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (ms <= 0) throw new UsageError('--wait must be more than 0, e.g. --wait 10s');
  return ms;
}

/** Options shared by run and send: clock, seed, timeout, trace, transcript printer. */
export function runOptions(flags: Record<string, string | true>, io: CliIo): RunScenarioOptions {
  const seedText = typeof flags.seed === 'string' ? flags.seed : undefined;
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed ${seedText} is not an integer; pass e.g. --seed 42`);
  let requestTimeoutMs: number | undefined;
  if (typeof flags.timeout === 'string') {
    try {
      requestTimeoutMs = parseDuration(flags.timeout, '--timeout');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (requestTimeoutMs <= 0) throw new UsageError('--timeout must be more than 0, e.g. --timeout 5s');
  }
  const trace = typeof flags.trace === 'string' ? path.resolve(io.cwd, flags.trace) : undefined;
  const style = { color: io.color, verbose: flags.verbose === true };
  let workers: number | undefined;
  if (typeof flags.workers === 'string') {
    workers = Number(flags.workers);
    if (!Number.isInteger(workers) || workers < 1)
      throw new UsageError(`--workers ${flags.workers} is not a positive integer; pass e.g. --workers 2`);
  }
  return {
    clock: flags['real-time'] ? 'real' : 'simulated',
    seed,
    requestTimeoutMs,
    traceFile: trace,
    workers,
    onTrace: flags.quiet
      ? undefined
      : (e) => {
          const line = formatEvent(e, style);
          if (line !== undefined) io.out(line);
        },
    onRemote: flags.quiet
      ? undefined
      : (message, to, t, node) => {
          const line = formatEvent({ seq: 0, t, type: 'message_sent', id: message.message_id ?? '', message, to: [...to] }, style);
          if (line !== undefined) io.out(`${line}${node ? `  (from node ${printable(node)})` : ''}`);
        },
  };
}

function scenariosIn(ws: Workspace): string[] {
  // The workspace reports malformed scenarios; here we only need the files (problems surface when each is run).
  const files = ws.scenarios.map((s) => s.file);
  const broken = ws.problems.filter((p) => /\.scenario\.ya?ml$/.test(p.file)).map((p) => p.file);
  return [...new Set([...files, ...broken])].sort();
}
