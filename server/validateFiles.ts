/**
 * `caxton validate`: checks files on disk with the language service and prints `file:line:col: severity: message [code]`.
 * Agent manifests beside and under the given paths make up the workspace knowledge (unknown agents, duplicates).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { findCaxtonFiles } from './handlers/workspaceScan';
import { detectFileKind } from '../schemas/load';
import { getLanguageService } from './service/languageService';
import { WorkspaceIndex } from '../schemas/load';

export interface ValidateFilesOptions {
  /** Content size limit for the `content-too-large` warning (default 1 MiB). */
  maxContentBytes?: number;
  /** Paths are printed relative to this (default process.cwd()). */
  cwd?: string;
}

export interface ValidateFilesResult { lines: string[]; errors: number; warnings: number }

/** Files above this are refused rather than read (a message file is never this big). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const WORDS: Record<number, string> = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning', [DiagnosticSeverity.Information]: 'info', [DiagnosticSeverity.Hint]: 'hint' };

/** Validates files and folders (folders: every Caxton file under them); never throws for bad input. */
export async function validateFiles(paths: string[], opts: ValidateFilesOptions = {}): Promise<ValidateFilesResult> {
  const cwd = opts.cwd ?? process.cwd();
  const shown = (abs: string) => { const rel = path.relative(cwd, abs); return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs; };
  const result: ValidateFilesResult = { lines: [], errors: 0, warnings: 0 };
  const files: string[] = [];
  const manifestRoots = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats | undefined;
    try { stat = await fs.promises.stat(abs); } catch { stat = undefined; }
    if (!stat) {
      result.lines.push(`${p}:1:1: error: no such file or folder: check the path [io-error]`);
      result.errors++;
    } else if (stat.isDirectory()) {
      files.push(...await findCaxtonFiles([abs]));
      manifestRoots.add(abs);
    } else {
      files.push(abs);
      manifestRoots.add(path.dirname(abs));
    }
  }
  const workspace = new WorkspaceIndex();
  const service = getLanguageService({ workspace, settings: opts.maxContentBytes ? { maxContentBytes: opts.maxContentBytes } : undefined });
  const texts = new Map<string, string>();
  const read = async (file: string): Promise<string> => {
    let text = texts.get(file);
    if (text === undefined) {
      const stat = await fs.promises.stat(file);
      if (stat.size > MAX_FILE_BYTES) throw new Error(`file is ${Math.round(stat.size / 1024 / 1024)} MB, over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit`);
      text = await fs.promises.readFile(file, 'utf8');
      texts.set(file, text);
    }
    return text;
  };
  const docOf = (file: string, text: string) => TextDocument.create(pathToFileURL(file).href, 'plaintext', 1, text);
  for (const manifest of await findCaxtonFiles([...manifestRoots], { kinds: ['agent'] })) {
    try {
      const doc = docOf(manifest, await read(manifest));
      workspace.update(doc.uri, service.indexDocument(doc));
    } catch {
      // Unreadable manifests are reported when they are validated themselves.
    }
  }
  for (const file of [...new Set(files)]) {
    let text: string;
    try {
      text = await read(file);
    } catch (e) {
      result.lines.push(`${shown(file)}:1:1: error: cannot read: ${e instanceof Error ? e.message : String(e)} [io-error]`);
      result.errors++;
      continue;
    }
    if (!detectFileKind(file, text)) {
      result.lines.push(`${shown(file)}:1:1: error: not a Caxton file: name it *.fipa.json, *.pipeline.yaml, *.agent.yaml or *.scenario.yaml, or add "$schema" [unknown-file-kind]`);
      result.errors++;
      continue;
    }
    const doc = docOf(file, text);
    for (const d of service.doValidation(doc)) {
      const severity = WORDS[d.severity ?? DiagnosticSeverity.Error];
      if (d.severity === DiagnosticSeverity.Error) result.errors++;
      else if (d.severity === DiagnosticSeverity.Warning) result.warnings++;
      result.lines.push(`${shown(file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severity}: ${d.message} [${String(d.code)}]`);
    }
  }
  return result;
}
