/**
 * The instrumented-module cache: a second `caxton run` of the same agents takes the fuel-metered modules from the
 * disk cache and never instruments (its instrumenting worker is pointed at a file that does not exist, so any
 * instrumentation would fail the run); a changed fuel budget is a different key.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diskModuleCache, moduleCacheDir } from '../../runtime/node/files/moduleCache';
import { preparedKey } from '../../runtime/sandbox/prepareModule';
import { examplesDir, repoRoot } from '../support/paths';

describe('instrumented-module cache across runs', function () {
  this.timeout(180_000);
  let cacheDir: string;
  before(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-modcache-'));
  });
  after(() => {
    if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  const run = (env: Record<string, string>): { code: number | null; out: string } => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'caxton.js'), 'run', path.join(examplesDir, 'calculator')], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1', CAXTON_CACHE_DIR: cacheDir, ...env },
    });
    return { code: r.status, out: r.stdout + r.stderr };
  };

  it('a cached run uses the stored instrumented modules and never instruments', () => {
    const first = run({});
    assert.equal(first.code, 0, first.out);
    const stored = fs.readdirSync(path.join(cacheDir, 'instrumented'));
    assert.ok(stored.length >= 3 && stored.every((n) => /^[0-9a-f]{64}-m\d+-f\d+-p\d+\.wasm$/.test(n)), stored.join(', '));
    const second = run({ CAXTON_PREPARE_WORKER: path.join(cacheDir, 'no-such-worker.js') });
    assert.equal(second.code, 0, second.out);
    assert.match(second.out, /Summary: calculator — passed/);
    // Proof that the failing worker would have been noticed: with an empty cache the same setting fails the load.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-modcache-empty-'));
    try {
      const third = run({ CAXTON_CACHE_DIR: empty, CAXTON_PREPARE_WORKER: path.join(empty, 'no-such-worker.js') });
      assert.notEqual(third.code, 0, third.out);
      assert.match(third.out, /could not be instrumented for fuel metering/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('keys name the module hash, metering version, fuel and memory cap; bad keys and unwritable folders only miss', () => {
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const a = preparedKey(bytes, 1000, 16),
      b = preparedKey(bytes, 1001, 16),
      c = preparedKey(bytes, 1000, 17);
    assert.equal(new Set([a, b, c]).size, 3);
    const store = diskModuleCache(path.join(cacheDir, 'unit'));
    store.set(a, bytes);
    assert.deepEqual(store.get(a), bytes);
    assert.equal(store.get(b), undefined);
    store.set('../escape', bytes);
    assert.equal(fs.existsSync(path.join(cacheDir, 'escape.wasm')), false, 'keys are checked before they become paths');
    const blocked = diskModuleCache(path.join(cacheDir, 'file-not-dir', 'x'));
    fs.writeFileSync(path.join(cacheDir, 'file-not-dir'), '');
    assert.doesNotThrow(() => blocked.set(a, bytes));
    assert.equal(blocked.get(a), undefined);
    assert.equal(moduleCacheDir({ CAXTON_CACHE_DIR: '/c' }), path.join('/c', 'instrumented'));
    assert.equal(moduleCacheDir({ XDG_CACHE_HOME: '/x' }), path.join('/x', 'caxton', 'instrumented'));
  });
});
