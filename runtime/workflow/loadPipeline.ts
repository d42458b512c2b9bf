/** Pipeline YAML text -> PipelineFile, with schema and semantic errors naming line and column. Pure: no fs. */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { allSchemas, pipelineSchema, type PipelineFile } from '../../schemas';
import { contractNetCapability } from './contractNet';

export interface PipelineProblem { line: number; col: number; message: string; path: string }

/** Raised by loadPipeline; `problems` holds every error, the message lists them as `file:line:col: text`. */
export class PipelineLoadError extends Error {
  constructor(readonly file: string, readonly problems: PipelineProblem[]) {
    super(`${file}: invalid pipeline\n${problems.map((p) => `  ${file}:${p.line}:${p.col}: ${p.message}`).join('\n')}`);
    this.name = 'PipelineLoadError';
  }
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const s of allSchemas) ajv.addSchema(s);
    validator = ajv.getSchema(pipelineSchema.$id)!;
  }
  return validator;
}

/** Parse and check a pipeline; returns the file and every problem found (the file is undefined if any). */
export function parsePipeline(text: string): { pipeline?: PipelineFile; problems: PipelineProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number, message: string, path = ''): PipelineProblem => {
    const { line, col } = lc.linePos(offset);
    return { line, col, message, path };
  };
  if (doc.errors.length) return { problems: doc.errors.map((e) => at(e.pos[0], e.message.split('\n')[0])) };
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    // e.g. an alias bomb: the yaml library refuses to expand excessive aliases.
    return { problems: [at(0, `cannot read this YAML: ${(e as Error).message}; remove the aliases (*name) or expand them by hand`)] };
  }
  const v = validate();
  if (!v(value)) return { problems: dedupe(explain(v.errors ?? []).map((e) => schemaProblem(doc, e, at))) };
  const pipeline = value as PipelineFile;
  const problems = semanticProblems(pipeline).map(({ path, message, key }) => at(offsetOf(doc, path, key ?? false), message, '/' + path.join('/')));
  return problems.length ? { problems } : { pipeline, problems };
}

/** Parse a pipeline or throw PipelineLoadError naming `file` and each problem's line and column. */
export function loadPipeline(text: string, file = 'pipeline.yaml'): PipelineFile {
  const { pipeline, problems } = parsePipeline(text);
  if (!pipeline) throw new PipelineLoadError(file, problems);
  return pipeline;
}

const STAGE_PATH = /^\/pipeline\/stages\/\d+$/;

/**
 * Keep the errors a person can act on: a stage's oneOf (agent xor parallel) becomes one sentence instead of
 * "missing agent" + "missing parallel"; oneOf/anyOf/not wrappers otherwise repeat what their branches say.
 */
function explain(errors: ErrorObject[]): ErrorObject[] {
  const stageChoice = new Set(errors.filter((e) => e.keyword === 'oneOf' && STAGE_PATH.test(e.instancePath)).map((e) => e.instancePath));
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (stageChoice.has(e.instancePath) && (e.keyword === 'required' || e.keyword === 'not')) continue;
    if (e.keyword === 'oneOf' && stageChoice.has(e.instancePath)) {
      out.push({ ...e, message: 'a stage needs exactly one of `agent` (one call) or `parallel` (scatter-gather)' });
      continue;
    }
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'not' || e.keyword === 'if') continue;
    if (e.keyword === 'pattern' && /\/agent$/.test(e.instancePath)) {
      out.push({ ...e, message: 'must be an agent name (letters, digits, _.@:-) or @contract-net:<capability>' });
      continue;
    }
    out.push(e);
  }
  return out.length ? out : errors;
}

function schemaProblem(doc: Document, e: ErrorObject, at: (o: number, m: string, p?: string) => PipelineProblem): PipelineProblem {
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const where = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    return at(offsetOf(doc, [...path, key], true), `${where}: unknown key '${key}'; remove it or check its spelling`, where);
  }
  if (e.keyword === 'required') {
    const key = (e.params as { missingProperty: string }).missingProperty;
    return at(offsetOf(doc, path, true), `${where}: missing '${key}'; add it`, where);
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.join(', ');
    return at(offsetOf(doc, path, false), `${where}: must be one of ${allowed}`, where);
  }
  return at(offsetOf(doc, path, false), `${where}: ${e.message ?? 'invalid'}`, where);
}

/** The offset of the node at `path` (its key when `key` is true); the nearest existing ancestor if it is missing. */
function offsetOf(doc: Document, path: Array<string | number>, key: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n).map((s) => (typeof s === 'string' && /^\d+$/.test(s) ? Number(s) : s));
    if (key && n === path.length && n > 0) {
      const parent = sub.length > 1 ? doc.getIn(sub.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === sub[sub.length - 1]);
        if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
      }
      continue;
    }
    const node = (n === 0 ? doc.contents : doc.getIn(sub, true)) as YamlNode | null | undefined;
    if (node && isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

function dedupe(problems: PipelineProblem[]): PipelineProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => { const k = `${p.line}:${p.col}:${p.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

/** Rules the schema cannot say: counts that fit the branches, durations in range, a deadline for `deadline`. */
export function semanticProblems(file: PipelineFile): Array<{ path: Array<string | number>; message: string; key?: boolean }> {
  const out: Array<{ path: Array<string | number>; message: string; key?: boolean }> = [];
  const p = file.pipeline;
  p.stages.forEach((s, i) => {
    const base: Array<string | number> = ['pipeline', 'stages', i];
    const par = s.parallel;
    if (par) {
      const agg = par.aggregate ?? 'all';
      if ((agg === 'first_n') && par.count === undefined) out.push({ path: [...base, 'parallel'], key: true, message: `stage ${i + 1}: aggregate first_n needs 'count'; add count: N` });
      if (par.count !== undefined && par.count > par.branches.length) out.push({ path: [...base, 'parallel', 'count'], message: `stage ${i + 1}: count ${par.count} is more than the ${par.branches.length} branches; lower it` });
      if (agg === 'deadline' && par.deadline === undefined && s.timeout === undefined && p.defaults?.timeout === undefined) {
        out.push({ path: [...base, 'parallel'], key: true, message: `stage ${i + 1}: aggregate deadline needs 'deadline' (or a stage timeout); add deadline: 2s` });
      }
    }
    const breaker = s.circuit_breaker ?? p.defaults?.circuit_breaker;
    if (breaker && breaker.consecutive_failures === undefined && breaker.failure_rate === undefined) {
      out.push({ path: s.circuit_breaker ? [...base, 'circuit_breaker'] : ['pipeline', 'defaults', 'circuit_breaker'], key: true, message: `stage ${i + 1}: circuit_breaker needs consecutive_failures or failure_rate` });
    }
    const agents = [s.agent, ...(par?.branches.map((b) => b.agent) ?? [])];
    for (const a of agents) if (a !== undefined && a.startsWith('@') && !contractNetCapability(a)) out.push({ path: [...base, 'agent'], message: `stage ${i + 1}: '${a}' is not an agent selector; write @contract-net:<capability>` });
  });
  return out;
}
