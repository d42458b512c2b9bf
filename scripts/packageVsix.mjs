// Packages the extension as a .vsix holding exactly what the installed extension needs, staged in out/vsix/:
//   package.json, README.md (+ LICENSE if present), dist/{extension,server,runtimeHost,debugAdapter,agentWorker,prepareWorker,shardWorker,webview}.js
//   (production bundles), schemas/*.json (jsonValidation/yamlValidation), runtime/sdk/assembly/ (the AssemblyScript
//   SDK `caxton build` compiles agents against; found by locateSdk walking up from dist/), and dist/node_modules/
//   with the packages the bundles load at run time (binaryen, assemblyscript and their dependencies: esbuild
//   externals because they are ESM with large wasm payloads), pruned of CLIs, typings, maps and docs.
// Usage: node scripts/packageVsix.mjs [--out=caxton-agent-lab.vsix]   (prints the .vsix path and size)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const out = path.resolve(arg('out') ?? path.join(root, 'caxton-agent-lab.vsix'));
const stage = path.join(root, 'out', 'vsix');
/** Bundles the installed extension runs (the CLI is not shipped: users get it from npm). */
const BUNDLES = ['extension', 'server', 'runtimeHost', 'debugAdapter', 'agentWorker', 'prepareWorker', 'shardWorker', 'webview'];
/** Packages the bundles import at run time (esbuild externals in esbuild.mjs, minus vscode and test-only ones). */
// TypeScript/JavaScript agents: esbuild bundles them (with its native binary for this platform), QuickJS runs them.
const ESBUILD_BINARY = `@esbuild/${process.platform}-${process.arch}`;
const RUNTIME_PACKAGES = [
  'binaryen',
  'assemblyscript',
  'esbuild',
  ESBUILD_BINARY,
  'quickjs-emscripten-core',
  '@jitl/quickjs-wasmfile-release-sync',
];
/** Inside those packages, what the runtime never reads: native CLIs, typings, maps, docs. */
const PRUNE = /(^|\/)(bin|README[^/]*|CHANGELOG[^/]*|[^/]+\.d\.ts|[^/]+\.map)$/;
/** Per package, top-level folders the bundled entry points do not read (asc embeds its std library). */
const PRUNE_TOP = { assemblyscript: ['std', 'util', 'lib', 'tsconfig-base.json'] };

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** The folder of `name` as Node resolves it from `fromDir` (walking up node_modules folders). */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} is not installed (needed from ${fromDir}): run \`npm ci\``);
  }
}

/** Copy `name` and its dependencies, keeping node_modules nesting as installed so resolution stays the same. */
function copyPackageTree(name, fromDir, seen) {
  const dir = packageDir(name, fromDir);
  if (seen.has(dir)) return;
  seen.add(dir);
  const target = path.join(stage, 'dist', path.relative(root, dir));
  fs.cpSync(dir, target, {
    recursive: true,
    filter: (f) => {
      const rel = path.relative(dir, f).replace(/\\/g, '/');
      // esbuild's platform package keeps its bin/: that is the bundler itself.
      return (
        rel === '' ||
        (!rel.startsWith('node_modules') &&
          (!PRUNE.test(rel) || (name === ESBUILD_BINARY && rel.startsWith('bin'))) &&
          !(PRUNE_TOP[name] ?? []).includes(rel))
      );
    },
  });
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) copyPackageTree(dep, dir, seen);
}

fs.rmSync(stage, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });
run(
  process.execPath,
  [path.join(root, 'esbuild.mjs'), '--production', `--outdir=${path.join(stage, 'dist')}`, `--only=${BUNDLES.join(',')}`],
  root,
);
for (const b of BUNDLES) {
  if (!fs.existsSync(path.join(stage, 'dist', `${b}.js`))) throw new Error(`esbuild did not produce dist/${b}.js`);
}
const seen = new Set();
for (const p of RUNTIME_PACKAGES) copyPackageTree(p, root, seen);

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
// Scripts, devDependencies and the CLI's bin point at files the .vsix does not hold.
delete manifest.scripts;
delete manifest.devDependencies;
delete manifest.bin;
fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
// Relative links point at repository files the .vsix does not hold (and vsce refuses them without a repository URL):
// keep their text, drop the link.
const readme = fs
  .readFileSync(path.join(root, 'README.md'), 'utf8')
  .replace(/(!?)\[([^\]]*)\]\((?![a-z][a-z0-9+.-]*:|#)[^)]*\)/gi, (_m, image, text) => (image ? '' : text));
fs.writeFileSync(path.join(stage, 'README.md'), readme);
for (const f of ['LICENSE', 'LICENSE.md', 'LICENSE.txt']) {
  if (fs.existsSync(path.join(root, f))) fs.copyFileSync(path.join(root, f), path.join(stage, f));
}
fs.cpSync(path.join(root, 'schemas'), path.join(stage, 'schemas'), {
  recursive: true,
  filter: (f) => fs.statSync(f).isDirectory() || f.endsWith('.json'),
});
fs.cpSync(path.join(root, 'runtime', 'sdk', 'assembly'), path.join(stage, 'runtime', 'sdk', 'assembly'), { recursive: true });
fs.cpSync(path.join(root, 'runtime', 'sdk', 'js'), path.join(stage, 'runtime', 'sdk', 'js'), { recursive: true });
// The stage holds only what ships; this keeps vsce from adding anything else.
fs.writeFileSync(path.join(stage, '.vscodeignore'), '**/*.map\n');

const vsce = path.join(packageDir('@vscode/vsce', root), 'vsce');
const hasLicense = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(stage, f)));
run(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--allow-missing-repository', ...(hasLicense ? [] : ['--skip-license']), '-o', out],
  stage,
);
console.log(`${path.relative(process.cwd(), out) || out}: ${(fs.statSync(out).size / 1e6).toFixed(1)} MB`);
