/**
 * How much the fuzz suites generate: a fixed CI budget with a fixed seed (reproducible runs), or a longer run
 * with CAXTON_FUZZ_RUNS=200000 (then a fresh random seed unless CAXTON_FUZZ_SEED is set). Every failure prints
 * the seed and path fast-check needs to replay it.
 */

/** Generated inputs per CI run for the language-service suite (at least 10,000 in total). */
export const DEFAULT_LS_RUNS = 10_400;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${raw} is not a non-negative integer; e.g. ${name}=200000`);
  return n;
}

/** The total number of inputs to generate: CAXTON_FUZZ_RUNS, else `fallback`. */
export function fuzzRuns(fallback: number): number {
  return envInt('CAXTON_FUZZ_RUNS') ?? fallback;
}

/** Whether this is the long mode (CAXTON_FUZZ_RUNS given). */
export function longMode(): boolean {
  return envInt('CAXTON_FUZZ_RUNS') !== undefined;
}

/** The fast-check seed: CAXTON_FUZZ_SEED, else fixed in CI, random in the long mode. */
export function fuzzSeed(): number {
  const given = envInt('CAXTON_FUZZ_SEED');
  if (given !== undefined) return given;
  return longMode() ? Math.floor(Math.random() * 0x7fffffff) : 0x5ec0de;
}

/** Share `total` across weighted parts, each at least 1 (the sum is >= total). */
export function split(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.max(1, Math.ceil((total * w) / sum)));
}
