/** Types of the pure language service: the loaders' types (offsets inside), LSP ranges only at the edge. */
import { DEFAULT_LOAD_SETTINGS } from '../../schemas/load';
import type { LoadSettings, Problem } from '../../schemas/load';

export type {
  FileKind,
  Severity,
  OffsetEdit,
  Fix,
  LineRange,
  AgentDeclaration,
  AgentReference,
  FileIndex,
  FileLookup,
  FileStatus,
} from '../../schemas/load';

/** A diagnostic in offsets, before conversion to LSP: a loader problem. */
export type ServiceDiagnostic = Problem;

/** Settings the service reads (normalised by the handler layer). */
export type ServiceSettings = LoadSettings;

export const DEFAULT_SERVICE_SETTINGS: ServiceSettings = DEFAULT_LOAD_SETTINGS;
