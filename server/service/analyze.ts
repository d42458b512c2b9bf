/** Parses a document once and runs schema and semantic checks; everything in offsets. */
import { parseText, type ParsedDocument } from './docTree';
import { detectFileKind, isYamlName } from './fileKind';
import { checkManifest } from './manifestRules';
import { checkMessages, type RuleContext } from './messageRules';
import { checkPipeline } from './pipelineRules';
import { mapSchemaErrors } from './schemaErrors';
import { messageItemValidator, validatorFor } from './schemaRegistry';
import { toValue, type DocNode } from './docTree';
import type { ErrorObject } from 'ajv';
import type { FileKind, ServiceDiagnostic } from './types';

export interface Analysis { kind?: FileKind; parsed?: ParsedDocument; diagnostics: ServiceDiagnostic[]; quote: (s: string) => string }

/** At most this many diagnostics per file: past it a person needs the first ones, not all. */
export const MAX_DIAGNOSTICS = 1000;
const MAX_SCHEMA_ERRORS = 5000;

/** Renders a string for a YAML file: plain when safe, else double-quoted. */
export function yamlQuote(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.@:/-]*$/.test(s) && !/^(true|false|null|yes|no|on|off)$/i.test(s) ? s : JSON.stringify(s);
}

/** Parses and checks a document; never throws (an internal failure becomes one diagnostic). */
export function analyze(uri: string, text: string, ctx: Omit<RuleContext, 'text' | 'quote'>): Analysis {
  const kind = detectFileKind(uri, text);
  if (!kind) return { diagnostics: [], quote: JSON.stringify };
  const yaml = isYamlName(uri, text);
  const quote = yaml ? yamlQuote : JSON.stringify;
  const parsed = parseText(text, yaml);
  const diagnostics = [...parsed.syntax];
  const root = parsed.root;
  if (root && !parsed.tooDeep) {
    try {
      diagnostics.push(...mapSchemaErrors(schemaErrors(kind, root), root, text, quote));
      const full: RuleContext = { ...ctx, text, quote };
      if (kind === 'message') diagnostics.push(...checkMessages(root, full));
      else if (kind === 'pipeline') diagnostics.push(...checkPipeline(root, full));
      else if (kind === 'agent') diagnostics.push(...checkManifest(root, full, uri));
    } catch (e) {
      const tooDeep = e instanceof RangeError;
      diagnostics.push({
        start: 0, end: Math.min(1, text.length), severity: 'error', code: tooDeep ? 'nesting-too-deep' : 'internal-error',
        message: tooDeep ? 'Nesting too deep to validate: flatten the structure.' : `Caxton could not finish checking this file (${String(e)}); please report it.`,
      });
    }
  }
  return { kind, parsed, diagnostics: clamp(diagnostics, text.length), quote };
}

/**
 * ajv errors for a tree. Conversations are checked message by message: ajv's cost grows much faster than the
 * number of errors, and past a few thousand errors nobody reads on.
 */
function schemaErrors(kind: FileKind, root: DocNode): ErrorObject[] {
  if (kind === 'message' && root.type === 'array') {
    const validateItem = messageItemValidator();
    const errors: ErrorObject[] = [];
    const items = root.items ?? [];
    for (let i = 0; i < items.length && errors.length < MAX_SCHEMA_ERRORS; i++) {
      if (!validateItem(toValue(items[i]))) for (const e of validateItem.errors ?? []) errors.push({ ...e, instancePath: `/${i}${e.instancePath}` });
    }
    return errors;
  }
  const validate = validatorFor(kind);
  return validate(toValue(root)) ? [] : (validate.errors ?? []).slice(0, MAX_SCHEMA_ERRORS);
}

/** Keeps every range inside the document, sorted, and bounded in number. */
function clamp(list: ServiceDiagnostic[], length: number): ServiceDiagnostic[] {
  for (const d of list) {
    d.start = Math.max(0, Math.min(d.start, length));
    d.end = Math.max(d.start, Math.min(d.end, length));
  }
  list.sort((a, b) => a.start - b.start || a.end - b.end);
  if (list.length <= MAX_DIAGNOSTICS) return list;
  // Keep the note that the file was only partly checked, whatever its position.
  const notes = list.filter((d) => d.code === 'file-too-large');
  return [...list.slice(0, MAX_DIAGNOSTICS - notes.length).filter((d) => d.code !== 'file-too-large'), ...notes];
}
