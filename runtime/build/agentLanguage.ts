/**
 * Which engine runs an agent, from its manifest: `.wasm` modules run as they are; a `.ts` module is AssemblyScript
 * unless `language: typescript` says otherwise; `language: typescript | javascript` agents are bundled to one JS
 * file and run in QuickJS. The schema (schemas/agent.schema.json) checks that `language` and `module` agree.
 */
import * as path from 'node:path';

export type AgentLanguage = 'wasm' | 'assemblyscript' | 'typescript' | 'javascript';

/** The language of an agent manifest (lenient: the schema reports inconsistent ones). */
export function agentLanguage(manifest: { module: string; language?: string }): AgentLanguage {
  if (manifest.module.endsWith('.wasm')) return 'wasm';
  if (manifest.language === 'typescript' || manifest.language === 'javascript') return manifest.language;
  if (manifest.language === 'assemblyscript') return 'assemblyscript';
  return /\.(js|mjs)$/.test(manifest.module) ? 'javascript' : 'assemblyscript';
}

/** Whether the agent runs in QuickJS (TypeScript or JavaScript), not as a wasm module. */
export function isJsAgent(manifest: { module: string; language?: string }): boolean {
  const l = agentLanguage(manifest);
  return l === 'typescript' || l === 'javascript';
}

/** Whether `caxton build` compiles or bundles this agent's module. */
export function needsBuild(manifest: { module: string; language?: string }): boolean {
  return agentLanguage(manifest) !== 'wasm';
}

/** Whether an output path is a JS bundle (the builder picks the bundler for it). */
export function isJsBundlePath(out: string): boolean {
  return path.extname(out) === '.js';
}
