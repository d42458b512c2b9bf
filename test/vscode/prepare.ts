/**
 * Staging for real-VS-Code runs: the extension as VS Code would install it (package.json, dist/, schemas) and a
 * workspace copied from examples/calculator plus message files. Both live under .vscode-test/ (gitignored). The .vsix run
 * (run.ts) instead installs the packaged extension and uses a workspace outside the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { distDir, examplesDir, repoRoot } from '../support/paths';

export const vscodeTestDir = path.join(repoRoot, '.vscode-test');

/** Copy the extension (manifest, bundles, schemas) to .vscode-test/extension; returns its path. */
export function prepareExtension(): string {
  const ext = path.join(vscodeTestDir, 'extension');
  fs.rmSync(ext, { recursive: true, force: true });
  fs.mkdirSync(path.join(ext, 'dist'), { recursive: true });
  for (const bundle of [
    'extension.js',
    'server.js',
    'runtimeHost.js',
    'debugAdapter.js',
    'agentWorker.js',
    'prepareWorker.js',
    'shardWorker.js',
    'webview.js',
  ]) {
    const from = path.join(distDir, bundle);
    if (!fs.existsSync(from)) throw new Error(`${from} is missing: run \`node esbuild.mjs\` first (or set CAXTON_DIST)`);
    fs.copyFileSync(from, path.join(ext, 'dist', bundle));
  }
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(ext, 'package.json'));
  fs.cpSync(path.join(repoRoot, 'schemas'), path.join(ext, 'schemas'), {
    recursive: true,
    filter: (f) => fs.statSync(f).isDirectory() || f.endsWith('.json'),
  });
  return ext;
}

export const ADD_MESSAGE = {
  performative: 'request',
  sender: 'user',
  receiver: 'calculator',
  protocol: 'fipa-request',
  conversation_id: 'vscode-add',
  reply_with: 'vq1',
  content: { action: 'calculate', x: 10, y: 20 },
};

/**
 * A fresh workspace: examples/calculator, plus messages/add.fipa.json (valid) and messages/broken.fipa.json (not).
 * `dir` defaults to .vscode-test/workspace; `pristine` drops built agents (agents/build) so a run must build them, and
 * adds examples/broken's message files under broken/.
 */
export function prepareWorkspace(opts: { dir?: string; pristine?: boolean } = {}): string {
  const ws = opts.dir ?? path.join(vscodeTestDir, 'workspace');
  fs.rmSync(ws, { recursive: true, force: true });
  fs.cpSync(path.join(examplesDir, 'calculator'), ws, { recursive: true, filter: (f) => !(opts.pristine && path.basename(f) === 'build') });
  fs.mkdirSync(path.join(ws, 'messages'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'messages', 'add.fipa.json'), `${JSON.stringify(ADD_MESSAGE, null, 2)}\n`);
  fs.writeFileSync(
    path.join(ws, 'messages', 'broken.fipa.json'),
    '{\n  "performative": "acept_proposal",\n  "sender": "user",\n  "receiver": "calculator",\n  "colour": 1\n}\n',
  );
  if (opts.pristine) {
    fs.mkdirSync(path.join(ws, 'broken'), { recursive: true });
    for (const f of fs.readdirSync(path.join(examplesDir, 'broken')).filter((n) => n.endsWith('.fipa.json')))
      fs.copyFileSync(path.join(examplesDir, 'broken', f), path.join(ws, 'broken', f));
  }
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'caxton.runtime.traceDir': '' }, null, 2));
  return ws;
}
