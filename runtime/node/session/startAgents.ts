/**
 * Load a workspace's agents into a run: check and meter each module (or bundle, for TypeScript/JavaScript agents),
 * place the agents on worker shards (runtime/shard/placement.ts), start them there (in-thread sandboxes: wasm
 * instances and QuickJS engines side by side) and register where they live.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { Runtime } from '../../runtime';
import { isJsAgent } from '../../build';
import { sourcePlace } from './agentErrors';
import { AgentLoadError, prepareJsAgent, prepareWasmAgent, type PreparedAgent, type PreparedJsAgent } from '../../sandbox';
import { agentSeed } from '../../sandbox/agentOptions';
import type { ShardGroup } from '../../shard/shardGroup';
import type { AgentSpec } from '../../shard/shardProtocol';
import { WorkspaceError, type AgentEntry } from '../files/workspace';

export interface StartAgentsOptions {
  seed: number;
  /** The worker shards the agents are placed on. */
  group: ShardGroup;
  /** Modules already read (by path), so each is read and hashed once per start; the others are read here. */
  modules?: ReadonlyMap<string, ReadModule>;
}

/** A built module's bytes and their sha256. */
export interface ReadModule {
  bytes: Buffer;
  sha256: string;
}

/** A running agent as hot reload sees it: swap its module in place. */
export interface ReloadableAgent {
  readonly name: string;
  reload(wasm: Uint8Array, reason?: string): Promise<void>;
}

/** An agent the session started: its handle, its workspace entry and the hash of the module it runs (hot reload). */
export interface StartedAgent {
  agent: ReloadableAgent;
  entry: AgentEntry;
  moduleSha256: string;
}

/** Load, place, start and register each agent (and its manifest subscriptions); throws WorkspaceError naming the manifest. */
export async function startAgents(runtime: Runtime, entries: readonly AgentEntry[], options: StartAgentsOptions): Promise<StartedAgent[]> {
  const prepared: Array<{ entry: AgentEntry; agent: PreparedAgent | PreparedJsAgent; sha: string }> = [];
  // Replicas of one manifest share its checked, metered module: prepared once, then named and seeded each.
  const byManifest = new Map<string, { agent: PreparedAgent | PreparedJsAgent; sha: string }>();
  for (const entry of entries) {
    const { manifest } = entry;
    if (!entry.wasmPath)
      throw new WorkspaceError([
        { file: entry.file, line: 1, column: 1, message: `agent '${manifest.name}' has no built module; run \`caxton build\`` },
      ]);
    if (manifest.subscriptions?.length && !manifest.host_functions?.includes('subscribe')) {
      throw new WorkspaceError([
        {
          file: entry.file,
          line: 1,
          column: 1,
          message: `agent '${manifest.name}' lists subscriptions but is not granted 'subscribe'; add it to host_functions`,
        },
      ]);
    }
    const shared = entry.replicaOf !== undefined ? byManifest.get(entry.file) : undefined;
    if (shared) {
      prepared.push({
        entry,
        agent: { ...shared.agent, name: manifest.name, seed: agentSeed(options.seed, manifest.name) },
        sha: shared.sha,
      });
      continue;
    }
    const read = options.modules?.get(entry.wasmPath);
    const wasm = read?.bytes ?? fs.readFileSync(entry.wasmPath);
    try {
      // TypeScript/JavaScript agents (language: typescript | javascript) run their bundle in QuickJS.
      const agent = isJsAgent(manifest)
        ? prepareJsAgent({ manifest, manifestPath: entry.file, code: wasm.toString('utf8'), codePath: entry.wasmPath, seed: options.seed })
        : await prepareWasmAgent({ manifest, manifestPath: entry.file, wasm, wasmPath: entry.wasmPath, seed: options.seed });
      const sha = read?.sha256 ?? crypto.createHash('sha256').update(wasm).digest('hex');
      prepared.push({ entry, agent, sha });
      if (entry.replicaOf !== undefined) byManifest.set(entry.file, { agent, sha });
    } catch (e) {
      if (e instanceof AgentLoadError)
        throw new WorkspaceError([{ file: entry.file, line: 1, column: 1, message: e.message }], `${entry.file}: ${e.message}`);
      throw e;
    }
  }
  const { group } = options;
  const where = group.place(prepared.map(({ entry }) => ({ name: entry.manifest.name, group: placementGroup(entry) })));
  const specs = prepared.map(({ entry, agent }) => ({ spec: toSpec(agent, entry), shard: where.get(agent.name)! }));
  const loaded = await group.load(specs);
  runtime.publishKeyed(loaded.events);
  const failed = loaded.results.map((r, i) => ({ r, entry: prepared[i].entry })).find(({ r }) => r.error);
  if (failed) {
    const { error } = failed.r;
    const message = `${failed.entry.wasmPath}: failed while starting (${error!.kind}: ${error!.message}); fix the module's start code (top-level statements)`;
    // A start error that names a line of the agent's source (a source-mapped stack, an abort) is put on that line.
    const at = sourcePlace(failed.entry, error!.message);
    if (at) throw new WorkspaceError([{ ...at, message }], `${at.file}:${at.line}:${at.column}: ${message}`);
    throw new WorkspaceError([{ file: failed.entry.file, line: 1, column: 1, message }]);
  }
  const started: StartedAgent[] = [];
  for (const { entry, agent, sha } of prepared) {
    runtime.placed(agent.name, where.get(agent.name)!);
    for (const topic of entry.manifest.subscriptions ?? []) runtime.subscribe(agent.name, topic);
    const reload = async (bytes: Uint8Array): Promise<void> => {
      // A wasm module's tables count against its shard's budget again; a JS bundle declares none.
      const next = 'kind' in agent ? { module: await agent.prepare(bytes), tableElements: 0 } : await agent.prepare(bytes);
      const error = await group.reload(agent.name, next.module, next.tableElements);
      if (error) throw new Error(error);
    };
    started.push({ agent: { name: agent.name, reload }, entry, moduleSha256: sha });
  }
  return started;
}

function toSpec(agent: PreparedAgent | PreparedJsAgent, entry: AgentEntry): AgentSpec {
  const limits = entry.manifest.limits;
  return {
    name: agent.name,
    kind: 'kind' in agent ? agent.kind : 'wasm',
    module: agent.module,
    grants: agent.grants,
    limits: agent.limits,
    restart: agent.restart,
    seed: agent.seed,
    metered: agent.metered,
    mailbox: limits?.mailbox,
    maxMessageBytes: limits?.max_message_bytes,
    tableElements: agent.tableElements,
  };
}

/** The manifest's placement hint (agents with the same group share a shard). */
function placementGroup(entry: AgentEntry): string | undefined {
  return entry.manifest.placement?.group;
}
