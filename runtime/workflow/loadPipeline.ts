/**
 * Pipeline YAML text -> PipelineFile through the one loader (schemas/load): the same schema errors and rules as
 * the editor, each at its line and column. Pure: no fs (runtime/node reads files through the workspace guard).
 */
import type { PipelineFile } from '../../schemas';
import { hasErrors, LineIndex, loadText, pipelineOf, type LoadContext, type Severity } from '../../schemas/load';

/** One problem (1-based line and column); `code` is the loader's stable id. */
export interface PipelineProblem {
  line: number;
  col: number;
  message: string;
  code: string;
  severity: Severity;
}

/** Raised by loadPipeline; `problems` holds every error, the message lists them as `file:line:col: text`. */
export class PipelineLoadError extends Error {
  constructor(
    readonly file: string,
    readonly problems: PipelineProblem[],
  ) {
    super(`${file}: invalid pipeline\n${problems.map((p) => `  ${file}:${p.line}:${p.col}: ${p.message}`).join('\n')}`);
    this.name = 'PipelineLoadError';
  }
}

/** Parse and check a pipeline; returns the file (when it has no error) and every problem found, errors first. */
export function parsePipeline(
  text: string,
  file = 'pipeline.yaml',
  ctx: Omit<LoadContext, 'kind'> = {},
): { pipeline?: PipelineFile; problems: PipelineProblem[] } {
  const loaded = loadText(file.endsWith('.yaml') || file.endsWith('.yml') ? file : `${file}.pipeline.yaml`, text, {
    ...ctx,
    kind: 'pipeline',
  });
  const lines = new LineIndex(text);
  const problems = loaded.problems.map((p) => {
    const at = lines.positionAt(p.start);
    return { line: at.line + 1, col: at.character + 1, message: p.message, code: p.code, severity: p.severity };
  });
  const errors = problems.filter((p) => p.severity === 'error');
  return hasErrors(loaded.problems) ? { problems: errors } : { pipeline: pipelineOf(loaded), problems };
}

/** Parse a pipeline or throw PipelineLoadError naming `file` and each error's line and column. */
export function loadPipeline(text: string, file = 'pipeline.yaml'): PipelineFile {
  const { pipeline, problems } = parsePipeline(text, file);
  if (!pipeline) throw new PipelineLoadError(file, problems);
  return pipeline;
}
