/** Pipeline checks a schema cannot say: stage agents exist, stage names are unique, resilience settings make sense. */
import { durationToMs } from '../../limits';
import { child, prop, type DocNode } from '../docTree';
import type { Problem } from '../types';
import { checkAgentName, type RuleContext } from './ruleContext';

/** Checks a *.pipeline.yaml tree. */
export function checkPipeline(root: DocNode, ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  const pipeline = child(root, 'pipeline');
  if (pipeline?.type !== 'object') return out;
  const defaults = child(pipeline, 'defaults');
  if (defaults?.type === 'object') checkPolicies(defaults, out, undefined);
  const stages = (child(pipeline, 'stages')?.items ?? []).filter((s) => s.type === 'object');
  const names = new Map<string, DocNode>();
  let hasCompensation = false;
  for (const stage of stages) {
    for (const agent of stageAgents(stage)) checkAgentName(agent, ctx, out, 'stage agent');
    checkPolicies(stage, out, defaults?.type === 'object' ? defaults : undefined);
    if (child(stage, 'compensation')) hasCompensation = true;
    const explicit = child(stage, 'name');
    const nameNode = explicit?.type === 'string' ? explicit : child(stage, 'agent');
    if (nameNode?.type === 'string') {
      const name = String(nameNode.value);
      const earlier = names.get(name);
      if (earlier) {
        out.push({
          start: nameNode.start,
          end: nameNode.end,
          severity: 'error',
          code: 'duplicate-stage-name',
          message: explicit
            ? `Stage name '${name}' is already used by an earlier stage: give this stage a distinct "name".`
            : `This stage is named '${name}' after its agent, like an earlier stage: add a distinct "name" so reports can tell them apart.`,
        });
      } else names.set(name, nameNode);
    }
    const parallel = child(stage, 'parallel');
    if (parallel?.type === 'object') checkParallel(parallel, out, !!child(stage, 'timeout') || !!child(defaults, 'timeout'));
  }
  const onFailure = child(pipeline, 'on_failure');
  if (onFailure?.value === 'compensate' && !hasCompensation && stages.length) {
    out.push({
      start: onFailure.start,
      end: onFailure.end,
      severity: 'warning',
      code: 'compensate-without-steps',
      message:
        "on_failure is 'compensate' but no stage has a \"compensation\" step: add one to the stages that must be undone, or use 'stop'.",
    });
  }
  return out;
}

/** The agent-name nodes a stage calls: its agent, its parallel branches, its compensation. */
export function stageAgents(stage: DocNode): DocNode[] {
  const nodes: DocNode[] = [];
  const agent = child(stage, 'agent');
  if (agent?.type === 'string') nodes.push(agent);
  for (const b of child(child(stage, 'parallel'), 'branches')?.items ?? []) {
    const a = child(b, 'agent');
    if (a?.type === 'string') nodes.push(a);
  }
  const comp = child(child(stage, 'compensation'), 'agent');
  if (comp?.type === 'string') nodes.push(comp);
  return nodes;
}

/** Resilience settings that make no sense; a stage's breaker inherits the thresholds of `defaults` (merged field by field). */
function checkPolicies(owner: DocNode, out: Problem[], defaults: DocNode | undefined): void {
  const breaker = child(owner, 'circuit_breaker');
  if (breaker?.type === 'object') {
    const inherited = child(defaults, 'circuit_breaker');
    const hasThreshold = [breaker, inherited].some((b) => !!child(b, 'consecutive_failures') || !!child(b, 'failure_rate'));
    const halfOpen = prop(breaker, 'half_open_max_calls');
    if (!hasThreshold) {
      const at = halfOpen ?? prop(owner, 'circuit_breaker');
      if (at)
        out.push({
          start: at.keyStart,
          end: at.keyEnd,
          severity: 'warning',
          code: 'breaker-without-threshold',
          message: `${halfOpen ? 'half_open_max_calls is set but the' : 'The'} circuit breaker has no threshold, so it never opens: add "consecutive_failures" or "failure_rate".`,
        });
    }
    const rate = prop(breaker, 'failure_rate');
    if (rate && !child(breaker, 'window')) {
      out.push({
        start: rate.keyStart,
        end: rate.keyEnd,
        severity: 'warning',
        code: 'failure-rate-without-window',
        message: 'failure_rate needs a "window" to measure over: add e.g. window: 30s.',
      });
    }
    const minCalls = prop(breaker, 'min_calls');
    if (minCalls && !rate) {
      out.push({
        start: minCalls.keyStart,
        end: minCalls.keyEnd,
        severity: 'warning',
        code: 'min-calls-without-rate',
        message: 'min_calls only applies to failure_rate: add "failure_rate" or remove min_calls.',
      });
    }
  }
  const retry = child(owner, 'retry');
  if (retry?.type === 'object') {
    const initial = durationMs(child(retry, 'initial_delay'));
    const maxNode = child(retry, 'max_delay');
    const max = durationMs(maxNode);
    if (initial !== undefined && max !== undefined && maxNode && initial > max) {
      out.push({
        start: maxNode.start,
        end: maxNode.end,
        severity: 'warning',
        code: 'retry-delays',
        message: `max_delay (${max} ms) is below initial_delay (${initial} ms): every retry would wait max_delay; raise max_delay.`,
      });
    }
    const attempts = child(retry, 'max_attempts');
    if (attempts?.value === 1 && (child(retry, 'initial_delay') || child(retry, 'max_delay'))) {
      out.push({
        start: attempts.start,
        end: attempts.end,
        severity: 'information',
        code: 'retry-never-retries',
        message: 'max_attempts 1 means no retry at all, so the delays are never used: raise max_attempts or remove the delays.',
      });
    }
  }
}

/** Scatter-gather settings; a `deadline` aggregate may use the stage's (or the defaults') timeout as its deadline. */
function checkParallel(parallel: DocNode, out: Problem[], hasTimeout: boolean): void {
  const aggregate = child(parallel, 'aggregate');
  const agg = aggregate?.type === 'string' ? String(aggregate.value) : 'all';
  const branches = child(parallel, 'branches')?.items?.length ?? 0;
  const countNode = child(parallel, 'count');
  const count = typeof countNode?.value === 'number' ? countNode.value : undefined;
  if (agg === 'first_n' && count === undefined && aggregate) {
    out.push({
      start: aggregate.start,
      end: aggregate.end,
      severity: 'error',
      code: 'aggregate-needs-count',
      message: 'aggregate \'first_n\' needs "count": how many answers to wait for.',
    });
  }
  if (agg === 'deadline' && !child(parallel, 'deadline') && !hasTimeout && aggregate) {
    out.push({
      start: aggregate.start,
      end: aggregate.end,
      severity: 'error',
      code: 'aggregate-needs-deadline',
      message: 'aggregate \'deadline\' needs "deadline" (or a stage timeout): how long to gather answers (e.g. 2s).',
    });
  }
  if (countNode && count !== undefined && branches && count > branches) {
    out.push({
      start: countNode.start,
      end: countNode.end,
      severity: 'error',
      code: 'count-exceeds-branches',
      message: `count ${count} is more than the ${branches} branch(es): it can never be reached; lower count or add branches.`,
    });
  }
}

/** A duration node in milliseconds, if it parses. */
export function durationMs(node: DocNode | undefined): number | undefined {
  return node ? durationToMs(node.value) : undefined;
}
