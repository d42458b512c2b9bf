/** Helpers for the security and fault suites: the probe WATs of test/fixtures/security, and throwaway workspaces. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { watFixture } from '../support/fixtures';
import { fixturesDir } from '../support/paths';

/** A WAT of test/fixtures/security compiled to wasm (via the shared, cached wabt helper). */
export function securityWasm(name: string): Promise<Uint8Array> {
  return watFixture(`../security/${name}`);
}

/** The path of a security fixture, for error messages. */
export function securityFixturePath(name: string): string {
  return path.join(fixturesDir, 'security', `${name}.wat`);
}

/** A fresh temporary folder (realpath, so symlink checks compare like with like); removed by `removeTemp`. */
export function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `caxton-${prefix}-`)));
}

/** Remove a temporary folder made by tempDir. */
export function removeTemp(dir: string | undefined): void {
  if (dir && dir.startsWith(fs.realpathSync(os.tmpdir()))) fs.rmSync(dir, { recursive: true, force: true });
}

/** Write `files` (relative path -> text or bytes) under `root`, creating folders. */
export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
