/** What running a pipeline reports: each stage's fate, the saga's compensations, and one line on what failed. */
import type { AggregatePolicy } from './aggregate';

export type StageStatus = 'completed' | 'failed' | 'skipped';

export interface StageReport {
  index: number;
  name: string;
  kind: 'call' | 'parallel';
  status: StageStatus;
  /** The agents actually called (a contract-net stage names the winner). */
  agents: string[];
  /** Attempts made (retries included); for scatter-gather, across all branches. */
  attempts: number;
  input?: unknown;
  output?: unknown;
  error?: string;
  startedAt?: number;
  endedAt?: number;
  gather?: { policy: AggregatePolicy; answered: string[]; missing: string[]; errors: Array<{ agent: string; error: string }> };
  selection?: {
    capability: string;
    winner?: string;
    proposals: Array<{ agent: string; cost?: number }>;
    declined: Array<{ agent: string; reason: string }>;
  };
}

export interface CompensationReport {
  stage: string;
  agent: string;
  action?: string;
  ok: boolean;
  error?: string;
}

export interface PipelineReport {
  pipeline: string;
  /** True when every stage completed (or, with on_failure: continue, the pipeline got to its end). */
  ok: boolean;
  output?: unknown;
  failedStage?: { index: number; name: string; error: string };
  /** One line for people: which stage failed and why, and how the saga went. */
  error?: string;
  stages: StageReport[];
  compensations: CompensationReport[];
  startedAt: number;
  endedAt: number;
}

/** A short multi-line text of the report, for the CLI and logs. */
export function formatReport(r: PipelineReport): string {
  const lines = [`pipeline ${r.pipeline}: ${r.ok ? 'ok' : 'FAILED'} in ${r.endedAt - r.startedAt} ms`];
  for (const s of r.stages) {
    const who = s.agents.length ? ` (${s.agents.join(', ')})` : '';
    const tries = s.attempts > 1 ? `, ${s.attempts} attempts` : '';
    lines.push(`  ${s.index + 1}. ${s.name}${who}: ${s.status}${tries}${s.error ? ` - ${s.error}` : ''}`);
    if (s.gather)
      lines.push(`     ${s.gather.policy}: answered [${s.gather.answered.join(', ')}], missing [${s.gather.missing.join(', ')}]`);
  }
  for (const c of r.compensations) lines.push(`  compensate ${c.stage} via ${c.agent}: ${c.ok ? 'ok' : `FAILED - ${c.error}`}`);
  if (r.error) lines.push(`  ${r.error}`);
  return lines.join('\n');
}
