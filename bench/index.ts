/**
 * Runs every benchmark in bench/ (each file `*.bench.ts` exports `run()`), or those named on the command line:
 *   npm run bench                 # all
 *   npm run bench -- router sandbox
 * Benchmarks print figures and ratios; they never fail a build on timing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)))
    .sort();
  if (!files.length) {
    console.error(
      `no benchmark matches ${wanted.join(', ')}; have: ${fs
        .readdirSync(__dirname)
        .filter((f) => f.endsWith('.bench.js'))
        .join(', ')}`,
    );
    process.exitCode = 2;
    return;
  }
  for (const f of files) {
    console.log(`\n=== ${f.replace(/\.bench\.js$/, '')} ===`);
    const mod = (await import(path.join(__dirname, f))) as { run?: () => Promise<void> };
    if (typeof mod.run !== 'function') {
      console.log('(no run() export)');
      continue;
    }
    await mod.run();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
