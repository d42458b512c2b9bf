/**
 * Finds Caxton files on disk (iterative walk, bounded), for the runtime's workspace, the server's index and
 * `caxton validate`: one walker, one list of folders to skip. Symlinked folders are not followed; symlinked files
 * are listed, and so are FIFOs and sockets with a Caxton name: the workspace-path guard then refuses them by name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kindFromName, type FileKind } from '../schemas/load';

export interface ScanOptions {
  maxFiles?: number;
  maxDepth?: number;
  kinds?: readonly FileKind[];
  accept?: (name: string) => boolean;
}

/** Dependency, build, output and VCS folders: never part of a workspace's files. */
export const SKIP_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  'build',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'out',
  '.vscode-test',
  'test-artifacts',
]);

/** Whether a folder name is skipped by the walk (SKIP_DIRS, hidden folders, `out-*` / `dist-*` build copies). */
export function skipsFolder(name: string): boolean {
  return SKIP_DIRS.has(name) || name.startsWith('.') || /^(out|dist)-/.test(name);
}

/** Every file under the roots that `accept` takes (default: names marking a Caxton file), sorted. */
export function findCaxtonFiles(roots: readonly string[], opts: ScanOptions = {}): string[] {
  const maxFiles = opts.maxFiles ?? 5000;
  const maxDepth = opts.maxDepth ?? 12;
  const accept =
    opts.accept ??
    ((name: string) => {
      const kind = kindFromName(name);
      return !!kind && (!opts.kinds || opts.kinds.includes(kind));
    });
  const found: string[] = [];
  const seen = new Set<string>();
  const stack: Array<[string, number]> = roots.map((r) => [path.resolve(r), 0]);
  while (stack.length && found.length < maxFiles) {
    const [dir, depth] = stack.pop() as [string, number];
    if (seen.has(dir)) continue;
    seen.add(dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished: nothing to find there
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && !skipsFolder(e.name)) stack.push([full, depth + 1]);
      } else if (accept(e.name)) {
        // Also FIFOs, sockets and symlinks: listed so the guard can refuse them by name, not skipped in silence.
        found.push(full);
      }
    }
  }
  return found.sort();
}
