// Lint, and make the import boundaries of ../shared/STYLE.md hold mechanically.
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const vscodeAll = {
  group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*', 'vscode-languageserver', 'vscode-languageserver/*'],
  message: 'This part must not know VS Code or LSP.',
};

export default tseslint.config(
  // .vscode-test/ is e2e staging: code-server, its profiles (local history keeps copies of files the tests edit, broken ones too) and workspace copies.
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      '**/*.js',
      '**/*.mjs',
      'examples/**/agents/**',
      'runtime/sdk/assembly/**',
      'test/fixtures/**',
      'schemas/load/compiledValidators.ts',
      '.vscode-test/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The same boundaries hold for the compiler: one tsconfig per part (tsconfig.json's references), see docs/files.md.
  {
    files: ['schemas/*.ts'],
    rules: restrict([
      {
        group: ['../*', './load', './load/*', 'vscode*', 'ajv*', 'yaml', 'jsonc-parser', 'node:*', 'fs', 'path'],
        message: 'schemas/ is the contract: it imports nothing (the loaders in schemas/load build on it, not the reverse).',
      },
    ]),
  },
  // Protocol files may use the schema types next door (../trace, ../index, ../limits), still nothing outside schemas/.
  {
    files: ['schemas/protocol/**/*.ts'],
    rules: restrict([
      {
        group: ['../../*', '../load', '../load/*', 'vscode*', 'ajv*', 'yaml', 'jsonc-parser', 'node:*'],
        message: 'schemas/ is the contract: it imports nothing outside schemas/.',
      },
    ]),
  },
  // The loaders: pure (text in, problems and values out); the parsers and ajv, never Node I/O or another part.
  {
    files: ['schemas/load/*.ts'],
    rules: restrict([
      {
        group: ['../../*', 'vscode*', 'node:*', 'fs', 'fs/*', 'path', 'child_process'],
        message: 'The loaders are pure: what they know of other files is injected (FileLookup, AgentDirectory).',
      },
    ]),
  },
  {
    files: ['schemas/load/rules/**/*.ts'],
    rules: restrict([
      {
        group: ['../../../*', 'vscode*', 'node:*', 'fs', 'fs/*', 'path', 'child_process'],
        message: 'The loaders are pure: what they know of other files is injected (FileLookup, AgentDirectory).',
      },
    ]),
  },
  // Node I/O every Node part shares: the workspace-path guard and the file walk. It knows schemas/ only.
  {
    files: ['platform/**/*.ts'],
    rules: restrict([
      vscodeAll,
      { group: ['../runtime/*', '../server/*', '../client/*'], message: 'platform/ sits below the runtime, the server and the client.' },
    ]),
  },
  {
    files: ['runtime/**/*.ts'],
    ignores: [
      'runtime/node/**',
      'runtime/transport/nats/**',
      'runtime/cli/**',
      'runtime/host/**',
      'runtime/debug/adapter/**',
      'runtime/sandbox/worker*/**',
      'runtime/sandbox/agentWorker.ts',
      'runtime/sandbox/workerPool.ts',
      'runtime/shard/shardGroup.ts',
      'runtime/shard/shardWorker.ts',
      'runtime/build/**',
    ],
    rules: restrict([
      vscodeAll,
      {
        group: ['../../server/*', '../../client/*', '../../platform/*'],
        message: 'The runtime core knows nothing of the server or client, and does no I/O (platform/ is for runtime/node, cli, host).',
      },
      {
        group: ['fs', 'node:fs', 'fs/*', 'node:fs/*', 'child_process', 'node:child_process', 'net', 'node:net', 'http', 'node:http'],
        message: 'Node I/O lives only in runtime/node, runtime/transport/nats, runtime/cli, runtime/host or the worker.',
      },
    ]),
  },
  {
    files: [
      'runtime/node/**/*.ts',
      'runtime/transport/nats/**/*.ts',
      'runtime/cli/**/*.ts',
      'runtime/build/**/*.ts',
      'runtime/debug/adapter/**/*.ts',
    ],
    rules: restrict([
      { group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'The runtime knows nothing of VS Code.' },
      { group: ['../../client/*'], message: 'The runtime knows nothing of the client.' },
    ]),
  },
  {
    // The runtime host embeds the runtime through its public entry only (runtime/index.ts).
    files: ['runtime/host/**/*.ts'],
    rules: restrict([
      { group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'The runtime knows nothing of VS Code.' },
      {
        group: [
          '../build',
          '../cli',
          '../conversations',
          '../core',
          '../node',
          '../protocols',
          '../resilience',
          '../router',
          '../sandbox',
          '../trace',
          '../workflow',
          '../runtime',
          '../../client/*',
          '../../server/*',
          '../../platform/*',
        ],
        message: 'The runtime host uses the runtime public entry (../index) only.',
      },
    ]),
  },
  {
    files: ['server/service/**/*.ts'],
    rules: restrict([
      vscodeAll,
      { group: ['fs', 'node:fs', 'fs/*', 'node:fs/*', 'node:*'], message: 'The language service does no I/O: inject it.' },
      {
        group: ['../../runtime/*', '../../client/*', '../../platform/*'],
        message: 'The language service uses only schemas/ (and schemas/load).',
      },
    ]),
  },
  {
    files: ['server/*.ts', 'server/handlers/**/*.ts'],
    rules: restrict([
      { group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'The server knows nothing of VS Code.' },
      { group: ['../runtime/*', '../../runtime/*', '../client/*'], message: 'Server handlers use the service and schemas only.' },
    ]),
  },
  {
    files: ['client/**/*.ts'],
    ignores: ['client/webview/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../server/*', '../../server/*'], message: 'The client talks to the server over LSP only.' },
            {
              group: ['../runtime/*', '../../runtime/*', '../platform/*', '../../platform/*'],
              message: 'The client talks to the runtime host over JSON-RPC (schemas/protocol/runtimeHost.ts) only.',
            },
          ],
          paths: ['../schemas/load', '../../schemas/load'].map((name) => ({
            name,
            message:
              'Import the one module you need from schemas/load (e.g. schemas/load/traceJsonl), not its index: the extension bundle must not pull in the loaders.',
          })),
        },
      ],
    },
  },
  {
    files: ['client/webview/**/*.ts'],
    rules: restrict([
      {
        group: ['vscode', 'node:*', 'fs', 'path', '**/runtime/**', '**/server/**'],
        message: 'The webview uses only the DOM and the typed host<->view protocol.',
      },
    ]),
  },
);
