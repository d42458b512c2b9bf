/**
 * Trace files: an append-only JSONL writer and a reader. Lines are batched (one write per turn of the event loop,
 * or per 256 KiB) so writing is off the message path; a crash loses at most the last batch and leaves at most a
 * cut last line, which the reader tolerates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas';
import { parseTraceJsonl, traceLine, type ParsedTrace } from '../../../schemas/load';

export interface TraceFileWriter {
  /** The trace listener: append one event. */
  write(event: TraceEvent): void;
  /** Write what is waiting now. */
  flush(): void;
  /** Flush and close; later writes are ignored. */
  close(): void;
  readonly file: string;
}

/** Open `file` for a new trace (replacing an old one unless `append`), creating its folder. */
export function createTraceWriter(file: string, options: { append?: boolean } = {}): TraceFileWriter {
  const abs = path.resolve(file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  let fd: number | undefined = fs.openSync(abs, options.append ? 'a' : 'w');
  let lines: string[] = [];
  let bytes = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (fd === undefined || !lines.length) return;
    const text = lines.join('');
    lines = [];
    bytes = 0;
    fs.writeSync(fd, text);
  };
  return {
    file: abs,
    write(event: TraceEvent): void {
      if (fd === undefined) return;
      const line = traceLine(event);
      lines.push(line);
      bytes += line.length;
      if (bytes >= BATCH_BYTES) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    close(): void {
      if (fd === undefined) return;
      flush();
      fs.closeSync(fd);
      fd = undefined;
    },
  };
}

/** Lines are written when this many characters are waiting (else at the end of the event loop's turn). */
const BATCH_BYTES = 256 * 1024;

/** Read a *.trace.jsonl file; a truncated last line (crash mid-write) is tolerated and reported. */
export function readTraceFile(file: string): ParsedTrace {
  return parseTraceJsonl(fs.readFileSync(file, 'utf8'));
}
