/**
 * The one loader for every Caxton file kind: text in -> parse with positions -> the schema registry -> semantic
 * rules -> problems in offsets (with severity, a stable code and quick fixes). The language server shows the
 * problems as diagnostics; the runtime refuses a file with an error among them and reads its typed value
 * (values.ts). Pure: what it knows of other files comes in through `LoadContext`. Never throws.
 */
import type { ErrorObject } from 'ajv';
import { fileProblem, parseText, toValue, type DocNode, type ParsedDocument } from './docTree';
import { detectFileKind, isYamlName } from './fileKind';
import { checkManifest } from './rules/manifestRules';
import { checkMessages } from './rules/messageRules';
import { checkPipeline } from './rules/pipelineRules';
import type { RuleContext } from './rules/ruleContext';
import { checkScenario } from './rules/scenarioRules';
import { mapSchemaErrors } from './schemaErrors';
import { isValid, messageItemValidator, validatorFor } from './schemaRegistry';
import { LIMITS } from '../limits';
import type { AgentDirectory, FileKind, FileLookup, LoadSettings, Problem } from './types';

/** A loaded file: its kind, its tree (for editor features) and every problem found. */
export interface LoadedFile {
  uri: string;
  kind?: FileKind;
  parsed?: ParsedDocument;
  problems: Problem[];
  /** Renders a string for the file's syntax (JSON quotes, plain YAML when safe), for quick fixes. */
  quote: (s: string) => string;
}

/** What the loader may know beyond the text; everything is optional (unknown means "not checked"). */
export interface LoadContext {
  settings?: Partial<LoadSettings>;
  /** The workspace's agents (unknown-agent, duplicate-agent). */
  agents?: AgentDirectory;
  /** Other files (scenario references, a manifest's module). */
  files?: FileLookup;
  /** Fresh ids for quick fixes (`conv-…`); injected so tests are deterministic. */
  newId?: (prefix: string) => string;
  /** Treat the text as this kind, whatever its name (e.g. `caxton send any.json`). */
  kind?: FileKind;
}

/** The settings the runtime uses; the editor starts from them and may change maxContentBytes. */
export const DEFAULT_LOAD_SETTINGS: LoadSettings = Object.freeze({ maxContentBytes: LIMITS.maxMessageBytes });

/** At most this many problems per file: past it a person needs the first ones, not all. */
export const MAX_PROBLEMS = 1000;
const MAX_SCHEMA_ERRORS = 5000;

/** Renders a string for a YAML file: plain when safe, else double-quoted. */
export function yamlQuote(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.@:/-]*$/.test(s) && !/^(true|false|null|yes|no|on|off)$/i.test(s) ? s : JSON.stringify(s);
}

let counter = 0;
function sequentialId(prefix: string): string {
  return `${prefix}-${(++counter).toString(36)}`;
}

/** Parses and checks a document; never throws (an internal failure becomes one problem). */
export function loadText(uri: string, text: string, ctx: LoadContext = {}): LoadedFile {
  const kind = ctx.kind ?? detectFileKind(uri, text);
  if (!kind) return { uri, problems: [], quote: JSON.stringify };
  const yaml = isYamlName(uri, text);
  const quote = yaml ? yamlQuote : JSON.stringify;
  const parsed = parseText(text, yaml);
  const problems = [...parsed.syntax];
  const root = parsed.root;
  if (root && !parsed.tooDeep) {
    try {
      problems.push(...mapSchemaErrors(schemaErrors(kind, root), root, text, quote));
      const rules: RuleContext = {
        uri,
        text,
        quote,
        settings: { ...DEFAULT_LOAD_SETTINGS, ...ctx.settings },
        agents: ctx.agents,
        files: ctx.files,
        newId: ctx.newId ?? sequentialId,
      };
      if (kind === 'message') problems.push(...checkMessages(root, rules));
      else if (kind === 'pipeline') problems.push(...checkPipeline(root, rules));
      else if (kind === 'agent') problems.push(...checkManifest(root, rules));
      else problems.push(...checkScenario(root, rules));
    } catch (e) {
      problems.push(
        e instanceof RangeError
          ? fileProblem(text, 'nesting-too-deep', 'Nesting too deep to validate: flatten the structure.')
          : fileProblem(text, 'internal-error', `Caxton could not finish checking this file (${String(e)}); please report it.`),
      );
    }
  } else if (!root && !problems.some((p) => p.severity === 'error')) {
    const what = kind === 'message' ? 'a message object (or a list of messages)' : `a ${kind === 'agent' ? 'manifest' : kind}`;
    problems.push(fileProblem(text, 'empty-file', `The file is empty: write ${what} here.`));
  }
  return { uri, kind, parsed, problems: clamp(problems, text.length), quote };
}

/** Whether a problem list holds an error (the runtime refuses such a file). */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/**
 * ajv errors for a tree. Conversations are checked message by message: ajv's cost grows much faster than the
 * number of errors, and past a few thousand errors nobody reads on.
 */
function schemaErrors(kind: FileKind, root: DocNode): ErrorObject[] {
  // A valid value (the usual case) is settled by the compiled validators; only errors need the registry.
  if (kind === 'message' && root.type === 'array') {
    const errors: ErrorObject[] = [];
    const items = root.items ?? [];
    for (let i = 0; i < items.length && errors.length < MAX_SCHEMA_ERRORS; i++) {
      const value = toValue(items[i]);
      if (isValid('messageItem', value)) continue;
      const validateItem = messageItemValidator();
      if (!validateItem(value)) for (const e of validateItem.errors ?? []) errors.push({ ...e, instancePath: `/${i}${e.instancePath}` });
    }
    return errors;
  }
  const value = toValue(root);
  if (isValid(kind, value)) return [];
  const validate = validatorFor(kind);
  return validate(value) ? [] : (validate.errors ?? []).slice(0, MAX_SCHEMA_ERRORS);
}

/** Keeps every range inside the document, sorted, and bounded in number (the first error always kept). */
function clamp(list: Problem[], length: number): Problem[] {
  for (const d of list) {
    d.start = Math.max(0, Math.min(d.start, length));
    d.end = Math.max(d.start, Math.min(d.end, length));
  }
  list.sort((a, b) => a.start - b.start || a.end - b.end || a.code.localeCompare(b.code) || a.message.localeCompare(b.message));
  if (list.length <= MAX_PROBLEMS) return list;
  // Keep the note that the file was only partly checked, whatever its position.
  const notes = list.filter((d) => d.code === 'file-too-large');
  return [...list.slice(0, MAX_PROBLEMS - notes.length).filter((d) => d.code !== 'file-too-large'), ...notes];
}
