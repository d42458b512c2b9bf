/**
 * The extension's entry: builds the context (which owns every disposable), registers the command table, the tree
 * view and the CodeLenses, and starts the language client. Everything else lives in ctx.ts and commands/.
 */
import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { commandFactories } from './commands';
import { AGENTS_VIEW, COMMANDS, type CommandName } from './commandIds';
import { CaxtonCodeLenses, CODELENS_SELECTOR } from './codeLens';
import { registerDebugger } from './debugger';

let ctx: Ctx | undefined;

/** Called by VS Code on the activation events of package.json. */
export async function activate(context: vscode.ExtensionContext): Promise<{ ctx: Ctx }> {
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  for (const [name, factory] of Object.entries(commandFactories) as Array<[CommandName, (c: Ctx) => (...a: unknown[]) => unknown]>) {
    ctx.subscriptions.push(vscode.commands.registerCommand(COMMANDS[name], factory(ctx)));
  }
  ctx.subscriptions.push(vscode.window.createTreeView(AGENTS_VIEW, { treeDataProvider: ctx.agents, showCollapseAll: false }));
  ctx.subscriptions.push(vscode.languages.registerCodeLensProvider(CODELENS_SELECTOR, new CaxtonCodeLenses()));
  registerDebugger(ctx);
  await ctx.startLanguageClient();
  // The returned API lets extension tests reach the context.
  return { ctx };
}

export async function deactivate(): Promise<void> {
  const client = ctx?.languageClient;
  ctx = undefined;
  await client?.stop().catch(() => undefined);
}
