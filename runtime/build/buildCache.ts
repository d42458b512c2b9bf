/**
 * The build cache: beside each output `build/<name>.wasm` a key file `build/<name>.wasm.json` records what went in
 * (every file the compiler asked for, with its hash or its absence, the SDK, the asc version and the arguments) and
 * what came out (size and hash). The output is up to date when the recomputed key and the output's hash both match.
 * Inputs are stored relative to the agent's folder (SDK files as `~sdk/...`), so a copied folder stays cached.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bumped when the key's recipe changes, so old key files never match. */
export const KEY_FORMAT = 1;
const SDK_PREFIX = '~sdk/';

/** One file the compiler read (with its content hash) or looked for and did not find (no hash). */
export interface BuildInput {
  file: string;
  sha256?: string;
}

/** The key file's content (`<out>.wasm.json`). */
export interface BuildKeyFile {
  format: number;
  key: string;
  /** When the output was built (ISO time) and how long the compile took. */
  builtAt: string;
  durationMs: number;
  bytes: number;
  wasmSha256: string;
  asc: string;
  args: string[];
  inputs: BuildInput[];
}

/** Where the key file of an output lives. */
export function keyFilePath(outWasm: string): string {
  return `${outWasm}.json`;
}

export function sha256(data: string | Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

let ascVersionMemo: string | undefined;
/** The installed AssemblyScript version ('unknown' when its package.json cannot be found). */
export function ascVersion(): string {
  if (ascVersionMemo) return ascVersionMemo;
  try {
    const file = require.resolve('assemblyscript/package.json');
    ascVersionMemo = String((JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    ascVersionMemo = 'unknown';
  }
  return ascVersionMemo;
}

/** A hash of every file of the SDK folder (names and contents), so any SDK edit invalidates every agent. */
export function sdkDigest(sdkDir: string): string {
  const h = crypto.createHash('sha256');
  const visit = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile()) h.update(path.relative(sdkDir, p)).update('\0').update(fs.readFileSync(p)).update('\0');
    }
  };
  try {
    visit(sdkDir);
  } catch {
    h.update('missing');
  }
  return h.digest('hex');
}

/** The name an input is recorded under: relative to the agent's folder, or `~sdk/...` for SDK files. */
export function inputName(file: string, baseDir: string, sdkDir: string): string {
  const rel = path.relative(sdkDir, file);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return SDK_PREFIX + rel.replace(/\\/g, '/');
  return path.relative(baseDir, file).replace(/\\/g, '/');
}

function resolveInput(name: string, baseDir: string, sdkDir: string): string {
  return name.startsWith(SDK_PREFIX) ? path.join(sdkDir, name.slice(SDK_PREFIX.length)) : path.resolve(baseDir, name);
}

/** The current state of the recorded inputs: each file's hash now, or absent. */
export function currentInputs(inputs: readonly BuildInput[], baseDir: string, sdkDir: string): BuildInput[] {
  return inputs.map(({ file }) => {
    try {
      return { file, sha256: sha256(fs.readFileSync(resolveInput(file, baseDir, sdkDir))) };
    } catch {
      return { file };
    }
  });
}

/** The cache key: asc version, compiler arguments, SDK digest and every input (sorted, so order never matters). */
export function computeKey(parts: { asc: string; args: readonly string[]; sdk: string; inputs: readonly BuildInput[] }): string {
  const inputs = [...parts.inputs]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((i) => `${i.file}=${i.sha256 ?? '-'}`);
  return sha256(JSON.stringify({ format: KEY_FORMAT, asc: parts.asc, args: parts.args, sdk: parts.sdk, inputs }));
}

/** Why an output is (not) up to date: `reason` says what changed, for logs. */
export interface CacheCheck {
  upToDate: boolean;
  reason: string;
  keyFile?: BuildKeyFile;
}

/**
 * Whether `outWasm` is up to date for this source folder, SDK, arguments and compiler (reads and hashes, never
 * writes). `compiler` is the version recorded in the key (asc's by default; `esbuild x.y.z` for JS bundles).
 */
export function checkBuildCache(
  outWasm: string,
  baseDir: string,
  sdkDir: string,
  args: readonly string[],
  compiler: string = ascVersion(),
): CacheCheck {
  let keyFile: BuildKeyFile;
  try {
    keyFile = JSON.parse(fs.readFileSync(keyFilePath(outWasm), 'utf8')) as BuildKeyFile;
  } catch {
    return { upToDate: false, reason: 'no key file' };
  }
  if (keyFile?.format !== KEY_FORMAT || !Array.isArray(keyFile.inputs) || typeof keyFile.key !== 'string')
    return { upToDate: false, reason: 'old or unreadable key file' };
  let wasm: Buffer;
  try {
    wasm = fs.readFileSync(outWasm);
  } catch {
    return { upToDate: false, reason: 'no output' };
  }
  if (wasm.byteLength !== keyFile.bytes || sha256(wasm) !== keyFile.wasmSha256)
    return { upToDate: false, reason: 'output changed or corrupted' };
  const key = computeKey({ asc: compiler, args, sdk: sdkDigest(sdkDir), inputs: currentInputs(keyFile.inputs, baseDir, sdkDir) });
  if (key !== keyFile.key) return { upToDate: false, reason: 'sources, SDK, compiler or options changed' };
  return { upToDate: true, reason: 'up to date', keyFile };
}

/** Write a file atomically (temp file in the same folder, then rename): a crash never leaves half a file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Store an output and its key file (output first: a key file never describes a missing output). */
export function storeBuild(
  outWasm: string,
  wasm: Uint8Array,
  record: Omit<BuildKeyFile, 'format' | 'bytes' | 'wasmSha256' | 'builtAt'>,
): BuildKeyFile {
  const keyFile: BuildKeyFile = {
    format: KEY_FORMAT,
    ...record,
    builtAt: new Date().toISOString(),
    bytes: wasm.byteLength,
    wasmSha256: sha256(wasm),
  };
  writeFileAtomic(outWasm, wasm);
  writeFileAtomic(keyFilePath(outWasm), `${JSON.stringify(keyFile, null, 2)}\n`);
  return keyFile;
}

/** Copy a cached build to another output (agents sharing one source): the key holds no output path, so it carries over. */
export function copyBuild(fromWasm: string, toWasm: string): void {
  const wasm = fs.readFileSync(fromWasm);
  const key = fs.existsSync(keyFilePath(fromWasm)) ? fs.readFileSync(keyFilePath(fromWasm)) : undefined;
  writeFileAtomic(toWasm, wasm);
  if (key) writeFileAtomic(keyFilePath(toWasm), key);
}

/** Whether two outputs hold the same build (same key file and same bytes). */
export function sameBuild(aWasm: string, bWasm: string): boolean {
  try {
    return (
      fs.readFileSync(keyFilePath(aWasm)).equals(fs.readFileSync(keyFilePath(bWasm))) &&
      fs.readFileSync(aWasm).equals(fs.readFileSync(bWasm))
    );
  } catch {
    return false;
  }
}

const locks = new Map<string, Promise<unknown>>();
/** Run `work` after any other work on the same output in this process has finished (no two builds race on a file). */
export function withOutputLock<T>(outWasm: string, work: () => Promise<T>): Promise<T> {
  const prev = locks.get(outWasm) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(work);
  const tail = next.catch(() => undefined);
  locks.set(outWasm, tail);
  void tail.then(() => {
    if (locks.get(outWasm) === tail) locks.delete(outWasm);
  });
  return next;
}
