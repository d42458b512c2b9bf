/** `caxton validate <files|folders>`: the language server's checks, from the command line. */
import { validateFiles } from '../../node/files/validateFiles';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check message, manifest, scenario and pipeline files (file:line:col diagnostics)',
  help: `Usage: caxton validate <file|folder>...

Runs the same checks as the editor on each file (folders: every Caxton file under them) and prints
file:line:col: severity: message. Exit code: 0 when there are no errors, 1 when there are, 2 for bad input.`,
  async run(argv, io) {
    const args = parseArgs(argv, {}, 'validate');
    if (args.flags.help) {
      io.out(this.help);
      return 0;
    }
    if (!args.positionals.length) throw new UsageError('caxton validate: give files or folders to check, e.g. caxton validate examples/');
    const result = await validateFiles(args.positionals, { cwd: io.cwd });
    for (const line of result.lines) io.out(line);
    io.out(`${result.errors} errors, ${result.warnings} warnings`);
    return result.errors ? 1 : 0;
  },
};
