/**
 * Hardening figures (issue 14; figures only, never assertions): a cached `caxton run` against an uncached one and
 * against `caxton --help` (the floor of starting the CLI), the SDK JSON reader's fuel per character, and topic
 * matching on adversarial patterns against the backtracking matcher it replaced.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadWasmAgent } from '../runtime/sandbox';
import { topicMatches, type MatchMeter } from '../runtime/router/topics';
import { buildExampleAgent } from '../test/support/fixtures';
import { examplesDir, repoRoot } from '../test/support/paths';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cliMs(args: string[], env: Record<string, string>): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'caxton.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  if (r.status !== 0) throw new Error(`caxton ${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - t;
}

function backtracking(p: readonly string[], i: number, t: readonly string[], j: number): boolean {
  for (; i < p.length; i++, j++) {
    if (p[i] === '#') {
      if (i === p.length - 1) return true;
      for (let k = j; k <= t.length; k++) if (backtracking(p, i + 1, t, k)) return true;
      return false;
    }
    if (j >= t.length || (p[i] !== '*' && p[i] !== '+' && p[i] !== t[j])) return false;
  }
  return j === t.length;
}

export async function run(): Promise<void> {
  // 1. The instrumented-module cache.
  const runs = 3;
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-bench-cache-'));
  const target = ['run', path.join(examplesDir, 'calculator')];
  cliMs(target, { CAXTON_CACHE_DIR: cache }); // fills the cache (and builds the agents if needed)
  const cached: number[] = [],
    uncached: number[] = [],
    help: number[] = [];
  for (let i = 0; i < runs; i++) {
    cached.push(cliMs(target, { CAXTON_CACHE_DIR: cache }));
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-bench-empty-'));
    uncached.push(cliMs(target, { CAXTON_CACHE_DIR: empty }));
    fs.rmSync(empty, { recursive: true, force: true });
    help.push(cliMs(['--help'], {}));
  }
  fs.rmSync(cache, { recursive: true, force: true });
  const [c, u, h] = [median(cached), median(uncached), median(help)];
  console.log(
    `caxton run examples/calculator, median of ${runs}: cached ${c.toFixed(0)} ms, uncached (instruments with binaryen) ${u.toFixed(0)} ms (${(u / c).toFixed(1)}x), caxton --help ${h.toFixed(0)} ms; cached run = help + ${(c - h).toFixed(0)} ms`,
  );

  // 2. The SDK's JSON reader, in fuel (deterministic): a string of n characters informed to the calculator.
  const built = await buildExampleAgent('calculator', 'calculator');
  const calc = await loadWasmAgent({ manifest: built.manifest, wasm: built.wasm, limits: { fuelPerMessage: 1e9, timeoutMs: 60_000 } });
  const fuel = async (content: unknown): Promise<number> => {
    const r = await calc.handle({ performative: 'inform', sender: 'bench', receiver: 'calculator', content });
    if (!r.ok) throw new Error(r.error.message);
    return r.usage.fuel;
  };
  const base = await fuel('');
  for (const [what, unit] of [
    ['ASCII', 'x'],
    ['escapes (\\n)', '\n'],
    ['non-ASCII (é)', 'é'],
  ] as const) {
    const f = [await fuel(unit.repeat(1024)), await fuel(unit.repeat(10_240)), await fuel(unit.repeat(102_400))];
    console.log(
      `JSON reader, ${what}: 1 KB ${f[0]}, 10 KB ${f[1]}, 100 KB ${f[2]} fuel; ${((f[2] - base) / 102_400).toFixed(1)} fuel per character over an empty inform (${base})`,
    );
  }
  const twoKb = await fuel('x'.repeat(2048));
  console.log(
    `2 KB inform: ${twoKb} fuel = ${((twoKb / 1e6) * 100).toFixed(1)}% of the calculator's 1M per message (the old reader: about 1.5M, over budget)`,
  );
  await calc.dispose();

  // 3. Topic matching on adversarial patterns: steps and time, linear matcher against the old backtracking one.
  const topic = Array.from({ length: 40 }, (_, i) => `l${i}`);
  for (const hashes of [4, 6]) {
    const pattern = [...Array(hashes).fill('#'), 'nope'];
    const meter: MatchMeter = { steps: 0 };
    let t = performance.now();
    for (let i = 0; i < 1000; i++) topicMatches(pattern, topic, meter);
    const linearUs = ((performance.now() - t) / 1000) * 1000;
    t = performance.now();
    backtracking(pattern, 0, topic, 0);
    const oldMs = performance.now() - t;
    console.log(
      `topic match, ${hashes} '#' then a miss, 40-level topic: ${meter.steps / 1000} steps, ${linearUs.toFixed(1)} µs; backtracking ${oldMs.toFixed(1)} ms (${((oldMs * 1000) / linearUs).toFixed(0)}x)`,
    );
  }
}
