/** What every `caxton` command is: a name, help text and a run function returning the exit code. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Colours only when stdout is a TTY (and NO_COLOR is not set). */
  color: boolean;
  cwd: string;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A user mistake (bad arguments, missing folder): printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
