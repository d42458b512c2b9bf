/**
 * `caxton run <folder|scenario> --processes N`: the folder's agents spread over N local `caxton node` processes on a
 * nats-server started for the run (node/processCluster.ts); the run's scenarios then run as a client node of that
 * cluster, and each node's figures and trace are gathered at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas';
import { parseTraceJsonl, traceLine } from '../../../schemas/load/traceJsonl';
import { startProcessCluster } from '../../node/cluster/processCluster';
import type { RunScenarioOptions } from '../../node/scenario/scenario';
import { buildAgents, loadWorkspace, WorkspaceError } from '../../node/files/workspace';
import { mergeTraces } from '../../trace/mergeTraces';
import type { CliIo } from '../command';

/** Start the cluster, run `runOnce` as its client, stop it; the exit code. */
export async function runOverProcesses(
  target: string,
  processes: number,
  options: RunScenarioOptions,
  io: CliIo,
  runOnce: (target: string, options: RunScenarioOptions) => Promise<number>,
): Promise<number> {
  const folder = fs.statSync(target).isDirectory() ? target : path.dirname(target);
  // Built once here, so the nodes do not all build at the same time.
  const ws = await buildAgents(await loadWorkspace(folder, { build: false }));
  const broken = ws.problems.filter((p) => p.file.endsWith('.agent.yaml'));
  if (broken.length) throw new WorkspaceError(broken);
  const trace = options.traceFile;
  // Many nodes starting thousands of agents on few cores delay each other's heartbeats: 2 s (lost after 6.5 s), for
  // the nodes and the client alike.
  const heartbeatMs = options.nats?.heartbeatMs ?? 2000;
  const cluster = await startProcessCluster({
    folder,
    processes,
    cli: process.argv[1],
    natsUrl: options.nats?.url,
    prefix: options.nats?.prefix,
    traceBase: trace,
    workers: options.workers,
    heartbeatMs,
    log: (line) => io.err(line),
  });
  const agents = cluster.nodes.reduce((n, x) => n + x.agents, 0);
  const rss = cluster
    .rss()
    .map((r) => r.bytes ?? 0)
    .reduce((a, b) => a + b, 0);
  io.out(
    `processes: ${processes} node(s) ready in ${(cluster.readyMs / 1000).toFixed(1)} s holding ${agents} agent(s) (${cluster.nodes.map((n) => `${n.name}: ${n.agents}`).join(', ')}); ` +
      `RSS ${(rss / 2 ** 20).toFixed(0)} MiB in all${agents ? `, ${(rss / agents / 1024).toFixed(1)} KiB per agent` : ''}`,
  );
  const clientTrace = trace?.replace(/(\.jsonl)?$/, '.client.jsonl');
  let code = 1;
  try {
    code = await runOnce(target, {
      ...options,
      noAgents: true,
      traceFile: clientTrace,
      nats: {
        ...options.nats,
        heartbeatMs,
        url: cluster.url,
        prefix: cluster.prefix,
        node: 'client',
        log: options.nats?.log ?? ((line) => io.err(line)),
      },
    });
  } finally {
    const results = await cluster.stop();
    let delivered = 0,
      dropped = 0;
    for (const r of results) {
      delivered += r.delivered ?? 0;
      dropped += r.dropped ?? 0;
      if (r.delivered === undefined) io.err(`node ${r.name} exited with ${r.code} without its summary:\n${r.lines.slice(-5).join('\n')}`);
    }
    io.out(`nodes: delivered ${delivered}, dropped ${dropped} over ${results.length} process(es)`);
    if (trace) mergeInto(trace, [...cluster.nodes.map((n) => n.traceFile!), ...(clientTrace ? [clientTrace] : [])], io);
  }
  return code;
}

/** Merge the nodes' and the client's traces (causal order, docs/nats.md) into `file`. */
function mergeInto(file: string, parts: readonly string[], io: CliIo): void {
  const traces: Array<{ node: string; events: TraceEvent[] }> = [];
  for (const part of parts) {
    if (!fs.existsSync(part)) continue;
    traces.push({ node: path.basename(part, '.jsonl').split('.').pop()!, events: parseTraceJsonl(fs.readFileSync(part, 'utf8')).events });
  }
  const merged = mergeTraces(traces);
  fs.writeFileSync(file, merged.events.map(traceLine).join(''));
  for (const p of merged.problems.slice(0, 5)) io.err(`merging the traces: ${p}`);
  io.out(
    `merged trace of ${traces.length} node(s) written to ${path.relative(io.cwd, file) || file} (their own: ${parts.map((p) => path.basename(p)).join(', ')})`,
  );
}
