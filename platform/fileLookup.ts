/**
 * The FileLookup the loaders ask about other files (a scenario's message files, pipeline and manifests; a
 * manifest's module), answered from disk through the workspace-path guard. The language server and the runtime
 * both use this, so a reference is missing, refused or fine in the editor exactly when it is at run time.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FileKind, FileLookup, FileStatus } from '../schemas/load';
import { findCaxtonFiles } from './findFiles';
import { checkWorkspaceFile } from './workspaceFile';

/** `workspaceOf(file)`: the root a `within: 'workspace'` reference must stay in (the folder the runtime loads, the editor's folder). */
export function createFileLookup(workspaceOf: (file: string) => string): FileLookup {
  return {
    resolve(fromUri: string, ref: string, kind: FileKind | 'module', within: 'folder' | 'workspace'): FileStatus {
      const from = fromUri.startsWith('file:') ? fileURLToPath(fromUri) : fromUri;
      const base = path.dirname(from);
      const target = path.resolve(base, ref);
      const check = checkWorkspaceFile(within === 'folder' ? base : workspaceOf(from), target);
      if (check.ok) return { status: 'file', uri: pathToFileURL(check.real).href };
      if (!check.missing) return { status: 'refused', uri: pathToFileURL(target).href, reason: check.reason };
      return { status: 'missing', uri: pathToFileURL(target).href, candidates: candidates(base, kind) };
    },
  };
}

/** Files of the same kind under `base` (relative, `/`-separated), for did-you-mean. */
function candidates(base: string, kind: FileKind | 'module'): string[] {
  const accept = kind === 'module' ? (name: string) => /\.(wasm|ts)$/.test(name) && !name.endsWith('.d.ts') : undefined;
  const files = findCaxtonFiles([base], { maxFiles: 500, maxDepth: 4, kinds: kind === 'module' ? undefined : [kind], accept });
  return files.map((f) => path.relative(base, f).split(path.sep).join('/'));
}
