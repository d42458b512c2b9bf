/** Public entry of the agent builder (AssemblyScript -> Agent ABI v1 wasm); used by `caxton build` and tests. */
export { buildAgentSource } from './buildAgentSource';
export type { BuildDiagnostic, BuildOptions, BuildResult } from './buildAgentSource';
export { buildWorkspace, builtModulePath, findManifests } from './buildWorkspace';
export type { WorkspaceBuildEntry, WorkspaceBuildResult } from './buildWorkspace';
export { locateSdk, SDK_IMPORT } from './sdkLocation';
export { createBuildRun } from './buildRun';
export type { BuildRun, RunBuildResult } from './buildRun';
export { checkBuildCache, keyFilePath } from './buildCache';
export type { BuildKeyFile, BuildInput, CacheCheck } from './buildCache';
