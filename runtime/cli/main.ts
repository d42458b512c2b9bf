/** Entry point of the `caxton` command (bundled to dist/cli.js, loaded by bin/caxton.js): runs the CLI on process.argv. */
import type { CliIo } from './command';
import { main } from './cli';
import { terminalLine } from './terminalText';
import { diskModuleCache } from '../node/files/moduleCache';
import { setModuleCache } from '../sandbox';
import { zombieThreads } from '../shard/shardGroup';

const io: CliIo = {
  out: (line) => process.stdout.write(`${terminalLine(line)}\n`),
  err: (line) => process.stderr.write(`${terminalLine(line)}\n`),
  color: (Boolean(process.stdout.isTTY) || process.env.FORCE_COLOR === '1') && !process.env.NO_COLOR,
  cwd: process.cwd(),
};

// Instrumented modules are kept between runs: a cached `caxton run` never loads binaryen.
setModuleCache(diskModuleCache());

void main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
  // A worker thread that outlived terminate() would keep the process (and a core) busy forever: once the run is
  // written, end the process (docs/shards.md, Failures).
  if (zombieThreads() > 0) {
    process.stderr.write(`caxton: ${zombieThreads()} agent thread(s) did not stop when terminated; exiting\n`, () => process.exit(code));
  }
});
