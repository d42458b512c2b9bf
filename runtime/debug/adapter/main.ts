/**
 * The Caxton debug adapter's entry (dist/debugAdapter.js): DAP over stdin/stdout. VS Code starts it for launch type
 * `caxton` (client/debug); any DAP client can (`node dist/debugAdapter.js`).
 */
import { DebugSession } from '@vscode/debugadapter';
import { CaxtonDebugSession } from './caxtonDebugSession';

DebugSession.run(CaxtonDebugSession);
