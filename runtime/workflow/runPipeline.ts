/**
 * The pipeline executor: stages in order through agents (CoordinationContext.bus.request with `{ action, input }`),
 * each reply's content feeding the next stage; per-stage policies merged over `defaults`; scatter-gather stages;
 * on failure stop, continue, or compensate completed stages in reverse order (saga).
 */
import type { PipelineFile, PolicySpec, StageSpec, StepSpec } from '../../schemas';
import { parseDuration } from '../../schemas/limits';
import type { CoordinationContext } from '../core/types';
import { describeError } from '../resilience/errors';
import { checkBreakerConfig } from '../resilience/breakerMachine';
import { breakerConfig, mergePolicies, PolicyRegistry, retryConfig } from '../resilience/fromSpec';
import { callAgent } from './callAgent';
import { cfpContent, contractNetCapability, selectByContractNet } from './contractNet';
import type { CompensationReport, PipelineReport, StageReport } from './report';
import { gather, gatherOutput, type Branch } from './scatterGather';

export interface RunPipelineOptions {
  /** The first stage's input (default: the file's `pipeline.input`). */
  input?: unknown;
  /** The sender of the pipeline's requests (default `pipeline-<name>`). */
  sender?: string;
  /** Breakers and bulkheads shared across runs (default: fresh ones for this run). */
  policies?: PolicyRegistry;
  /** How long a `@contract-net:` stage waits for proposals when it has no timeout (default 1 s). */
  bidWindowMs?: number;
}

const runCounters = new WeakMap<CoordinationContext, number>();

/** Run a pipeline to its end or its first stopping failure; never rejects for a stage failure (see the report). */
export async function runPipeline(file: PipelineFile, ctx: CoordinationContext, opts: RunPipelineOptions = {}): Promise<PipelineReport> {
  const p = file.pipeline;
  const run = (runCounters.get(ctx) ?? 0) + 1;
  runCounters.set(ctx, run);
  const exec = new Executor(file, ctx, opts, `${p.name}#${run}`);
  return exec.run(opts.input !== undefined ? opts.input : p.input);
}

class Executor {
  private readonly p: PipelineFile['pipeline'];
  private readonly sender: string;
  private readonly policies: PolicyRegistry;
  private calls = 0;

  constructor(
    file: PipelineFile,
    private readonly ctx: CoordinationContext,
    private readonly opts: RunPipelineOptions,
    private readonly runId: string,
  ) {
    this.p = file.pipeline;
    this.sender = opts.sender ?? `pipeline-${this.p.name}`;
    this.policies = opts.policies ?? new PolicyRegistry({ clock: ctx.clock, random: ctx.random, trace: ctx.trace });
  }

  async run(input: unknown): Promise<PipelineReport> {
    const { ctx, p } = this;
    const report: PipelineReport = { pipeline: p.name, ok: true, stages: [], compensations: [], startedAt: ctx.clock.now(), endedAt: 0 };
    const onFailure = p.on_failure ?? 'stop';
    const saga = onFailure === 'compensate';
    let current = input;
    let stopped = false;
    for (const [index, stage] of p.stages.entries()) {
      const name = stageName(stage, index);
      if (stopped) {
        report.stages.push({ index, name, kind: stage.parallel ? 'parallel' : 'call', status: 'skipped', agents: [], attempts: 0 });
        ctx.trace.emit({ type: 'pipeline_stage', pipeline: p.name, stage: name, status: 'skipped' });
        continue;
      }
      const sr = await this.runStage(stage, index, name, current);
      report.stages.push(sr);
      if (saga)
        ctx.trace.emit({
          type: 'saga_step',
          saga: p.name,
          step: name,
          action: 'run',
          ok: sr.status === 'completed',
          ...(sr.error ? { error: sr.error } : {}),
        });
      if (sr.status === 'completed') {
        current = sr.output;
        continue;
      }
      report.failedStage ??= { index, name, error: sr.error ?? 'failed' };
      if (onFailure === 'continue') continue;
      stopped = true;
      report.ok = false;
      report.error = `stage ${index + 1} '${name}' failed: ${sr.error}`;
      if (saga) await this.compensate(report);
    }
    if (report.ok) report.output = current;
    report.endedAt = ctx.clock.now();
    ctx.trace.emit({
      type: 'pipeline_result',
      pipeline: p.name,
      ok: report.ok,
      ...(report.failedStage ? { failed_stage: report.failedStage.name } : {}),
      ...(report.error ? { error: report.error } : {}),
      ...(report.ok ? { output: report.output } : {}),
    });
    return report;
  }

  private async runStage(stage: StageSpec, index: number, name: string, input: unknown): Promise<StageReport> {
    const { ctx, p } = this;
    const sr: StageReport = {
      index,
      name,
      kind: stage.parallel ? 'parallel' : 'call',
      status: 'failed',
      agents: [],
      attempts: 0,
      input,
      startedAt: ctx.clock.now(),
    };
    ctx.trace.emit({ type: 'pipeline_stage', pipeline: p.name, stage: name, status: 'started' });
    const spec = mergePolicies(p.defaults, stage);
    try {
      checkPolicies(spec, name);
      sr.output = stage.parallel ? await this.runParallel(stage, name, spec, input, sr) : await this.runCall(stage, spec, input, sr);
      sr.status = 'completed';
      ctx.trace.emit({ type: 'pipeline_stage', pipeline: p.name, stage: name, status: 'completed', output: sr.output });
    } catch (e) {
      sr.error = describeError(e);
      ctx.trace.emit({ type: 'pipeline_stage', pipeline: p.name, stage: name, status: 'failed', error: sr.error });
    }
    sr.endedAt = ctx.clock.now();
    return sr;
  }

  /** One step (a stage's agent, or a branch) under retry -> breaker -> timeout -> bulkhead. */
  private async callStep(step: StepSpec, spec: PolicySpec, input: unknown, sr: StageReport, signal?: AbortSignal): Promise<unknown> {
    const capability = contractNetCapability(step.agent);
    const timeoutMs = spec.timeout === undefined ? undefined : parseDuration(spec.timeout, `${sr.name}: timeout`);
    const retry = this.policies.retry(step.agent, spec.retry);
    return retry.execute(
      async (pctx) => {
        sr.attempts++;
        let agent = step.agent;
        let award: Record<string, unknown> | undefined;
        const conversationId = this.conversationId(sr.name);
        if (capability !== undefined) {
          const sel = await selectByContractNet(this.ctx, {
            sender: this.sender,
            capability,
            action: step.action,
            input,
            conversationId,
            bidWindowMs: timeoutMs ?? this.opts.bidWindowMs ?? 1000,
            skip: (a) => this.policies.breaker(a)?.isCallable() === false,
          });
          sr.selection = {
            capability,
            winner: sel.winner,
            proposals: sel.proposals.map(({ agent: a, cost }) => ({ agent: a, cost })),
            declined: sel.declined,
          };
          if (!sel.winner) throw new Error(`no agent proposed for '${capability}' (${sel.declined.length} declined or did not answer)`);
          agent = sel.winner;
          // Like runtime/protocols' contract net award: { task, accepted }, next to our { action, input }.
          const accepted = sel.proposals.find((p) => p.agent === sel.winner)?.content;
          award = { task: cfpContent({ capability, action: step.action, input }).task, accepted };
        }
        if (!sr.agents.includes(agent)) sr.agents.push(agent);
        const guard = this.policies.forAgent(agent, spec);
        return guard.execute(
          () =>
            callAgent(this.ctx.bus, {
              sender: this.sender,
              agent,
              action: step.action,
              input,
              timeoutMs,
              performative: capability !== undefined ? 'accept_proposal' : step.performative,
              protocol: capability !== undefined ? 'fipa-contract-net' : undefined,
              conversationId,
              extra: award,
            }),
          pctx,
        );
      },
      signal ? { signal } : {},
    );
  }

  private runCall(stage: StageSpec, spec: PolicySpec, input: unknown, sr: StageReport): Promise<unknown> {
    return this.callStep({ agent: stage.agent!, action: stage.action, performative: stage.performative }, spec, input, sr);
  }

  private async runParallel(stage: StageSpec, name: string, spec: PolicySpec, input: unknown, sr: StageReport): Promise<unknown> {
    const par = stage.parallel!;
    const policy = par.aggregate ?? 'all';
    const deadline = par.deadline ?? spec.timeout;
    const branches: Branch[] = par.branches.map((b) => ({
      name: b.agent,
      run: (signal) => this.callStep(b, { ...spec, timeout: b.timeout ?? spec.timeout }, input, sr, signal),
    }));
    const g = await gather(branches, {
      policy,
      count: par.count,
      clock: this.ctx.clock,
      deadlineMs: deadline === undefined ? undefined : parseDuration(deadline, `${name}: parallel.deadline`),
    });
    sr.gather = { policy, answered: g.answered, missing: g.missing, errors: g.errors };
    this.ctx.trace.emit({
      type: 'scatter_gather_result',
      pipeline: this.p.name,
      stage: name,
      policy,
      answered: g.answered,
      missing: g.missing,
    });
    if (!g.ok) throw new Error(`${g.reason}; ${g.errors.map((e) => `${e.agent}: ${e.error}`).join('; ')}`);
    return gatherOutput(g);
  }

  /** Undo completed stages in reverse order; a failing compensation is reported and the others still run. */
  private async compensate(report: PipelineReport): Promise<void> {
    const done = report.stages.filter((s) => s.status === 'completed');
    for (const s of done.reverse()) {
      const comp = this.p.stages[s.index].compensation;
      if (!comp) continue;
      const spec: PolicySpec = { retry: this.p.defaults?.retry, timeout: comp.timeout ?? this.p.defaults?.timeout };
      const cr: CompensationReport = { stage: s.name, agent: comp.agent, ok: true };
      if (comp.action) cr.action = comp.action;
      try {
        // A compensation skips breaker and bulkhead: undoing must not be refused because the agent misbehaved before.
        const timeoutMs = spec.timeout === undefined ? undefined : parseDuration(spec.timeout, `${s.name}: compensation.timeout`);
        await this.policies
          .retry(comp.agent, spec.retry)
          .execute(() => this.callCompensation(comp, s.output, `${s.name}.compensation`, timeoutMs));
      } catch (e) {
        cr.ok = false;
        cr.error = describeError(e);
      }
      report.compensations.push(cr);
      this.ctx.trace.emit({
        type: 'saga_step',
        saga: this.p.name,
        step: s.name,
        action: 'compensate',
        ok: cr.ok,
        ...(cr.error ? { error: cr.error } : {}),
      });
    }
    const failed = report.compensations.filter((c) => !c.ok);
    if (report.compensations.length) {
      report.error += failed.length
        ? `; compensation failed for ${failed.map((c) => `'${c.stage}' (${c.error})`).join(', ')}`
        : `; compensated ${report.compensations.map((c) => `'${c.stage}'`).join(', ')}`;
    }
  }

  /** A compensation call: the timeout is both the router's request timeout and our policy's. */
  private callCompensation(comp: StepSpec, input: unknown, name: string, timeoutMs: number | undefined): Promise<unknown> {
    const call = (): Promise<unknown> =>
      callAgent(this.ctx.bus, {
        sender: this.sender,
        agent: comp.agent,
        action: comp.action,
        input,
        timeoutMs,
        performative: comp.performative,
        conversationId: this.conversationId(name),
      });
    return timeoutMs === undefined ? call() : this.policies.timeout(comp.agent, timeoutMs).execute(call);
  }

  /** A fresh conversation per call, so a retry never looks like a second request in a finished conversation. */
  private conversationId(stage: string): string {
    return `${this.runId}/${stage}/${++this.calls}`;
  }
}

/** Parse a stage's policy blocks once, up front: a bad value fails the stage at once instead of on every retry. */
function checkPolicies(spec: PolicySpec, stage: string): void {
  if (spec.timeout !== undefined) parseDuration(spec.timeout, `${stage}: timeout`);
  if (spec.retry) retryConfig(spec.retry, `${stage}: retry`);
  if (spec.circuit_breaker) {
    const problems = checkBreakerConfig(breakerConfig(spec.circuit_breaker, `${stage}: circuit_breaker`));
    if (problems.length) throw new Error(`${stage}: circuit_breaker: ${problems.join('; ')}`);
  }
}

/** A stage's name in reports: its `name`, else its agent, else `stage N`. */
export function stageName(stage: StageSpec, index: number): string {
  return stage.name ?? stage.agent ?? `stage ${index + 1}`;
}
