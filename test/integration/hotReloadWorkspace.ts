/**
 * A throwaway copy of examples/calculator for hot-reload tests. Builds are reused: the copy is seeded with the
 * examples' build, and each edited source with a build of the same text made earlier (kept under
 * node_modules/.cache/caxton/hot-reload). The build cache still checks every seed (SDK, compiler, inputs), so a stale
 * one is simply rebuilt; the key file holds only relative inputs, so a build made in another folder is a hit here.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyFilePath } from '../../runtime/build';
import { examplesDir, repoRoot } from '../support/paths';

const seedDir = path.join(repoRoot, 'node_modules', '.cache', 'caxton', 'hot-reload');
const builtWasm = (ws: string): string => path.join(ws, 'agents', 'build', 'calculator.wasm');
const sourceOf = (ws: string): string => path.join(ws, 'agents', 'calculator.ts');
const seedFor = (text: string): string =>
  path.join(seedDir, `calculator-${crypto.createHash('sha256').update(text).digest('hex').slice(0, 24)}.wasm`);

function copyBuild(from: string, to: string): void {
  if (!fs.existsSync(from) || !fs.existsSync(keyFilePath(from))) return;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  // Temp + rename: a concurrent reader never sees half a file.
  for (const [a, b] of [
    [from, to],
    [keyFilePath(from), keyFilePath(to)],
  ]) {
    const tmp = `${b}.${process.pid}.tmp`;
    fs.copyFileSync(a, tmp);
    fs.renameSync(tmp, b);
  }
}

/** Copy the calculator agent (manifest, source, and a build of it when one is at hand) to a temp folder. */
export function copyCalculatorWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-hot-'));
  const from = path.join(examplesDir, 'calculator', 'agents');
  fs.mkdirSync(path.join(ws, 'agents', 'build'), { recursive: true });
  for (const f of ['calculator.agent.yaml', 'calculator.ts']) fs.copyFileSync(path.join(from, f), path.join(ws, 'agents', f));
  copyBuild(path.join(from, 'build', 'calculator.wasm'), builtWasm(ws));
  return ws;
}

/**
 * Rewrite the copied calculator source (throws when the edit did not apply: the example changed under the test).
 * Keeps the current build for later runs and seeds the build of the new text, if one was kept.
 */
export function editCalculator(ws: string, edit: (source: string) => string): void {
  const file = sourceOf(ws);
  const before = fs.readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`${file}: the test's edit did not apply; update the test to the example's source`);
  copyBuild(builtWasm(ws), seedFor(before));
  copyBuild(seedFor(after), builtWasm(ws));
  fs.writeFileSync(file, after);
}
