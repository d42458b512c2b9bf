/**
 * The runtime host process (dist/runtimeHost.js): the extension spawns it so agents run outside the editor's
 * extension host. Speaks schemas/protocol/runtimeHost.ts over Node IPC (`--node-ipc`, default) or `--stdio`.
 */
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { serveRuntimeHost } from './hostServer';
import { createSessionBackend } from './sessionBackend';
import { diskModuleCache, setModuleCache } from '../index';

const stdio = process.argv.includes('--stdio');
if (!stdio && !process.send) {
  process.stderr.write('caxton runtime host: start me from the extension (Node IPC), or pass --stdio\n');
  process.exit(2);
}
const connection = stdio
  ? createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout))
  : createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
// Under --stdio, stdout carries the protocol: anything logged must go to stderr.
if (stdio) console.log = (...args: unknown[]) => process.stderr.write(`${args.join(' ')}\n`);
// Instrumented modules are kept between sessions: a cached start never loads binaryen.
setModuleCache(diskModuleCache());
serveRuntimeHost(connection, createSessionBackend);
connection.onClose(() => process.exit(0));
// When the editor goes away, so do we (and our agents' workers with us).
process.on('disconnect', () => process.exit(0));
connection.listen();
