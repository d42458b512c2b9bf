/** CodeLenses: "Send" above each message of a *.fipa.json, "Run pipeline" / "Run scenario" on top of those YAML files. */
import * as vscode from 'vscode';
import { findMessages } from '../schemas/load/messageLocations';
import { COMMANDS } from './commandIds';

export class CaxtonCodeLenses implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const name = doc.uri.path;
    const top = new vscode.Range(0, 0, 0, 0);
    if (/\.pipeline\.ya?ml$/.test(name))
      return [new vscode.CodeLens(top, { title: '▶ Run pipeline', command: COMMANDS.runPipeline, arguments: [doc.uri] })];
    if (/\.scenario\.ya?ml$/.test(name))
      return [new vscode.CodeLens(top, { title: '▶ Run scenario', command: COMMANDS.runScenario, arguments: [doc.uri] })];
    if (!name.endsWith('.fipa.json')) return [];
    return findMessages(doc.getText())
      .filter((m) => m.message)
      .map((m) => {
        const at = doc.positionAt(m.offset);
        return new vscode.CodeLens(new vscode.Range(at, at), {
          title: `▶ Send ${m.message!.performative} to ${[m.message!.receiver].flat().join(', ')}`,
          command: COMMANDS.sendMessage,
          arguments: [doc.uri, m.index],
        });
      });
  }
}

/** The documents the lenses apply to. */
export const CODELENS_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.fipa.json' },
  { scheme: 'file', pattern: '**/*.pipeline.{yaml,yml}' },
  { scheme: 'file', pattern: '**/*.scenario.{yaml,yml}' },
];
