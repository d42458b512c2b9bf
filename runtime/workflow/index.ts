/** Workflows: the pipeline executor (*.pipeline.yaml), scatter-gather, saga compensation and the pipeline loader. */
export { runPipeline, stageName, type RunPipelineOptions } from './runPipeline';
export { loadPipeline, parsePipeline, PipelineLoadError, type PipelineProblem } from './loadPipeline';
export { formatReport, type PipelineReport, type StageReport, type CompensationReport, type StageStatus } from './report';
export { gather, gatherOutput, type Branch, type GatherResult, type GatherOptions } from './scatterGather';
export { decide, needed, type AggregatePolicy, type BranchOutcome, type GatherDecision } from './aggregate';
export { callAgent, AgentReplyError, reasonOf, type CallOptions } from './callAgent';
export {
  selectByContractNet,
  contractNetCapability,
  cfpContent,
  CONTRACT_NET_PREFIX,
  type Selection,
  type SelectionOptions,
} from './contractNet';
