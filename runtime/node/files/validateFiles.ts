/**
 * `caxton validate`: checks files on disk with the same loader and the same workspace knowledge as a run, and
 * prints `file:line:col: severity: message [code]` (the editor shows the same problems at the same places).
 * The agent manifests under each given folder (or a given file's folder) make up that path's workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFileKind } from '../../../schemas/load';
import { findCaxtonFiles } from '../../../platform/findFiles';
import { readWorkspaceFile } from '../../../platform/workspaceFile';
import { checkFile, formatProblem, loadScope, type WorkspaceProblem } from './workspace';

export interface ValidateFilesOptions {
  /** Content size limit for the `content-too-large` warning (default: the limits module's max message size). */
  maxContentBytes?: number;
  /** Paths are printed relative to this (default process.cwd()). */
  cwd?: string;
}

export interface ValidateFilesResult {
  lines: string[];
  errors: number;
  warnings: number;
}

/** Validates files and folders (folders: every Caxton file under them); never throws for bad input. */
export async function validateFiles(paths: string[], opts: ValidateFilesOptions = {}): Promise<ValidateFilesResult> {
  const cwd = opts.cwd ?? process.cwd();
  const shown = (abs: string) => {
    const rel = path.relative(cwd, abs);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
  };
  const result: ValidateFilesResult = { lines: [], errors: 0, warnings: 0 };
  const report = (p: WorkspaceProblem) => {
    if ((p.severity ?? 'error') === 'error') result.errors++;
    else if (p.severity === 'warning') result.warnings++;
    result.lines.push(formatProblem({ ...p, file: shown(p.file) }));
  };
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(abs);
    } catch {
      stat = undefined;
    }
    if (!stat) {
      report({ file: p, line: 1, column: 1, message: 'no such file or folder: check the path', code: 'io-error' });
      continue;
    }
    const root = stat.isDirectory() ? abs : path.dirname(abs);
    const scope = loadScope(root);
    for (const file of stat.isDirectory() ? findCaxtonFiles([abs]) : [abs]) {
      if (seen.has(file)) continue;
      seen.add(file);
      const head = readWorkspaceFile(path.dirname(file), file);
      if (head.ok && !detectFileKind(file, head.text)) {
        report({
          file,
          line: 1,
          column: 1,
          message: 'not a Caxton file: name it *.fipa.json, *.pipeline.yaml, *.agent.yaml or *.scenario.yaml, or add "$schema"',
          code: 'unknown-file-kind',
        });
        continue;
      }
      const kind = head.ok ? detectFileKind(file, head.text) : undefined;
      for (const problem of checkFile(file, kind, scope, opts.maxContentBytes ? { maxContentBytes: opts.maxContentBytes } : undefined)
        .problems)
        report(problem);
    }
  }
  return result;
}
