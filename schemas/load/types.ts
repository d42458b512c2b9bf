/** Types of the loaders: documents are handled in offsets; line/column (LSP or file:line:col) only at the edges. */

/** Which Caxton file a document is. */
export type FileKind = 'message' | 'pipeline' | 'agent' | 'scenario';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A text edit in offsets. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** A quick fix attached to a problem. */
export interface Fix {
  title: string;
  edits: OffsetEdit[];
  preferred?: boolean;
}

/** One problem in a file, in offsets: the editor shows it as a diagnostic, the runtime prints it as file:line:col. */
export interface Problem {
  start: number;
  end: number;
  severity: Severity;
  /** Stable id, e.g. `unknown-key`, `missing-conversation-id`, `out-of-sequence`. */
  code: string;
  message: string;
  fixes?: Fix[];
}

/** Settings the rules read (the language server takes them from the editor; the runtime uses the defaults). */
export interface LoadSettings {
  /** Content above this many UTF-8 bytes gets `content-too-large`. */
  maxContentBytes: number;
}

/** An LSP-style position/range (0-based line, UTF-16 character), used for declarations in other files. */
export interface LineRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Where an agent is declared: the `name` value of its manifest. */
export interface AgentDeclaration {
  name: string;
  uri: string;
  range: LineRange;
}

/** A use of an agent name in some file. */
export interface AgentReference {
  name: string;
  uri: string;
  range: LineRange;
}

/** What one file contributes to workspace knowledge. */
export interface FileIndex {
  declarations: AgentDeclaration[];
  references: AgentReference[];
  topics: string[];
}

/** What the rules may ask of the workspace's agents (a WorkspaceIndex, or the runtime's loaded manifests). */
export interface AgentDirectory {
  /** Every declared agent name, sorted. */
  agentNames(): string[];
  /** Where an agent is declared (several manifests may claim a name). */
  findAgent(name: string): AgentDeclaration[];
}

/** What a file reference (a scenario's message file, pipeline or manifest) resolves to. */
export type FileStatus =
  | { status: 'file'; uri: string }
  | { status: 'missing'; uri: string; candidates: string[] }
  /** Outside the folder, not a regular file, or too large: `reason` says which and the fix. */
  | { status: 'refused'; uri: string; reason: string };

/**
 * Injected file knowledge (the loaders do no I/O): resolves `ref` relative to the folder of `fromUri`, refusing what
 * leaves `within` (the file's own folder, or the workspace: the folder the runtime loads, the editor's folder).
 */
export interface FileLookup {
  resolve(fromUri: string, ref: string, kind: FileKind | 'module', within: 'folder' | 'workspace'): FileStatus;
}
