/** Trace files: an append-only JSONL writer (one write per event, so a crash leaves at most a cut last line) and a reader. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../schemas';
import { parseTraceJsonl, traceLine, type ParsedTrace } from '../../schemas/load';

export interface TraceFileWriter {
  /** The trace listener: append one event. */
  write(event: TraceEvent): void;
  /** Flush and close; later writes are ignored. */
  close(): void;
  readonly file: string;
}

/** Open `file` for a new trace (replacing an old one unless `append`), creating its folder. */
export function createTraceWriter(file: string, options: { append?: boolean } = {}): TraceFileWriter {
  const abs = path.resolve(file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  let fd: number | undefined = fs.openSync(abs, options.append ? 'a' : 'w');
  return {
    file: abs,
    write(event: TraceEvent): void {
      if (fd === undefined) return;
      // Synchronous, one line per write: the file is complete up to the last event even if the process dies.
      fs.writeSync(fd, traceLine(event));
    },
    close(): void {
      if (fd === undefined) return;
      fs.closeSync(fd);
      fd = undefined;
    },
  };
}

/** Read a *.trace.jsonl file; a truncated last line (crash mid-write) is tolerated and reported. */
export function readTraceFile(file: string): ParsedTrace {
  return parseTraceJsonl(fs.readFileSync(file, 'utf8'));
}
