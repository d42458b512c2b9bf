/**
 * Load a workspace's agents into a Runtime: wasm modules (AssemblyScript builds) and TypeScript/JavaScript bundles
 * (QuickJS), sandboxed in worker threads, with their manifests' grants and limits.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { Clock } from '../core/clock';
import type { StateChange } from '../sandbox';
import type { Runtime } from '../runtime';
import * as path from 'node:path';
import { isJsAgent } from '../build';
import { AgentLoadError, JsAgentLoadError, loadJsAgent, loadWasmAgent, WasmAgent, WorkerPool } from '../sandbox';
import { WorkspaceError, type AgentEntry } from './workspace';

export interface StartAgentsOptions {
  clock: Clock;
  seed: number;
  /** The worker pool the agents share. */
  pool: WorkerPool;
}

/** An agent the session started: its sandbox, its workspace entry and the hash of the module it runs (hot reload). */
export interface StartedAgent { agent: WasmAgent; entry: AgentEntry; moduleSha256: string }

/** Load, start and register each agent (and its manifest subscriptions); throws WorkspaceError naming the manifest. */
export async function startAgents(runtime: Runtime, entries: readonly AgentEntry[], options: StartAgentsOptions): Promise<StartedAgent[]> {
  const started: StartedAgent[] = [];
  for (const entry of entries) {
    const { manifest } = entry;
    if (!entry.wasmPath) throw new WorkspaceError([{ file: entry.file, line: 1, column: 1, message: `agent '${manifest.name}' has no built module; run \`caxton build\`` }]);
    if (manifest.subscriptions?.length && !manifest.host_functions?.includes('subscribe')) {
      throw new WorkspaceError([{ file: entry.file, line: 1, column: 1, message: `agent '${manifest.name}' lists subscriptions but is not granted 'subscribe'; add it to host_functions` }]);
    }
    let agent;
    const wasm = fs.readFileSync(entry.wasmPath);
    const common = { manifest, manifestPath: entry.file, clock: options.clock, seed: options.seed, pool: options.pool, onStateChange: (c: StateChange) => runtime.reportState(c.agent, c.from, c.to, c.reason) };
    try {
      // TypeScript/JavaScript agents (language: typescript | javascript) run their bundle in QuickJS, in the same workers.
      agent = isJsAgent(manifest)
        ? await loadJsAgent({ ...common, code: wasm.toString('utf8'), codePath: entry.wasmPath })
        : await loadWasmAgent({ ...common, wasm, wasmPath: entry.wasmPath });
    } catch (e) {
      if (e instanceof JsAgentLoadError && e.position) {
        // The start code threw: point at the agent's own line (positions are relative to the agent's folder).
        const file = path.resolve(path.dirname(entry.source), e.position.source);
        throw new WorkspaceError([{ file, line: e.position.line, column: e.position.column, message: e.message }], `${file}:${e.position.line}:${e.position.column}: ${e.message}`);
      }
      if (e instanceof AgentLoadError) throw new WorkspaceError([{ file: entry.file, line: 1, column: 1, message: e.message }], `${entry.file}: ${e.message}`);
      throw e;
    }
    runtime.addAgent(agent, {
      grants: manifest.host_functions ?? [],
      mailbox: manifest.limits?.mailbox,
      maxMessageBytes: manifest.limits?.max_message_bytes,
      ownLifecycle: true,
    });
    for (const topic of manifest.subscriptions ?? []) runtime.subscribe(manifest.name, topic);
    started.push({ agent, entry, moduleSha256: crypto.createHash('sha256').update(wasm).digest('hex') });
  }
  return started;
}
