// Bundles every entry point into dist/. Entries whose source does not exist yet are skipped.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// --outdir=DIR (default dist) and --only=name,name let parallel work build without clobbering dist/.
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const outdir = arg('outdir') ?? 'dist';
const only = arg('only')?.split(',');

// binaryen and assemblyscript are ESM packages with large wasm payloads: load them from node_modules at run time.
// esbuild (bundling TypeScript agents) runs a native binary, and QuickJS loads its .wasm from its package.
const nodeExternal = [
  'vscode',
  'binaryen',
  'assemblyscript',
  'assemblyscript/asc',
  'playwright-core',
  'esbuild',
  'quickjs-emscripten-core',
  '@jitl/quickjs-wasmfile-release-sync',
];

/** @type {Array<{ in: string, out: string, platform: 'node' | 'browser' }>} */
const entries = [
  { in: 'client/extension.ts', out: 'extension', platform: 'node' },
  { in: 'server/main.ts', out: 'server', platform: 'node' },
  { in: 'runtime/cli/main.ts', out: 'cli', platform: 'node' },
  { in: 'runtime/sandbox/agentWorker.ts', out: 'agentWorker', platform: 'node' },
  { in: 'runtime/shard/shardWorker.ts', out: 'shardWorker', platform: 'node' },
  { in: 'runtime/sandbox/prepareWorker.ts', out: 'prepareWorker', platform: 'node' },
  { in: 'runtime/host/main.ts', out: 'runtimeHost', platform: 'node' },
  { in: 'runtime/debug/adapter/main.ts', out: 'debugAdapter', platform: 'node' },
  { in: 'client/webview/main.ts', out: 'webview', platform: 'browser' },
].filter((e) => existsSync(e.in) && (!only || only.includes(e.out)));

mkdirSync(outdir, { recursive: true });

const contexts = await Promise.all(
  entries.map((e) =>
    esbuild.context({
      entryPoints: [{ in: e.in, out: e.out }],
      outdir,
      bundle: true,
      platform: e.platform,
      format: e.platform === 'node' ? 'cjs' : 'iife',
      target: e.platform === 'node' ? 'node20' : 'es2022',
      external: e.platform === 'node' ? nodeExternal : [],
      // jsonc-parser's UMD `main` does dynamic requires esbuild cannot follow; its ESM `module` bundles cleanly.
      mainFields: e.platform === 'node' ? ['module', 'main'] : undefined,
      sourcemap: !production,
      minify: production,
      logLevel: 'warning',
      // Keep `import()` of ESM-only packages as a real dynamic import in the CJS bundle.
      supported: { 'dynamic-import': true },
    }),
  ),
);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

// The inspector's stylesheet as a file beside dist/webview.js, for `caxton inspect` (the runtime may not import
// client/): the view's own styles module, bundled and loaded once here.
if (!only || only.includes('webview')) {
  const tmp = path.join(outdir, 'webviewStyles.cjs');
  await esbuild.build({
    entryPoints: ['client/webview/styles.ts'],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  const { inspectorCss } = createRequire(import.meta.url)(path.resolve(tmp));
  writeFileSync(path.join(outdir, 'webview.css'), inspectorCss);
  rmSync(tmp);
}
