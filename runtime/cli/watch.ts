/**
 * `caxton run --watch`: run once, then run again whenever an agent source, module, manifest, scenario or message
 * file under the folder changes (debounced; the build cache recompiles only what changed). Stops on Ctrl-C.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from './command';

const WATCHED = /(\.ts|\.wasm|\.agent\.yaml|\.scenario\.yaml|\.fipa\.json)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'build', 'out', 'dist']);

/** Whether a change to `rel` (relative to the watched folder) should trigger a new run; build outputs never do. */
export function triggersRun(rel: string): boolean {
  const parts = rel.split(/[\\/]/);
  if (parts.slice(0, -1).some((p) => SKIPPED_DIRS.has(p) || p.startsWith('.') || /^(out|dist)-/.test(p))) return false;
  return WATCHED.test(rel) && !rel.endsWith('.d.ts');
}

export interface WatchOptions {
  debounceMs?: number;
  /** Resolves when watching should end (default: the first SIGINT or SIGTERM). */
  until?: Promise<void>;
}

/** Run `once`, then again after each burst of relevant changes; returns the exit code of the last run. */
export async function watchAndRun(folder: string, once: () => Promise<number>, io: CliIo, options: WatchOptions = {}): Promise<number> {
  let code = await once();
  const until =
    options.until ??
    new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const rerun = (): void => {
    const files = [...changed];
    changed.clear();
    running = running.then(async () => {
      io.out('');
      io.out(`changed: ${files.join(', ')}; running again`);
      try {
        code = await once();
      } catch (e) {
        io.err((e as Error).message);
        code = 1;
      }
      io.out(`watching ${path.relative(io.cwd, folder) || '.'} for changes (Ctrl-C to stop)`);
    });
  };
  const watcher = fs.watch(folder, { recursive: true }, (_event, name) => {
    const rel = name?.toString();
    if (!rel || !triggersRun(rel)) return;
    changed.add(rel);
    if (timer) clearTimeout(timer);
    timer = setTimeout(rerun, options.debounceMs ?? 200);
  });
  io.out(`watching ${path.relative(io.cwd, folder) || '.'} for changes (Ctrl-C to stop)`);
  await until;
  watcher.close();
  if (timer) clearTimeout(timer);
  await running;
  return code;
}
