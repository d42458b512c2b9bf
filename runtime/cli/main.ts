/** Entry point of the `caxton` command (bundled to dist/cli.js, loaded by bin/caxton.js): runs the CLI on process.argv. */
import type { CliIo } from './command';
import { main } from './cli';

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  cwd: process.cwd(),
};

void main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
