/**
 * One run spread over N local processes (`caxton run --processes N`): a nats-server of our own (unless a server is
 * given), then N `caxton node <folder> --slice i/N` processes, each hosting its share of the folder's agents (about
 * 12,000 wasm agents fit one process: V8's limit on wasm memories). The run itself is then a client node of that
 * cluster. Stopping sends SIGTERM to each node and collects what it printed about its run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { startLocalNats, type LocalNats } from './localNats';

export interface ProcessClusterOptions {
  folder: string;
  processes: number;
  /** The caxton CLI script the nodes run (`node <cli> node ...`). */
  cli: string;
  /** A NATS server to use instead of starting one (URL with credentials, as --nats). */
  natsUrl?: string;
  /** The cluster's subject prefix (default: one per run, so runs sharing a server do not mix). */
  prefix?: string;
  /** Write each node's trace as `<base>.<node>.jsonl`. */
  traceBase?: string;
  /** Worker threads per node process. */
  workers?: number;
  /** Node heartbeat (ms). */
  heartbeatMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** One node process of the cluster. */
export interface NodeProcess {
  name: string;
  pid: number | undefined;
  agents: number;
  traceFile?: string;
}

/** What a node printed when it stopped. */
export interface NodeResult {
  name: string;
  code: number | null;
  delivered?: number;
  dropped?: number;
  timeouts?: number;
  lines: string[];
}

export interface ProcessCluster {
  url: string;
  prefix: string;
  nodes: NodeProcess[];
  /** Real time from the first spawn until every node was ready (ms). */
  readyMs: number;
  /** Each node's resident memory now (Linux /proc; undefined elsewhere). */
  rss(): Array<{ name: string; bytes: number | undefined }>;
  /** Stop every node (SIGTERM, then SIGKILL after `graceMs`) and the nats-server we started. */
  stop(graceMs?: number): Promise<NodeResult[]>;
}

interface Child {
  name: string;
  child: ChildProcess;
  out: string;
  err: string;
  exited: Promise<number | null>;
  traceFile?: string;
}

/** Start the cluster; throws naming the node and what it printed when one cannot start. */
export async function startProcessCluster(options: ProcessClusterOptions): Promise<ProcessCluster> {
  const log = options.log ?? (() => undefined);
  const local: LocalNats | undefined = options.natsUrl ? undefined : await startLocalNats();
  const url = options.natsUrl ?? local!.url;
  if (local) log(`nats-server started on ${local.url} (pid ${local.pid})`);
  const prefix = options.prefix ?? `caxton.run${process.pid}`;
  const started = performance.now();
  const children: Child[] = [];
  for (let i = 0; i < options.processes; i++) {
    const name = `p${i}`;
    const traceFile = options.traceBase ? options.traceBase.replace(/(\.jsonl)?$/, `.${name}.jsonl`) : undefined;
    const args = [
      options.cli,
      'node',
      options.folder,
      '--nats',
      url,
      '--cluster',
      prefix,
      '--name',
      name,
      '--slice',
      `${i}/${options.processes}`,
      '--no-agent-subjects',
      ...(traceFile ? ['--trace', traceFile] : []),
      ...(options.workers ? ['--workers', String(options.workers)] : []),
      ...(options.heartbeatMs ? ['--heartbeat', `${options.heartbeatMs}ms`] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const c: Child = {
      name,
      child,
      out: '',
      err: '',
      exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
      traceFile,
    };
    child.stdout!.on('data', (d: Buffer) => {
      c.out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      c.err = (c.err + d.toString()).slice(-8000);
    });
    children.push(c);
  }
  const stopAll = async (graceMs = 30_000): Promise<NodeResult[]> => {
    const results = await Promise.all(
      children.map(async (c) => {
        if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGTERM');
        const timer = setTimeout(() => c.child.kill('SIGKILL'), graceMs);
        const code = await c.exited;
        clearTimeout(timer);
        return nodeResult(c, code);
      }),
    );
    await local?.stop();
    return results;
  };
  let nodes: NodeProcess[];
  try {
    nodes = await Promise.all(
      children.map(async (c) => {
        const agents = await readyLine(c);
        log(`node ${c.name} ready with ${agents} agent(s) (pid ${c.child.pid})`);
        return { name: c.name, pid: c.child.pid, agents, ...(c.traceFile ? { traceFile: c.traceFile } : {}) };
      }),
    );
  } catch (e) {
    await stopAll(2000);
    throw e;
  }
  return {
    url,
    prefix,
    nodes,
    readyMs: performance.now() - started,
    rss: () => children.map((c) => ({ name: c.name, bytes: rssOf(c.child.pid) })),
    stop: stopAll,
  };
}

/** Resolves with the agent count of the node's `ready` line; rejects, with what it printed, if it exits first. */
function readyLine(c: Child): Promise<number> {
  return new Promise((resolve, reject) => {
    const look = (): boolean => {
      const m = /^node \S+ ready: (\d+) agent/m.exec(c.out);
      if (m) {
        resolve(Number(m[1]));
        return true;
      }
      return false;
    };
    if (look()) return;
    const onData = (): void => {
      if (look()) c.child.stdout!.off('data', onData);
    };
    c.child.stdout!.on('data', onData);
    void c.exited.then((code) => {
      if (!look())
        reject(
          new Error(
            `node ${c.name} (caxton node) exited with ${code} before it was ready:\n${(c.err || c.out).trim().split('\n').slice(-8).join('\n')}`,
          ),
        );
    });
  });
}

function nodeResult(c: Child, code: number | null): NodeResult {
  const lines = c.out.trim().split('\n');
  const m = /delivered (\d+), dropped (\d+), timeouts (\d+)/.exec(lines.filter((l) => / stopped by /.test(l)).pop() ?? '');
  return { name: c.name, code, lines, ...(m ? { delivered: Number(m[1]), dropped: Number(m[2]), timeouts: Number(m[3]) } : {}) };
}

/** Resident memory of a process in bytes (Linux), or undefined. */
function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
