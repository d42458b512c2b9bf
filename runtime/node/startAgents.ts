/** Load a workspace's wasm agents into a Runtime: sandboxed in worker threads, with their manifests' grants and limits. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { Clock } from '../core/clock';
import type { Runtime } from '../runtime';
import { AgentLoadError, loadWasmAgent, WasmAgent, WorkerPool } from '../sandbox';
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
    try {
      agent = await loadWasmAgent({
        manifest, manifestPath: entry.file, wasm, wasmPath: entry.wasmPath,
        clock: options.clock, seed: options.seed, pool: options.pool,
        onStateChange: (c) => runtime.reportState(c.agent, c.from, c.to, c.reason),
      });
    } catch (e) {
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
