/**
 * Everything the Caxton language server and its clients agree on beyond standard LSP, declared once:
 * settings, custom methods and command ids. Imports only the limits module, so client, server and tests share it.
 */
import { LIMITS } from '../limits';

/** The configuration section the server reads (`workspace/configuration` with `section: 'caxton'`). */
export const SETTINGS_SECTION = 'caxton';

/** Settings under `caxton.*`, as the user writes them. */
export interface CaxtonSettings {
  /** `caxton.validation.enable`: publish diagnostics at all. */
  validation: { enable: boolean; debounceMs: number };
  /** `caxton.maxContentBytes`: a message's content above this size gets a warning (use a reference instead). */
  maxContentBytes: number;
}

export const DEFAULT_SETTINGS: CaxtonSettings = {
  validation: { enable: true, debounceMs: 150 },
  maxContentBytes: LIMITS.maxMessageBytes,
};

/** Setting ids, for package.json contributes.configuration and the client. */
export const SETTING_IDS = {
  validationEnable: 'caxton.validation.enable',
  validationDebounceMs: 'caxton.validation.debounceMs',
  maxContentBytes: 'caxton.maxContentBytes',
} as const;

/** Custom LSP methods. */
export const LSP_METHODS = {
  /** Server -> client notification once the workspace scan has indexed manifests and files. */
  workspaceIndexed: 'caxton/workspaceIndexed',
  /** Client -> server request: re-scan the workspace (after bulk file changes the watcher may miss). */
  rescanWorkspace: 'caxton/rescanWorkspace',
} as const;

/** Params of `caxton/workspaceIndexed`. */
export interface WorkspaceIndexedParams {
  agents: string[];
  files: number;
  topics: string[];
}
/** Result of `caxton/rescanWorkspace`. */
export type RescanWorkspaceResult = WorkspaceIndexedParams;

/** Command ids the server executes (`workspace/executeCommand`). */
export const SERVER_COMMANDS = {
  /** Re-validate every open document (e.g. after manifests changed outside the editor). */
  revalidate: 'caxton.server.revalidate',
} as const;

/** File name patterns the server recognises (it also honours `$schema`). */
export const FILE_PATTERNS = {
  message: '**/*.fipa.json',
  pipeline: '**/*.pipeline.{yaml,yml}',
  agent: '**/*.agent.yaml',
  scenario: '**/*.scenario.yaml',
} as const;
