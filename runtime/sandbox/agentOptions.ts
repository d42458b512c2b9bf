/** Checks and normalisation shared by every agent loader (wasm and JS): manifest, name, grants, seed and limits. */
import { RESERVED_AGENT_NAMES, type AgentManifest, type HostGrant } from '../../schemas';
import { AgentLoadError } from './errors';
import { resolveLimits, resolveRestart, type SandboxLimits } from './limits';
import { GATED_HOST_FUNCTIONS } from './validateModule';

/** The grants a manifest may list: those the gated host functions need. */
const GRANTS: readonly HostGrant[] = [...new Set(Object.values(GATED_HOST_FUNCTIONS))];
const NAME = /^[A-Za-z_][A-Za-z0-9_.@:-]*$/;

/** What every loader is given besides the code. */
export interface CommonAgentOptions {
  manifest: AgentManifest;
  manifestPath?: string;
  seed?: number;
  limits?: Partial<SandboxLimits>;
}

/** The checked options: the manifest, its limits and grants, and the run seed. */
export interface NormalisedAgentOptions {
  manifest: AgentManifest;
  limits: SandboxLimits;
  grants: HostGrant[];
  seed: number;
}

/** Check and normalise the options; throws AgentLoadError naming the manifest and the fix. `code` checks the code field. */
export function normaliseAgentOptions(
  options: CommonAgentOptions,
  code: (bad: (problem: string, fix: string) => never) => void,
): NormalisedAgentOptions {
  const where = options?.manifestPath ?? 'agent options';
  const bad = (problem: string, fix: string): never => {
    throw new AgentLoadError(where, problem, fix);
  };
  if (!options || typeof options !== 'object') bad('is missing', 'pass { manifest, wasm }');
  const { manifest } = options;
  if (!manifest || typeof manifest !== 'object') bad('has no manifest', 'pass the parsed *.agent.yaml as `manifest`');
  if (typeof manifest.name !== 'string' || !NAME.test(manifest.name))
    bad(`has an invalid agent name ${JSON.stringify(manifest.name)}`, 'use letters, digits and _.@:- starting with a letter or _');
  if (RESERVED_AGENT_NAMES.includes(manifest.name))
    bad(
      `names its agent '${manifest.name}', which is reserved (${RESERVED_AGENT_NAMES.join(', ')}): an agent with it would receive replies meant for someone else`,
      'rename the agent',
    );
  code(bad);
  const grants = manifest.host_functions ?? [];
  if (!Array.isArray(grants)) bad('has `host_functions` that is not a list', `list some of ${GRANTS.join(', ')}`);
  for (const g of grants)
    if (!GRANTS.includes(g)) bad(`grants unknown host function ${JSON.stringify(g)}`, `grant only ${GRANTS.join(', ')}`);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) bad(`has a non-numeric seed ${String(seed)}`, 'pass a number');
  let limits: SandboxLimits;
  try {
    limits = resolveLimits(manifest, options.limits);
    resolveRestart(manifest);
  } catch (e) {
    return bad(`has invalid limits: ${(e as Error).message}`, 'fix `limits` / `restart` in the manifest');
  }
  return { manifest, limits: limits!, grants: [...grants], seed };
}

/** Each agent's random seed: the run seed mixed with the agent's name (FNV-1a), so agents differ but runs repeat. */
export function agentSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return (h ^ Math.floor(seed)) >>> 0;
}

let nextAgentId = 1;
/** A unique id for an agent inside a worker pool (several runs may load agents with the same name). */
export function nextPoolId(name: string): string {
  return `${name}#${nextAgentId++}`;
}
