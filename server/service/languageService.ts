/**
 * The Caxton language service: plain functions over TextDocuments, no I/O and no LSP connection.
 * Works in offsets internally; converts to LSP ranges here, once.
 */
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, MarkupKind, SymbolKind,
  type CodeAction, type CodeActionContext, type CompletionList, type Diagnostic, type DocumentSymbol, type Hover,
  type Location, type Position, type Range,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from './analyze';
import { complete } from './completion';
import { detectFileKind } from './fileKind';
import { agentNameAt, hover, indexFile } from './navigation';
import { documentSymbols, type OffsetSymbol } from './symbols';
import { DEFAULT_SERVICE_SETTINGS, type FileIndex, type FileKind, type ServiceDiagnostic, type ServiceSettings } from './types';
import { WorkspaceIndex } from './workspaceIndex';

export interface LanguageServiceOptions {
  /** Workspace knowledge (manifests, references, topics), kept up to date by the caller. */
  workspace?: WorkspaceIndex;
  settings?: Partial<ServiceSettings>;
  /** Fresh ids for quick fixes (`conv-…`); injected so tests are deterministic. */
  newId?: (prefix: string) => string;
}

export interface LanguageService {
  configure(settings: Partial<ServiceSettings>): void;
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
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};
const SYMBOL_KIND: Record<OffsetSymbol['kind'], SymbolKind> = {
  conversation: SymbolKind.Namespace, message: SymbolKind.Event, pipeline: SymbolKind.Module, stage: SymbolKind.Function,
  branch: SymbolKind.Function, agent: SymbolKind.Class, field: SymbolKind.Property, scenario: SymbolKind.Module,
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

  function analysisOf(doc: TextDocument): Analysis {
    const text = doc.getText();
    const key = `${doc.version}:${workspace.generation}:${settingsGeneration}`;
    const hit = cache.get(doc.uri);
    if (hit && hit.key === key && hit.text === text) return hit.analysis;
    const analysis = analyze(doc.uri, text, { settings, workspace, newId });
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
    return { name: s.name || '?', detail: s.detail, kind: SYMBOL_KIND[s.kind], range: r, selectionRange: sel, children: s.children.map((c) => toSymbol(doc, c)) };
  }

  return {
    workspace,
    configure(next) {
      settings = { ...settings, ...next };
      settingsGeneration++;
    },
    fileKind: detectFileKind,
    doValidation(doc) {
      return analysisOf(doc).diagnostics.map((d) => toDiagnostic(doc, d));
    },
    doComplete(doc, position) {
      const items = complete(analysisOf(doc), doc.offsetAt(position), workspace).map((c) => ({
        label: c.label,
        kind: { key: CompletionItemKind.Property, value: CompletionItemKind.EnumMember, agent: CompletionItemKind.Reference, protocol: CompletionItemKind.Module, topic: CompletionItemKind.Event }[c.kind],
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
      const start = doc.offsetAt(r.start);
      const end = doc.offsetAt(r.end);
      const wanted = context.diagnostics.filter((d) => d.source === 'caxton');
      const actions: CodeAction[] = [];
      for (const d of a.diagnostics) {
        if (!d.fixes?.length || d.end < start || d.start > end) continue;
        const lsp = toDiagnostic(doc, d);
        if (context.diagnostics.length && !wanted.some((w) => w.code === d.code && w.range.start.line === lsp.range.start.line && w.range.start.character === lsp.range.start.character)) continue;
        for (const f of d.fixes) {
          actions.push({
            title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [lsp], isPreferred: f.preferred,
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
      return indexFile(analysisOf(doc), doc.uri, (s, e) => range(doc, s, e));
    },
  };
}

export { WorkspaceIndex };
export type { FileIndex, FileKind, ServiceSettings };
