// Lint, and make the import boundaries of ../shared/STYLE.md hold mechanically.
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const vscodeAll = { group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*', 'vscode-languageserver', 'vscode-languageserver/*'], message: 'This part must not know VS Code or LSP.' };

export default tseslint.config(
  // .vscode-test/ is e2e staging: code-server, its profiles (local history keeps copies of files the tests edit, broken ones too) and workspace copies.
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '**/*.js', '**/*.mjs', 'examples/**/agents/**', 'runtime/sdk/assembly/**', 'test/fixtures/**', '.vscode-test/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['schemas/**/*.ts'], rules: restrict([{ group: ['../*', 'vscode*', 'ajv*', 'yaml', 'jsonc-parser', 'node:*'], message: 'schemas/ is the contract: it imports nothing.' }]) },
  // Protocol files may use the schema types next door (../trace, ../index), still nothing outside schemas/.
  { files: ['schemas/protocol/**/*.ts'], rules: restrict([{ group: ['../../*', 'vscode*', 'ajv*', 'yaml', 'jsonc-parser', 'node:*'], message: 'schemas/ is the contract: it imports nothing outside schemas/.' }]) },
  {
    files: ['runtime/**/*.ts'],
    ignores: ['runtime/node/**', 'runtime/transport/nats/**', 'runtime/cli/**', 'runtime/host/**', 'runtime/sandbox/worker*/**', 'runtime/sandbox/agentWorker.ts', 'runtime/sandbox/workerPool.ts', 'runtime/build/**'],
    rules: restrict([vscodeAll, { group: ['../../server/*', '../../client/*'], message: 'The runtime knows nothing of the server or client.' }, { group: ['fs', 'node:fs', 'fs/*', 'node:fs/*', 'child_process', 'node:child_process', 'net', 'node:net', 'http', 'node:http'], message: 'Node I/O lives only in runtime/node, runtime/transport/nats, runtime/cli, runtime/host or the worker.' }]),
  },
  {
    files: ['runtime/node/**/*.ts', 'runtime/transport/nats/**/*.ts', 'runtime/cli/**/*.ts', 'runtime/host/**/*.ts', 'runtime/build/**/*.ts'],
    rules: restrict([{ group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'The runtime knows nothing of VS Code.' }, { group: ['../../client/*'], message: 'The runtime knows nothing of the client.' }]),
  },
  {
    files: ['server/service/**/*.ts'],
    rules: restrict([vscodeAll, { group: ['fs', 'node:fs', 'fs/*', 'node:fs/*'], message: 'The language service does no I/O: inject it.' }, { group: ['../../runtime/*', '../../client/*'], message: 'The language service uses only schemas/.' }]),
  },
  {
    files: ['server/*.ts', 'server/handlers/**/*.ts'],
    rules: restrict([{ group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'The server knows nothing of VS Code.' }, { group: ['../runtime/*', '../../runtime/*', '../client/*'], message: 'Server handlers use the service and schemas only.' }]),
  },
  {
    files: ['client/**/*.ts'],
    ignores: ['client/webview/**'],
    rules: restrict([{ group: ['../server/*', '../../server/*'], message: 'The client talks to the server over LSP only.' }, { group: ['../runtime/*/**', '../../runtime/*/**'], message: 'The client uses only the runtime public entry (runtime/index).' }]),
  },
  {
    files: ['client/webview/**/*.ts'],
    rules: restrict([{ group: ['vscode', 'node:*', 'fs', 'path', '**/runtime/**', '**/server/**'], message: 'The webview uses only the DOM and the typed host<->view protocol.' }]),
  },
);
