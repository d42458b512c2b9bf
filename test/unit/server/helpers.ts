/** Shared helpers for the language-service tests: documents, a workspace with two manifests, deterministic ids. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService, WorkspaceIndex, type LanguageService } from '../../../server/service/languageService';

/** A TextDocument for a path-like name (`m.fipa.json`). */
export function doc(name: string, text: string, version = 1): TextDocument {
  return TextDocument.create(`file:///ws/${name}`, name.endsWith('.json') ? 'json' : 'yaml', version, text);
}

/** Lines joined with \n, so fixtures read like the file. */
export function lines(...ls: string[]): string {
  return ls.join('\n');
}

/** A service with deterministic ids; `agents` declares manifests (none: no workspace knowledge). */
export function service(agents: string[] = [], settings?: { maxContentBytes?: number }): LanguageService {
  let n = 0;
  const ls = getLanguageService({ workspace: new WorkspaceIndex(), newId: (p) => `${p}-${++n}`, settings });
  for (const a of agents) {
    const manifest = doc(
      `agents/${a}.agent.yaml`,
      `name: ${a}\nmodule: ${a}.wasm\nsubscriptions: [topic://events/${a}]\nhost_functions: [subscribe]\n`,
    );
    ls.workspace.update(manifest.uri, ls.indexDocument(manifest));
  }
  return ls;
}

/** [line, character, endLine, endCharacter], 0-based, as in LSP. */
export type Span = [number, number, number, number];
