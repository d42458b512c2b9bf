/** The language client: starts dist/server.js over IPC; `caxton.*` settings go with initializationOptions and changes. */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { FILE_PATTERNS, SETTINGS_SECTION } from '../schemas/protocol/lsp';

/** Start the client (resolves once the server is initialized). */
export async function startLanguageClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: Object.values(FILE_PATTERNS).map((pattern) => ({ scheme: 'file', pattern })),
    initializationOptions: { settings: vscode.workspace.getConfiguration(SETTINGS_SECTION) },
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel: output,
  };
  const client = new LanguageClient('caxton', 'Caxton Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
