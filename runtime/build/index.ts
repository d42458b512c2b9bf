/** Public entry of the agent builder (AssemblyScript -> Agent ABI v1 wasm; TypeScript/JavaScript -> a QuickJS bundle). */
export { buildAgentSource } from './buildAgentSource';
export type { BuildDiagnostic, BuildOptions, BuildResult } from './buildAgentSource';
export { buildJsAgent, JS_COMPILER } from './buildJsAgent';
export { agentLanguage, isJsAgent, needsBuild } from './agentLanguage';
export type { AgentLanguage } from './agentLanguage';
export { buildWorkspace, builtModulePath, findManifests } from './buildWorkspace';
export type { WorkspaceBuildEntry, WorkspaceBuildResult } from './buildWorkspace';
export { locateJsSdk, locateSdk, JS_SDK_IMPORT, SDK_IMPORT } from './sdkLocation';
export { createBuildRun } from './buildRun';
export type { BuildRun, RunBuildResult } from './buildRun';
export { checkBuildCache, keyFilePath } from './buildCache';
export type { BuildKeyFile, BuildInput, CacheCheck } from './buildCache';
