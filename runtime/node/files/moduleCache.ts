/**
 * The disk store of instrumented modules (runtime/sandbox ModuleCache): one file per key under
 * `$CAXTON_CACHE_DIR` (default `$XDG_CACHE_HOME/caxton` or `~/.cache/caxton`), `instrumented/<key>.wasm`, in a
 * folder only the user can write (the cache is trusted like the tool chain: see SECURITY.md). The oldest entries are
 * pruned past MAX_ENTRIES. Any I/O problem only makes it a miss: a run never fails because of its cache.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModuleCache } from '../../sandbox/prepareModule';

const MAX_ENTRIES = 256;
const KEY = /^[0-9a-f]{64}-m\d+-f\d+-p\d+$/;

/** Where instrumented modules are kept. */
export function moduleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.CAXTON_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'caxton');
  return path.join(base, 'instrumented');
}

/** A ModuleCache on disk in `dir`. */
export function diskModuleCache(dir = moduleCacheDir()): ModuleCache {
  const file = (key: string): string | undefined => (KEY.test(key) ? path.join(dir, `${key}.wasm`) : undefined);
  return {
    get(key) {
      const f = file(key);
      try {
        return f ? new Uint8Array(fs.readFileSync(f)) : undefined;
      } catch {
        return undefined;
      }
    },
    set(key, bytes) {
      const f = file(key);
      if (!f) return;
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = `${f}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, bytes, { mode: 0o600 });
        fs.renameSync(tmp, f);
        prune(dir);
      } catch {
        /* a cache that cannot be written is a cache that misses */
      }
    },
  };
}

function prune(dir: string): void {
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.wasm'));
  if (names.length <= MAX_ENTRIES) return;
  const aged = names.map((n) => ({ n, t: fs.statSync(path.join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, names.length - MAX_ENTRIES)) fs.rmSync(path.join(dir, n), { force: true });
}
