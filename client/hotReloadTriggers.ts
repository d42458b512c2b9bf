/**
 * Pure decisions of hot reload in the editor (no `vscode` import, tested in plain Node): which saved files trigger
 * a reload, and what to tell the user about the outcome.
 */
import * as path from 'node:path';
import type { AgentReloadResult } from '../schemas/protocol/runtimeHost';

/**
 * Whether a saved/changed file should trigger a hot reload: a *.agent.yaml, a .wasm, or a .ts/.js/.mjs file under a folder
 * that (or an ancestor of which, up to `root`) holds an agent manifest. `listDir` returns a folder's file names.
 */
export function isReloadTrigger(file: string, root: string, listDir: (dir: string) => string[]): boolean {
  if (file.endsWith('.agent.yaml') || file.endsWith('.wasm')) return inside(root, file);
  // Agent sources: AssemblyScript/TypeScript .ts, JavaScript .js/.mjs (not declarations, not build outputs).
  if (!/\.(ts|js|mjs)$/.test(file) || file.endsWith('.d.ts') || path.basename(path.dirname(file)) === 'build' || !inside(root, file))
    return false;
  for (let dir = path.dirname(file); inside(root, dir); dir = path.dirname(dir)) {
    let names: string[];
    try {
      names = listDir(dir);
    } catch {
      names = [];
    }
    if (names.some((n) => n.endsWith('.agent.yaml'))) return true;
    if (dir === path.resolve(root) || path.dirname(dir) === dir) break;
  }
  return false;
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** What to show after a reload: nothing (all unchanged), a status message, or an error naming file:line:col. */
export interface ReloadOutcome {
  kind: 'none' | 'reloaded' | 'error';
  /** One line for the status bar or the notification. */
  text: string;
  /** The first problem of the first failed agent, for "go to error". */
  problem?: { file: string; line: number; column: number; message: string };
}

/** Summarise per-agent reload results for the user. */
export function describeReload(results: readonly AgentReloadResult[]): ReloadOutcome {
  const reloaded = results.filter((r) => r.status === 'reloaded').map((r) => r.agent);
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length) {
    const first = failed[0];
    const where = first.error?.split('\n')[0] ?? 'unknown error';
    const also = reloaded.length ? ` (reloaded: ${reloaded.join(', ')})` : '';
    return {
      kind: 'error',
      text: `${failed.map((r) => r.agent).join(', ')} not reloaded, the previous version keeps running: ${where}${also}`,
      problem: first.problems?.[0],
    };
  }
  if (reloaded.length) return { kind: 'reloaded', text: `hot reloaded ${reloaded.join(', ')}` };
  return { kind: 'none', text: '' };
}

/** Collects changed files and calls `flush` once they stop coming for `delayMs` (one reload per burst of saves). */
export class Debouncer {
  private readonly files = new Set<string>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly delayMs: number,
    private readonly flush: (files: string[]) => void,
  ) {}

  add(file: string): void {
    this.files.add(file);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const files = [...this.files];
      this.files.clear();
      this.flush(files);
    }, this.delayMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.files.clear();
  }
}
