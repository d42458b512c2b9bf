/** Types of the pure language service: documents are handled in offsets; LSP ranges appear only at the edge. */

/** Which Caxton file a document is. */
export type FileKind = 'message' | 'pipeline' | 'agent' | 'scenario';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A text edit in offsets. */
export interface OffsetEdit { start: number; end: number; newText: string }

/** A quick fix attached to a diagnostic. */
export interface Fix { title: string; edits: OffsetEdit[]; preferred?: boolean }

/** A diagnostic in offsets, before conversion to LSP. */
export interface ServiceDiagnostic {
  start: number;
  end: number;
  severity: Severity;
  /** Stable id, e.g. `unknown-key`, `missing-conversation-id`, `out-of-sequence`. */
  code: string;
  message: string;
  fixes?: Fix[];
}

/** Settings the service reads (normalised by the handler layer). */
export interface ServiceSettings {
  /** Content above this many UTF-8 bytes gets `content-too-large`. */
  maxContentBytes: number;
}

export const DEFAULT_SERVICE_SETTINGS: ServiceSettings = { maxContentBytes: 1024 * 1024 };

/** An LSP-style position/range, used for declarations that live in other documents. */
export interface LineRange { start: { line: number; character: number }; end: { line: number; character: number } }

/** Where an agent is declared: the `name` value of its manifest. */
export interface AgentDeclaration { name: string; uri: string; range: LineRange }

/** A use of an agent name in some file. */
export interface AgentReference { name: string; uri: string; range: LineRange }

/** What one file contributes to workspace knowledge. */
export interface FileIndex { declarations: AgentDeclaration[]; references: AgentReference[]; topics: string[] }
