/** The `caxton` command line as a function (the entry point main.ts runs it on process.argv). */
import * as path from 'node:path';
import { WorkspaceError, formatProblem } from '../node/files/workspace';
import { UsageError, type CliIo } from './command';
import { COMMANDS } from './commands';

const HELP = `Usage: caxton <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run \`caxton <command> --help\` for a command's options. Start with: caxton run examples/calculator`;

/** Run the CLI with `argv` (without node and the script); returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out('caxton 0.1.0');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`caxton: unknown command '${name}'; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    return reportError(e, io);
  }
}

/** Bad input -> one clear line per problem (file:line:col: what and the fix), exit code 2; no stack traces. */
/** A path relative to the working directory when it is inside it (shorter, clickable in terminals). */
function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof UsageError) {
    io.err(e.message);
    return 2;
  }
  if (e instanceof WorkspaceError) {
    for (const p of e.problems.slice(0, 10)) io.err(formatProblem({ ...p, file: shown(p.file, io.cwd) }));
    if (!e.problems.length) io.err(e.message);
    return 2;
  }
  const err = e as Error;
  if (err?.name === 'AgentLoadError' || err?.name === 'DurationError' || err?.name === 'RangeError') {
    io.err(err.message);
    return 2;
  }
  // NATS: a bad URL or credentials is bad input; a cluster that lacks the agents a run needs is a failed run.
  if (err?.name === 'NatsConfigError' || err?.name === 'NatsServerMissingError') {
    io.err(err.message);
    return 2;
  }
  if (err?.name === 'ClusterWaitError' || err?.name === 'MessageTooLargeError') {
    io.err(err.message);
    return 1;
  }
  io.err(`caxton: internal error: ${err?.message ?? String(e)}`);
  if (process.env.CAXTON_DEBUG) io.err(err?.stack ?? '');
  return 1;
}
