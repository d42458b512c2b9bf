/**
 * The Caxton language service: plain functions over TextDocuments, no I/O and no LSP connection.
 * Works in offsets internally; converts to LSP ranges here, once.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  MarkupKind,
  SymbolKind,
  type CodeAction,
  type CodeActionContext,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { detectFileKind, indexFile, loadText, WorkspaceIndex, type LoadedFile as Analysis } from '../../schemas/load';
import { complete, type CompletionCandidate } from './completion';
import { agentNameAt, hover } from './navigation';
import { documentSymbols, type OffsetSymbol } from './symbols';
import {
  DEFAULT_SERVICE_SETTINGS,
  type FileIndex,
  type FileKind,
  type FileLookup,
  type ServiceDiagnostic,
  type ServiceSettings,
} from './types';

export interface LanguageServiceOptions {
  /** Workspace knowledge (manifests, references, topics), kept up to date by the caller. */
  workspace?: WorkspaceIndex;
  settings?: Partial<ServiceSettings>;
  /** Fresh ids for quick fixes (`conv-…`); injected so tests are deterministic. */
  newId?: (prefix: string) => string;
  /** Other files on disk (a scenario's references, a manifest's module); injected: the service does no I/O. */
  files?: FileLookup;
}

export interface LanguageService {
  configure(settings: Partial<ServiceSettings>): void;
  /** Files on disk changed (created, deleted): redo analyses that looked them up. */
  filesChanged(): void;
  fileKind(uri: string, text: string): FileKind | undefined;
  doValidation(doc: TextDocument): Diagnostic[];
  doComplete(doc: TextDocument, position: Position): CompletionList;
  doHover(doc: TextDocument, position: Position): Hover | null;
  doCodeActions(doc: TextDocument, range: Range, context: CodeActionContext): CodeAction[];
  findDefinition(doc: TextDocument, position: Position): Location[];
  findReferences(doc: TextDocument, position: Position, includeDeclaration: boolean): Location[];
  findDocumentSymbols(doc: TextDocument): DocumentSymbol[];
  /** What a document declares and references, for the workspace index. */
  indexDocument(doc: TextDocument): FileIndex;
  readonly workspace: WorkspaceIndex;
}

const SEVERITY: Record<ServiceDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};
const SYMBOL_KIND: Record<OffsetSymbol['kind'], SymbolKind> = {
  conversation: SymbolKind.Namespace,
  message: SymbolKind.Event,
  pipeline: SymbolKind.Module,
  stage: SymbolKind.Function,
  branch: SymbolKind.Function,
  agent: SymbolKind.Class,
  field: SymbolKind.Property,
  scenario: SymbolKind.Module,
};
const COMPLETION_KIND: Record<CompletionCandidate['kind'], CompletionItemKind> = {
  key: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  agent: CompletionItemKind.Reference,
  protocol: CompletionItemKind.Module,
  topic: CompletionItemKind.Event,
};

function randomId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Creates a language service; everything it knows of the workspace comes in through `options.workspace`. */
export function getLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const workspace = options.workspace ?? new WorkspaceIndex();
  let settings: ServiceSettings = { ...DEFAULT_SERVICE_SETTINGS, ...options.settings };
  let settingsGeneration = 0;
  const newId = options.newId ?? randomId;
  const cache = new Map<string, { text: string; key: string; analysis: Analysis }>();

  let filesGeneration = 0;
  function analysisOf(doc: TextDocument): Analysis {
    const text = doc.getText();
    const key = `${doc.version}:${workspace.generation}:${settingsGeneration}:${filesGeneration}`;
    const hit = cache.get(doc.uri);
    if (hit && hit.key === key && hit.text === text) return hit.analysis;
    const analysis = loadText(doc.uri, text, { settings, agents: workspace, files: options.files, newId });
    if (cache.size > 50) cache.delete(cache.keys().next().value as string);
    cache.set(doc.uri, { text, key, analysis });
    return analysis;
  }
  const range = (doc: TextDocument, start: number, end: number): Range => ({ start: doc.positionAt(start), end: doc.positionAt(end) });

  function toDiagnostic(doc: TextDocument, d: ServiceDiagnostic): Diagnostic {
    return { range: range(doc, d.start, d.end), severity: SEVERITY[d.severity], code: d.code, source: 'caxton', message: d.message };
  }

  function toSymbol(doc: TextDocument, s: OffsetSymbol): DocumentSymbol {
    const r = range(doc, s.start, Math.max(s.end, s.selEnd));
    const sel = range(doc, Math.max(s.selStart, s.start), Math.min(Math.max(s.selEnd, s.selStart), Math.max(s.end, s.selEnd)));
    return {
      name: s.name || '?',
      detail: s.detail,
      kind: SYMBOL_KIND[s.kind],
      range: r,
      selectionRange: sel,
      children: s.children.map((c) => toSymbol(doc, c)),
    };
  }

  return {
    workspace,
    configure(next) {
      settings = { ...settings, ...next };
      settingsGeneration++;
    },
    filesChanged() {
      filesGeneration++;
    },
    fileKind: detectFileKind,
    doValidation(doc) {
      return analysisOf(doc).problems.map((d) => toDiagnostic(doc, d));
    },
    doComplete(doc, position) {
      const items = complete(analysisOf(doc), doc.offsetAt(position), workspace).map((c) => ({
        label: c.label,
        kind: COMPLETION_KIND[c.kind],
        detail: c.detail,
        documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
        textEdit: { range: range(doc, c.start, c.end), newText: c.newText },
        filterText: c.newText,
      }));
      return { isIncomplete: false, items };
    },
    doHover(doc, position) {
      const h = hover(analysisOf(doc), doc.offsetAt(position), workspace);
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: range(doc, h.start, h.end) } : null;
    },
    doCodeActions(doc, r, context) {
      const a = analysisOf(doc);
      const wanted = context.diagnostics.filter((d) => d.source === undefined || d.source === 'caxton');
      const actions: CodeAction[] = [];
      for (const d of a.problems) {
        if (!d.fixes?.length) continue;
        const lsp = toDiagnostic(doc, d);
        // By line, not column: clients count columns differently (Neovim 0.7 sends byte columns), so a fix is
        // matched to the client's diagnostic by code and overlapping lines, and offered where the lines meet.
        if (!linesOverlap(lsp.range, r)) continue;
        if (context.diagnostics.length && !wanted.some((w) => String(w.code) === d.code && linesOverlap(w.range, lsp.range))) continue;
        for (const f of d.fixes) {
          actions.push({
            title: f.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [lsp],
            isPreferred: f.preferred,
            edit: { changes: { [doc.uri]: f.edits.map((e) => ({ range: range(doc, e.start, e.end), newText: e.newText })) } },
          });
        }
      }
      return actions;
    },
    findDefinition(doc, position) {
      const hit = agentNameAt(analysisOf(doc), doc.offsetAt(position));
      return hit ? workspace.findAgent(hit.name).map((d) => ({ uri: d.uri, range: d.range })) : [];
    },
    findReferences(doc, position, includeDeclaration) {
      const hit = agentNameAt(analysisOf(doc), doc.offsetAt(position));
      if (!hit) return [];
      const refs = workspace.references(hit.name).map((r) => ({ uri: r.uri, range: r.range }));
      const decls = includeDeclaration ? workspace.findAgent(hit.name).map((d) => ({ uri: d.uri, range: d.range })) : [];
      return [...decls, ...refs];
    },
    findDocumentSymbols(doc) {
      return documentSymbols(analysisOf(doc)).map((s) => toSymbol(doc, s));
    },
    indexDocument(doc) {
      return indexFile(analysisOf(doc), (s, e) => range(doc, s, e));
    },
  };
}

/** Whether two ranges share a line. */
function linesOverlap(a: Range, b: Range): boolean {
  return a.start.line <= b.end.line && b.start.line <= a.end.line;
}

export { WorkspaceIndex };
export type { FileIndex, FileKind, ServiceSettings };
