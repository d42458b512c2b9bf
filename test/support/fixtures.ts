/**
 * Wasm fixtures for everyone's tests, built from source in the repo once per run and cached by content hash:
 * example agents (AssemblyScript, via runtime/build) and hand-written WAT agents (via wabt).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AgentManifest } from '../../schemas';
import { buildAgentSource, findManifests, locateSdk } from '../../runtime/build';
import { examplesDir, fixturesDir, repoRoot } from './paths';

/** Where built fixtures are cached between runs (keyed by the hash of everything that goes into them). */
export const fixtureCacheDir = path.join(repoRoot, 'node_modules', '.cache', 'caxton', 'fixtures');

export interface BuiltAgent {
  name: string;
  manifest: AgentManifest;
  manifestPath: string;
  wasmPath: string;
  wasm: Uint8Array;
}

const memo = new Map<string, Promise<BuiltAgent>>();

function sdkHash(): string {
  const dir = locateSdk();
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(dir).sort()) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  const asc = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', 'assemblyscript', 'package.json'), 'utf8')).version;
  return h.update(String(asc)).digest('hex');
}

/** Build (or fetch from cache) the agent `name` declared by a manifest under examples/<folder>. */
export function buildExampleAgent(folder: string, name: string): Promise<BuiltAgent> {
  const key = `${folder}/${name}`;
  let p = memo.get(key);
  if (!p) {
    p = build(path.join(examplesDir, folder), name);
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

async function build(folder: string, name: string): Promise<BuiltAgent> {
  for (const manifestPath of findManifests(folder)) {
    const manifest = parseYaml(fs.readFileSync(manifestPath, 'utf8')) as AgentManifest;
    if (manifest?.name !== name) continue;
    const source = path.resolve(path.dirname(manifestPath), manifest.module);
    if (!source.endsWith('.ts')) {
      return { name, manifest, manifestPath, wasmPath: source, wasm: fs.readFileSync(source) };
    }
    const wasmPath = await buildCached(source, name);
    return { name, manifest, manifestPath, wasmPath, wasm: fs.readFileSync(wasmPath) };
  }
  throw new Error(`no manifest named ${name} under ${folder}`);
}

/** Build (or fetch from cache) an AssemblyScript agent under test/fixtures/agents, e.g. `wellbehaved/dice`. */
export function buildAgentFixture(name: string): Promise<Uint8Array> {
  const key = `fixture:${name}`;
  let p = memo.get(key);
  if (!p) {
    const source = path.join(fixturesDir, 'agents', `${name}.ts`);
    const agentName = path.basename(name);
    p = buildCached(source, agentName).then((wasmPath) => ({
      name: agentName,
      manifest: { name: agentName, module: `${agentName}.ts` },
      manifestPath: source,
      wasmPath,
      wasm: fs.readFileSync(wasmPath),
    }));
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p.then((b) => b.wasm);
}

async function buildCached(source: string, name: string): Promise<string> {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).update(sdkHash()).digest('hex').slice(0, 24);
  const wasmPath = path.join(fixtureCacheDir, `${name}-${hash}.wasm`);
  if (!fs.existsSync(wasmPath)) {
    const tmp = `${wasmPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    // cache: false: this cache is keyed by content already; no key file beside the temp output.
    const result = await buildAgentSource(source, tmp, { cache: false });
    if (!result.ok) throw new Error(`building ${source} failed:\n${result.diagnostics.map((d) => d.text).join('\n')}`);
    fs.renameSync(tmp, wasmPath); // atomic: parallel test runs never read half a file
  }
  return wasmPath;
}

type Wabt = { parseWat(file: string, text: string): { validate(): void; toBinary(o: object): { buffer: Uint8Array }; destroy(): void } };
let wabt: Promise<Wabt> | undefined;

/**
 * A WAT fixture compiled to wasm: `name` is a path under test/fixtures/agents without `.wat`
 * (e.g. `hostile/infinite-loop`, `wellbehaved/granted`); `.wasm` fixtures (e.g. `hostile/garbage`) are read as is.
 */
export async function watFixture(name: string): Promise<Uint8Array> {
  const base = path.join(fixturesDir, 'agents', name);
  if (fs.existsSync(`${base}.wasm`)) return fs.readFileSync(`${base}.wasm`);
  return watToWasm(`${name}.wat`, fs.readFileSync(`${base}.wat`, 'utf8'));
}

/** WAT text (a fixture's, or one a test generates) compiled to wasm with wabt. */
export async function watToWasm(file: string, text: string): Promise<Uint8Array> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  wabt ??= (require('wabt') as () => Promise<Wabt>)();
  const w = await wabt;
  const mod = w.parseWat(file, text);
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/** The path of a fixture, for error-message assertions. */
export function fixturePath(name: string, ext: '.wat' | '.wasm' = '.wat'): string {
  return path.join(fixturesDir, 'agents', `${name}${ext}`);
}
