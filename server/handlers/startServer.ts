/**
 * The thin LSP layer: owns the connection, open documents, settings, debouncing and the workspace scan;
 * everything it answers comes from the pure language service.
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DEFAULT_SETTINGS,
  FILE_PATTERNS,
  LSP_METHODS,
  SERVER_COMMANDS,
  SETTINGS_SECTION,
  type CaxtonSettings,
  type WorkspaceIndexedParams,
} from '../../schemas/protocol/lsp';
import { getLanguageService } from '../service/languageService';
import { kindFromName, WorkspaceIndex } from '../../schemas/load';
import { createFileLookup } from '../../platform/fileLookup';
import { findCaxtonFiles } from '../../platform/findFiles';
import { escapes, readWorkspaceFile } from '../../platform/workspaceFile';
import { normalizeSettings } from './settings';

/** Files above this size are not read for the workspace index (they still validate when opened). */
const MAX_INDEX_BYTES = 2 * 1024 * 1024;

/**
 * The service's LSP types come from the hoisted vscode-languageserver-types 3.18 and the connection's from the
 * 3.17 copy nested in vscode-languageserver-protocol; the JSON is identical, only the declarations differ.
 */
function asProtocol<T>(value: unknown): T {
  return value as T;
}

/** Wires the language service to an LSP connection and starts listening. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new WorkspaceIndex();
  let roots: string[] = [];
  /** The workspace folder holding a file (the innermost), else the file's own folder: references must stay in it. */
  const rootOf = (file: string): string =>
    roots.filter((r) => !escapes(r, file)).sort((a, b) => b.length - a.length)[0] ?? path.dirname(file);
  const service = getLanguageService({ workspace, files: createFileLookup(rootOf) });
  let settings: CaxtonSettings = DEFAULT_SETTINGS;
  let hasConfiguration = false;
  let canWatchFiles = false;
  const timers = new Map<string, NodeJS.Timeout>();
  /** Open documents edited since they were last indexed: indexed when their debounce fires, not per keystroke. */
  const unindexed = new Set<string>();

  const safely = <T>(what: string, fallback: T, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      connection.console.error(`caxton: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };

  function applySettings(next: CaxtonSettings): void {
    settings = next;
    service.configure({ maxContentBytes: settings.maxContentBytes });
  }

  function validateNow(doc: TextDocument): void {
    const recognised = !!service.fileKind(doc.uri, doc.getText());
    const diagnostics = settings.validation.enable && recognised ? safely('validation', [], () => service.doValidation(doc)) : [];
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: asProtocol(diagnostics) });
  }

  function schedule(doc: TextDocument): void {
    clearTimeout(timers.get(doc.uri));
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (!current) return;
        // Indexing loads the file (parse, schema, rules); validateNow then reuses that analysis.
        if (unindexed.delete(doc.uri)) indexOpen(current);
        validateNow(current);
      }, settings.validation.debounceMs),
    );
  }

  function indexOpen(doc: TextDocument): void {
    if (!service.fileKind(doc.uri, doc.getText())) return;
    const before = workspace.generation;
    safely('indexing', undefined, () => workspace.update(doc.uri, service.indexDocument(doc)));
    // A manifest's name changed: other open files' unknown-agent diagnostics may change with it.
    if (workspace.generation !== before) for (const other of documents.all()) if (other.uri !== doc.uri) schedule(other);
  }

  async function indexFromDisk(file: string): Promise<void> {
    const uri = pathToFileURL(file).href;
    if (documents.get(uri)) return; // the open editor's text wins over the disk
    // Through the workspace-path guard: a FIFO, a folder or a huge file named *.agent.yaml is skipped, never read.
    const read = readWorkspaceFile(rootOf(file), file, { maxBytes: MAX_INDEX_BYTES });
    if (read.ok) workspace.update(uri, service.indexDocument(TextDocument.create(uri, 'plaintext', 0, read.text)));
    else workspace.remove(uri);
  }

  /** Index every Caxton file of the workspace folders again (also `caxton.server.revalidate`, for clients without file watching). */
  async function scanWorkspace(): Promise<WorkspaceIndexedParams> {
    const files = findCaxtonFiles(roots);
    const found = new Set(files.map((f) => pathToFileURL(f).href));
    for (const f of files) await indexFromDisk(f);
    // Files gone since the last scan (deleted while no watcher told us) leave the index too.
    for (const uri of workspace.uris()) if (!found.has(uri) && !documents.get(uri) && uri.startsWith('file:')) workspace.remove(uri);
    service.filesChanged();
    for (const doc of documents.all()) schedule(doc);
    const result = { agents: workspace.agentNames(), files: workspace.size, topics: workspace.topics() };
    void connection.sendNotification(LSP_METHODS.workspaceIndexed, result);
    return result;
  }

  async function pullSettings(): Promise<void> {
    if (!hasConfiguration) return;
    try {
      applySettings(normalizeSettings(await connection.workspace.getConfiguration(SETTINGS_SECTION)));
    } catch {
      // A client that advertises configuration but fails the request keeps the current settings.
    }
  }

  connection.onInitialize((params): InitializeResult => {
    hasConfiguration = !!params.capabilities.workspace?.configuration;
    canWatchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    if (init?.settings) applySettings(normalizeSettings(init.settings));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', ':', ' ', '/'] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        executeCommandProvider: { commands: [SERVER_COMMANDS.revalidate] },
      },
      serverInfo: { name: 'caxton-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (hasConfiguration)
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
    if (canWatchFiles) {
      // Manifests edited outside the editor (git checkout, a build) must reach the index too.
      const watchers = Object.values(FILE_PATTERNS).map((globPattern) => ({ globPattern }));
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => undefined);
    }
    await pullSettings();
    await scanWorkspace();
  });

  connection.onDidChangeConfiguration(async (change) => {
    if (hasConfiguration) await pullSettings();
    else applySettings(normalizeSettings((change.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION]));
    for (const doc of documents.all()) schedule(doc);
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    for (const c of changes) {
      if (!c.uri.startsWith('file:')) continue;
      const file = fileURLToPath(c.uri);
      if (!kindFromName(file)) continue;
      if (c.type === FileChangeType.Deleted) workspace.remove(c.uri);
      else await indexFromDisk(file);
    }
    service.filesChanged();
    for (const doc of documents.all()) schedule(doc);
  });

  documents.onDidOpen(({ document }) => {
    indexOpen(document);
    schedule(document);
  });
  documents.onDidChangeContent(({ document }) => {
    unindexed.add(document.uri);
    schedule(document);
  });
  documents.onDidClose(({ document }) => {
    clearTimeout(timers.get(document.uri));
    timers.delete(document.uri);
    unindexed.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    if (document.uri.startsWith('file:')) void indexFromDisk(fileURLToPath(document.uri));
    else workspace.remove(document.uri);
  });

  const withDoc = <T>(uri: string, fallback: T, what: string, f: (doc: TextDocument) => T): T => {
    const doc = documents.get(uri);
    return doc ? safely(what, fallback, () => f(doc)) : fallback;
  };
  connection.onCompletion((p) => withDoc(p.textDocument.uri, null, 'completion', (d) => service.doComplete(d, p.position)));
  connection.onHover((p) => withDoc(p.textDocument.uri, null, 'hover', (d) => service.doHover(d, p.position)));
  connection.onCodeAction((p) =>
    withDoc(p.textDocument.uri, [], 'code actions', (d) => asProtocol(service.doCodeActions(d, p.range, p.context as never))),
  );
  connection.onDefinition((p) => withDoc(p.textDocument.uri, [], 'definition', (d) => service.findDefinition(d, p.position)));
  connection.onReferences((p) =>
    withDoc(p.textDocument.uri, [], 'references', (d) => service.findReferences(d, p.position, p.context.includeDeclaration)),
  );
  connection.onDocumentSymbol((p) => withDoc(p.textDocument.uri, [], 'symbols', (d) => service.findDocumentSymbols(d)));
  connection.onRequest(LSP_METHODS.rescanWorkspace, () => scanWorkspace());
  connection.onExecuteCommand(async (p) => {
    if (p.command !== SERVER_COMMANDS.revalidate) return;
    // Rescan first: a client without file watching learns of new, changed and deleted files only here.
    await scanWorkspace();
    for (const doc of documents.all()) validateNow(doc);
  });

  documents.listen(connection);
  connection.listen();
}
