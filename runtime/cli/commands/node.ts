/** `caxton node <folder> --nats <url>`: serve a folder's agents as one node of a NATS cluster until stopped. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectAgents, startSession, type Session } from '../../node/session/session';
import { parseSlice, sliceAgents } from '../../node/session/slice';
import { buildAgents, loadWorkspace } from '../../node/files/workspace';
import { flag, parseArgs } from '../args';
import { UsageError, type CliIo, type Command } from '../command';
import { NATS_HELP, NATS_VALUE_FLAGS, natsOptions } from '../natsFlags';
import { natsLine } from '../transcript';
import { runOptions } from './run';

export const nodeCommand: Command = {
  name: 'node',
  summary: "serve a folder's agents as one node of a NATS cluster (until Ctrl-C)",
  help: `Usage: caxton node <folder> --nats <url> [options]

Starts the folder's agents (building AssemblyScript sources if needed) on the real clock as one node of a NATS
cluster: other nodes' agents can reach them, and they can reach other nodes' agents, by name, topic or broadcast
(docs/nats.md). Prints a line containing "ready" once it serves, one line per node joining, lost or leaving, and
runs until Ctrl-C or SIGTERM; then it leaves the cluster, stops its agents and prints what crossed NATS.

Options:
${NATS_HELP}
  --agents <a,b,...>     start only these agents of the folder
  --trace <file.jsonl>   write this node's trace (every event names the node); merge the nodes' traces with
                         caxton inspect a.jsonl b.jsonl -o run.html
  --slice <i/N>          host only share i of N of the selected agents (placement groups kept together);
                         caxton run --processes N starts its nodes this way
  --no-agent-subjects    do not subscribe one NATS subject per agent (for nodes with very many agents): other
                         caxton nodes reach them through this node's subject anyway
  --workers <n>          worker threads the agents are spread over (default: one per core)
  --timeout <duration>   default reply timeout (default 30s)
  --verbose              print the conversation as it passes through this node
  -h, --help             this help

Exit code: 0 after a clean stop, 2 for bad input, 1 when it cannot join the cluster.`,
  async run(argv, io) {
    const args = parseArgs(
      argv,
      {
        values: [...NATS_VALUE_FLAGS, 'agents', 'trace', 'workers', 'timeout', 'seed', 'slice'],
        booleans: ['verbose', 'no-agent-subjects'],
      },
      'node',
    );
    if (args.flags.help) {
      io.out(this.help);
      return 0;
    }
    if (args.positionals.length !== 1)
      throw new UsageError(
        'caxton node: give one folder with *.agent.yaml manifests, e.g. caxton node examples/calculator --nats nats://127.0.0.1:4222',
      );
    const folder = path.resolve(io.cwd, args.positionals[0]);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory())
      throw new UsageError(`caxton node: ${args.positionals[0]} is not a folder; give the folder that holds the agents`);
    const nats = {
      ...natsOptions(args, 'node', (line) => io.err(line), true)!,
      ...(args.flags['no-agent-subjects'] ? { agentSubjects: false } : {}),
    };
    const flags: Record<string, string | true> = { ...args.flags, 'real-time': true };
    if (!flags.verbose) flags.quiet = true;
    const base = runOptions(flags, io);
    let agents = flag(args, 'agents')
      ?.split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const sliceText = flag(args, 'slice');
    const slice = sliceText === undefined ? undefined : parseSlice(sliceText);
    if (typeof slice === 'string') throw new UsageError(`caxton node: ${slice}`);
    const workspace = await buildAgents(await loadWorkspace(folder, { build: false }));
    if (slice) agents = sliceAgents(selectAgents(workspace, agents), slice.index, slice.count);
    const session = await startSession({
      folder,
      workspace,
      agents,
      noAgents: agents !== undefined && !agents.length,
      traceFile: base.traceFile,
      seed: base.seed,
      requestTimeoutMs: base.requestTimeoutMs,
      workers: base.workers,
      onTrace: base.onTrace,
      nats,
      name: path.basename(folder),
    });
    const link = session.link!;
    link.onNodeEvent((e) => io.out(`node ${link.node}: ${e.text}`));
    // --verbose: what other nodes send here is printed too (its message_sent is in their traces).
    if (base.onRemote)
      link.onArrivals((list) => {
        for (const e of list) base.onRemote!(e.message, e.to, session.runtime.clock.now(), link.nodeOfName(e.message.sender));
      });
    const names = session.runtime.agentNames().filter((n) => link.nodeOfName(n) === undefined);
    io.out(
      `node ${link.node} ready: ${names.length} agent(s) (${abbreviate(names)}), cluster ${link.subjects.prefix} on ${link.link.endpoint.display}`,
    );
    const signal = await untilStopped();
    await stopNode(session, `stopped by ${signal}`, io);
    return 0;
  },
};

/** Resolves with the signal's name on SIGINT or SIGTERM. */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(sig);
    };
    const onInt = (): void => on('SIGINT');
    const onTerm = (): void => on('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

async function stopNode(session: Session, reason: string, io: CliIo): Promise<void> {
  const stats = session.link!.stats();
  await session.stop(reason);
  const s = session.runtime.stats();
  io.out(`node ${stats.node} ${reason}: delivered ${s.delivered}, dropped ${s.dropped}, timeouts ${s.timeouts}`);
  io.out(`  ${natsLine(session.link!.stats())}`);
}

function abbreviate(names: readonly string[]): string {
  return names.length <= 8 ? names.join(', ') : `${names.slice(0, 6).join(', ')}, … ${names[names.length - 1]}`;
}
