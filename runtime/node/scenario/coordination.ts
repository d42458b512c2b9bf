/**
 * A scenario's `pattern:` (contract net, auctions, bargaining, blackboard: runtime/protocols) or `pipeline:`
 * (runtime/workflow), run by `caxton run` once the agents are up; its outcome becomes the scenario's verdict.
 */
import * as path from 'node:path';
import type { BlackboardService } from '../../core/types';
import { checkPatternExpectation, preparePattern } from '../../protocols/scenarioPattern';
import type { PatternOutcome } from '../../protocols/machine';
import type { Runtime } from '../../runtime';
import { runPipeline, type PipelineReport } from '../../workflow';
import type { ExpectationResult } from './expectations';
import {
  loadScope,
  readPipeline,
  realFolder,
  WorkspaceError,
  type LoadScope,
  type Workspace,
  type WorkspaceProblem,
} from '../files/workspace';

export interface Coordination {
  kind: 'pattern' | 'pipeline';
  /** For blackboard patterns: hand this to the Runtime before agents start. */
  blackboard?: BlackboardService;
  start(runtime: Runtime): void;
  /** Still running. */
  readonly pending: boolean;
  /** Checks for `expect.pattern` / `expect.ok` / `expect.output` (or "finished ok" when none is given). */
  expectations(expect: Record<string, unknown> | undefined): ExpectationResult[];
  /** One line for the summary. */
  describe(): string | undefined;
}

/** Expect keys this module checks. */
export const COORDINATION_EXPECT_KEYS = ['pattern', 'ok', 'output', 'failed_stage', 'compensated'];

/** Prepare the plan's pattern or pipeline; throws WorkspaceError naming the file and the fix when it cannot run. */
export function prepareCoordination(
  file: string,
  folder: string,
  pattern: Record<string, unknown> | undefined,
  pipeline: string | undefined,
  scope?: LoadScope,
): Coordination | undefined {
  if (pattern) return patternCoordination(file, pattern);
  if (pipeline) return pipelineCoordination(path.resolve(folder, pipeline), scope ?? loadScope(folder));
  return undefined;
}

function patternCoordination(file: string, pattern: Record<string, unknown>): Coordination {
  let prepared: ReturnType<typeof preparePattern>;
  try {
    prepared = preparePattern(pattern);
  } catch (e) {
    throw new WorkspaceError([{ file, line: 1, column: 1, message: (e as Error).message }]);
  }
  let outcome: PatternOutcome | undefined;
  let error: string | undefined;
  let pending = false;
  return {
    kind: 'pattern',
    blackboard: prepared.blackboard,
    get pending() {
      return pending;
    },
    start(runtime) {
      pending = true;
      prepared
        .start(runtime)
        .then(
          (o) => {
            outcome = o;
          },
          (e: Error) => {
            error = e.message;
          },
        )
        .finally(() => {
          pending = false;
        });
    },
    expectations(expect) {
      if (error) return [{ name: 'pattern', ok: false, detail: `the pattern failed: ${error}` }];
      const out: ExpectationResult[] = checkPatternExpectation(expect?.pattern, outcome);
      if (expect && 'ok' in expect)
        out.push({ name: 'ok', ok: outcome?.ok === expect.ok, detail: `pattern ok: ${outcome?.ok ?? 'unfinished'}` });
      if (!out.length)
        out.push({
          name: 'pattern finished',
          ok: outcome?.ok === true,
          detail: outcome ? `pattern ${outcome.kind}: ${outcome.reason}` : 'the pattern did not finish',
        });
      return out;
    },
    describe: () =>
      outcome
        ? `pattern ${outcome.kind}: ${outcome.ok ? 'ok' : 'not ok'} (${outcome.reason})`
        : error
          ? `pattern failed: ${error}`
          : undefined,
  };
}

/** The scenario's pipeline, read through the guard and the loader (the scenario's own check already named a missing one). */
function pipelineCoordination(pipelineFile: string, scope: LoadScope): Coordination {
  const problems: WorkspaceProblem[] = [];
  const loaded = 'pipelines' in scope ? (scope as Workspace).pipelines.find((p) => p.file === realFolder(pipelineFile)) : undefined;
  const spec = loaded?.pipeline ?? readPipeline(pipelineFile, problems, scope)?.pipeline;
  if (!spec) throw new WorkspaceError(problems);
  let report: PipelineReport | undefined;
  let error: string | undefined;
  let pending = false;
  return {
    kind: 'pipeline',
    get pending() {
      return pending;
    },
    start(runtime) {
      pending = true;
      runPipeline(spec, runtime)
        .then(
          (r) => {
            report = r;
          },
          (e: Error) => {
            error = e.message;
          },
        )
        .finally(() => {
          pending = false;
        });
    },
    expectations(expect) {
      if (error) return [{ name: 'pipeline', ok: false, detail: `the pipeline failed: ${error}` }];
      const out: ExpectationResult[] = [];
      const want = expect && 'ok' in expect ? expect.ok : true;
      out.push({
        name: 'ok',
        ok: report !== undefined && report.ok === want,
        detail: report
          ? `pipeline ${report.pipeline}: ${report.ok ? 'ok' : `failed${report.error ? `: ${report.error}` : ''}`}`
          : 'the pipeline did not finish',
      });
      if (expect && 'failed_stage' in expect) {
        const got = report?.failedStage?.name;
        out.push({
          name: 'failed_stage',
          ok: got === expect.failed_stage,
          detail: `failed stage: ${got ?? 'none'}${got === expect.failed_stage ? '' : `, expected ${JSON.stringify(expect.failed_stage)}`}`,
        });
      }
      if (expect && 'compensated' in expect) {
        const got = (report?.compensations ?? []).filter((c) => c.ok).map((c) => c.stage);
        const ok = JSON.stringify(got) === JSON.stringify(expect.compensated);
        out.push({
          name: 'compensated',
          ok,
          detail: `compensated: ${got.join(', ') || 'none'}${ok ? '' : `, expected ${JSON.stringify(expect.compensated)}`}`,
        });
      }
      if (expect && 'output' in expect) {
        const ok = JSON.stringify(report?.output) === JSON.stringify(expect.output);
        out.push({
          name: 'output',
          ok,
          detail: `pipeline output ${JSON.stringify(report?.output)}${ok ? '' : `, expected ${JSON.stringify(expect.output)}`}`,
        });
      }
      return out;
    },
    describe: () => (report ? `pipeline ${report.pipeline}: ${report.ok ? 'ok' : `failed: ${report.error ?? ''}`}` : error),
  };
}
