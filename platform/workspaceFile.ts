/**
 * The one workspace-path guard: every file Caxton reads from a workspace (manifests, modules, scenarios, message
 * files, pipelines; the editor's index and `caxton validate` too) goes through it. It stats first and refuses,
 * with a sentence naming the file, the limit and the fix: a missing file, a directory, a FIFO / socket / device
 * (never opened blocking, so never a hang), a path that leaves its root (also through symlinks), a file over its
 * size cap (from stat, before reading a byte). Reading re-checks the opened descriptor, so a file swapped after
 * the stat cannot slip through.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILE_LIMITS, formatBytes, formatCount, LIMITS } from '../schemas/limits';

/** Why a workspace file is not read: `missing` tells a file that is not there from one that is refused. */
export interface Refusal {
  ok: false;
  missing: boolean;
  reason: string;
}

export type FileCheck = { ok: true; real: string; size: number } | Refusal;

export interface GuardOptions {
  /** Refuse files above this many bytes (default: by extension, see maxBytesFor). */
  maxBytes?: number;
}

/** The size cap of a file Caxton reads, by its name: YAML files, message files, wasm modules. */
export function maxBytesFor(file: string): { bytes: number; what: string } {
  if (/\.ya?ml$/i.test(file)) return { bytes: FILE_LIMITS.yamlBytes, what: 'YAML files' };
  if (/\.wasm$/i.test(file)) return { bytes: LIMITS.maxModuleBytes, what: 'WebAssembly modules' };
  if (/\.ts$/i.test(file)) return { bytes: FILE_LIMITS.yamlBytes * 4, what: 'agent sources' };
  return { bytes: FILE_LIMITS.jsonBytes, what: 'message files' };
}

/** Whether `target` lies outside `root` (both real paths). */
export function escapes(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' ? false : rel.startsWith('..') || path.isAbsolute(rel);
}

/** The real path of a folder (or the resolved path when it does not exist). */
export function realFolder(folder: string): string {
  try {
    return fs.realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}

/** Stat `file` and decide whether it may be read as a workspace file under `root`; never opens it. */
export function checkWorkspaceFile(root: string, file: string, opts: GuardOptions = {}): FileCheck {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, missing: true, reason: `${file} does not exist` };
    if (code === 'ELOOP') return { ok: false, missing: false, reason: `${file} is a symlink loop; point it at a real file` };
    return { ok: false, missing: false, reason: `${file} cannot be read (${code ?? (e as Error).message})` };
  }
  if (stat.isDirectory()) return { ok: false, missing: false, reason: `${file} is a folder, not a file; name a file` };
  if (!stat.isFile()) return { ok: false, missing: false, reason: notRegular(file) };
  const real = fs.realpathSync(file);
  const base = realFolder(root);
  if (escapes(base, real))
    return {
      ok: false,
      missing: false,
      reason: `${file} resolves to ${real}, outside the workspace ${base}; keep it inside the workspace`,
    };
  const cap = capOf(file, opts);
  if (stat.size > cap.bytes) return { ok: false, missing: false, reason: tooLarge(file, stat.size, cap) };
  return { ok: true, real, size: stat.size };
}

/** Read a workspace file as UTF-8 after checkWorkspaceFile; the descriptor is opened non-blocking and re-checked. */
export function readWorkspaceFile(root: string, file: string, opts: GuardOptions = {}): { ok: true; text: string; real: string } | Refusal {
  const read = readWorkspaceBytes(root, file, opts);
  return read.ok ? { ok: true, text: read.bytes.toString('utf8'), real: read.real } : read;
}

/** Read a workspace file's bytes (a module) after checkWorkspaceFile; the descriptor is opened non-blocking and re-checked. */
export function readWorkspaceBytes(
  root: string,
  file: string,
  opts: GuardOptions = {},
): { ok: true; bytes: Buffer; real: string } | Refusal {
  const check = checkWorkspaceFile(root, file, opts);
  if (!check.ok) return check;
  const cap = capOf(file, opts);
  let fd: number | undefined;
  try {
    fd = fs.openSync(check.real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, missing: false, reason: notRegular(file) };
    if (stat.size > cap.bytes) return { ok: false, missing: false, reason: tooLarge(file, stat.size, cap) };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = fs.readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, bytes: buffer.subarray(0, read), real: check.real };
  } catch (e) {
    return { ok: false, missing: false, reason: `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The cap that applies: the caller's, else the one for the file's kind. */
function capOf(file: string, opts: GuardOptions): { bytes: number; what: string } {
  return opts.maxBytes !== undefined ? { bytes: opts.maxBytes, what: 'this file' } : maxBytesFor(file);
}

function notRegular(file: string): string {
  return `${file} is not a regular file (a FIFO, socket or device); Caxton reads only regular files`;
}

function tooLarge(file: string, size: number, cap: { bytes: number; what: string }): string {
  return `${file} is ${formatBytes(size)}, over the ${formatBytes(cap.bytes)} limit for ${cap.what} (${formatCount(cap.bytes)} bytes); make it smaller or split it`;
}
