/** `caxton send <file.fipa.json>`: start a folder's agents, send the file's message(s), print the replies. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FipaMessage } from '../../../schemas';
import { runPlan } from '../../node/scenario/scenario';
import { loadWorkspace, readMessageFile, WorkspaceError, type WorkspaceProblem } from '../../node/files/workspace';
import { flag, parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { printable } from '../terminalText';
import { formatSummary } from '../transcript';
import { NATS_HELP, NATS_VALUE_FLAGS, natsOptions } from '../natsFlags';
import { clusterWait, runOptions } from './run';

export const sendCommand: Command = {
  name: 'send',
  summary: "send the message(s) in a *.fipa.json to a folder's agents and print the replies",
  help: `Usage: caxton send <file.fipa.json> [--to-folder <dir>] [options]
       caxton send <file.fipa.json> --nats <url> [options]

Starts the agents of <dir> (default: the message file's folder), sends the message (or each message of a
conversation array, in order), prints the conversation and the replies, then stops. With --nats, no agent is
started here: this is a client node of a NATS cluster, and the receivers are found on the nodes that host them
(\`caxton node\`), on the real clock.

Options:
${NATS_HELP}
  --wait <duration>      with --nats: how long to wait for a node hosting each receiver (default 10s)
  --to-folder <dir>      the workspace whose agents receive the message
  --trace <file.jsonl>   write the trace
  --seed <n>             seed for the agents' randomness
  --timeout <duration>   how long to wait for replies (default 30s)
  --real-time            run on the real clock
  -h, --help             this help

Exit code: 0 when every message was delivered and answered in time, 1 otherwise, 2 for bad input.`,
  async run(argv, io) {
    const args = parseArgs(
      argv,
      { values: ['to-folder', 'trace', 'seed', 'timeout', 'wait', ...NATS_VALUE_FLAGS], booleans: ['real-time', 'verbose'] },
      'send',
    );
    if (args.flags.help) {
      io.out(this.help);
      return 0;
    }
    if (args.positionals.length !== 1)
      throw new UsageError('caxton send: give one *.fipa.json file, e.g. caxton send examples/calculator/messages/add.fipa.json');
    const file = path.resolve(io.cwd, args.positionals[0]);
    if (!fs.existsSync(file)) throw new UsageError(`caxton send: ${args.positionals[0]} does not exist; give a *.fipa.json message file`);
    const nats = natsOptions(args, 'send', (line) => io.err(line));
    if (nats && flag(args, 'to-folder'))
      throw new UsageError("caxton send: --to-folder and --nats exclude each other: with --nats the receivers live on the cluster's nodes");
    const folderArg = flag(args, 'to-folder');
    const folder = folderArg ? path.resolve(io.cwd, folderArg) : path.dirname(file);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory())
      throw new UsageError(`caxton send: --to-folder ${folderArg} is not a folder; give the folder that holds the agents`);
    // The folder is loaded once: its agents judge the message file (as in the editor) and then receive it. With
    // --nats none of them starts here, so none is built.
    const workspace = await loadWorkspace(folder, { build: !nats });
    const problems: WorkspaceProblem[] = [];
    const loaded = readMessageFile(file, problems, { ...workspace, folder: path.dirname(file) });
    if (!loaded) throw new WorkspaceError(problems);
    const senders = new Set(loaded.messages.map((m) => m.sender));
    const replies: string[] = [];
    const options = { ...runOptions(args.flags, io), ...(nats ? { nats, noAgents: true, clusterWaitMs: clusterWait(args) } : {}) };
    const print = options.onTrace!;
    const printRemote = options.onRemote;
    const replyLine = (m: FipaMessage): string => printable(`${m.sender}: ${m.performative} ${JSON.stringify(m.content ?? null)}`);
    const isReply = (m: FipaMessage): boolean => (Array.isArray(m.receiver) ? m.receiver : [m.receiver]).some((r) => senders.has(r));
    const summary = await runPlan(
      { name: path.basename(file), folder, messages: loaded.messages.map((message) => ({ at: 0, message })) },
      {
        ...options,
        workspace,
        onTrace: (e) => {
          print(e);
          if (e.type === 'message_sent' && isReply(e.message)) replies.push(replyLine(e.message));
        },
        // With --nats the replies come from other nodes: their message_sent is in those nodes' traces.
        onRemote: (m, to, t, node) => {
          printRemote?.(m, to, t, node);
          if (isReply(m)) replies.push(replyLine(m));
        },
      },
    );
    io.out('');
    io.out(replies.length ? `replies:\n${replies.map((r) => `  ${r}`).join('\n')}` : 'no replies');
    for (const line of formatSummary(summary, io)) io.out(line);
    return summary.ok ? 0 : 1;
  },
};
