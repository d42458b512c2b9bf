/** Paths for tests, which run from out/test/...: the repository root and the built bundles. */
import * as path from 'node:path';
import * as fs from 'node:fs';

function findRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'schemas'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${from}`);
    dir = up;
  }
  return dir;
}

export const repoRoot = findRoot(__dirname);
/** Where esbuild.mjs put the bundles (override with CAXTON_DIST). */
export const distDir = process.env.CAXTON_DIST ?? path.join(repoRoot, 'dist');
export const examplesDir = path.join(repoRoot, 'examples');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** Screenshots and other artifacts tests keep. */
export const artifactsDir = path.join(repoRoot, 'test-artifacts');
