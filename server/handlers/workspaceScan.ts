/** Finds Caxton files on disk (iterative walk, bounded), for the server's workspace index and `caxton validate`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kindFromName } from '../../schemas/load';
import type { FileKind } from '../../schemas/load';

export interface ScanOptions { maxFiles?: number; maxDepth?: number; kinds?: readonly FileKind[] }

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.vscode-test', 'test-artifacts']);

/** Every file under the roots whose name marks it as a Caxton file (skipping build and VCS folders). */
export async function findCaxtonFiles(roots: readonly string[], opts: ScanOptions = {}): Promise<string[]> {
  const maxFiles = opts.maxFiles ?? 5000;
  const maxDepth = opts.maxDepth ?? 12;
  const found: string[] = [];
  const seen = new Set<string>();
  const stack: Array<[string, number]> = roots.map((r) => [path.resolve(r), 0]);
  while (stack.length && found.length < maxFiles) {
    const [dir, depth] = stack.pop() as [string, number];
    if (seen.has(dir)) continue;
    seen.add(dir);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished: nothing to index there
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.') && !/^(out|dist)-/.test(e.name)) stack.push([full, depth + 1]);
      } else if (e.isFile()) {
        const kind = kindFromName(e.name);
        if (kind && (!opts.kinds || opts.kinds.includes(kind))) found.push(full);
      }
    }
  }
  return found.sort();
}
