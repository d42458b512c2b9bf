/**
 * The extension's side of the runtime host: spawns dist/runtimeHost.js as a child process, speaks the typed protocol
 * of schemas/protocol/runtimeHost.ts over Node IPC (or stdio), and restarts the host when it dies (re-opening the
 * last session). No `vscode` import: it is tested in plain Node.
 */
import * as cp from 'node:child_process';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  asRpc,
  onHostNotification,
  requestHost,
  type RuntimeHostNotifications,
  type RuntimeHostRequest,
  type RuntimeHostRequests,
} from '../schemas/protocol/runtimeHost';

export interface RuntimeHostClientOptions {
  /** Path of the bundled host (dist/runtimeHost.js). */
  hostScript: string;
  transport?: 'ipc' | 'stdio';
  /** Restarts allowed within `restartWindowMs` before giving up (default 5 in 3 minutes). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Extra environment for the host. */
  env?: NodeJS.ProcessEnv;
}

export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  willRestart: boolean;
  stderrTail: string;
}

type Listener<T> = (value: T) => void;

/** Why a request failed because there is no host (as opposed to the runtime saying no). */
export class RuntimeHostUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeHostUnavailableError';
  }
}

export class RuntimeHostClient {
  private child?: cp.ChildProcess;
  private connection?: MessageConnection;
  private startParams?: RuntimeHostRequests['start']['params'];
  private restarts: number[] = [];
  private disposed = false;
  private stderrTail = '';
  private starting?: Promise<MessageConnection>;
  private readonly listeners = {
    trace: new Set<Listener<RuntimeHostNotifications['trace']>>(),
    log: new Set<Listener<RuntimeHostNotifications['log']>>(),
    agents: new Set<Listener<RuntimeHostNotifications['agents']>>(),
    agentError: new Set<Listener<RuntimeHostNotifications['agentError']>>(),
    exit: new Set<Listener<HostExit>>(),
    restart: new Set<Listener<number>>(),
  };

  constructor(private readonly options: RuntimeHostClientOptions) {}

  onTrace(l: Listener<RuntimeHostNotifications['trace']>): () => void {
    return this.add(this.listeners.trace, l);
  }
  onLog(l: Listener<RuntimeHostNotifications['log']>): () => void {
    return this.add(this.listeners.log, l);
  }
  onAgents(l: Listener<RuntimeHostNotifications['agents']>): () => void {
    return this.add(this.listeners.agents, l);
  }
  /** An agent failed at a line of its own source. */
  onAgentError(l: Listener<RuntimeHostNotifications['agentError']>): () => void {
    return this.add(this.listeners.agentError, l);
  }
  /** The host process exited (crashed or was killed); `willRestart` says whether it comes back. */
  onExit(l: Listener<HostExit>): () => void {
    return this.add(this.listeners.exit, l);
  }
  /** The host was restarted (and its session re-opened); gives the new pid. */
  onRestart(l: Listener<number>): () => void {
    return this.add(this.listeners.restart, l);
  }

  /** The host's process id, when it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return !!this.connection;
  }

  /** Open (or re-open) a session; the host is spawned on first use. */
  async start(params: RuntimeHostRequests['start']['params']): Promise<RuntimeHostRequests['start']['result']> {
    this.startParams = params;
    return requestHost(asRpc(await this.ensure()), 'start', params);
  }

  /** A typed request to the host (spawning it, and opening the last session, if needed). */
  async request<K extends Exclude<RuntimeHostRequest, 'start'>>(
    method: K,
    params: RuntimeHostRequests[K]['params'],
  ): Promise<RuntimeHostRequests[K]['result']> {
    const connection = await this.ensure();
    return requestHost(asRpc(connection), method, params);
  }

  private ensure(): Promise<MessageConnection> {
    if (this.disposed) return Promise.reject(new RuntimeHostUnavailableError('the runtime host was shut down'));
    if (this.connection) return Promise.resolve(this.connection);
    this.starting ??= this.spawn().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async spawn(): Promise<MessageConnection> {
    const stdio = this.options.transport === 'stdio';
    const child = cp.fork(this.options.hostScript, [stdio ? '--stdio' : '--node-ipc'], {
      // ELECTRON_RUN_AS_NODE: inside VS Code process.execPath is the editor binary; this makes it a plain Node.
      env: { ...process.env, ...this.options.env, ELECTRON_RUN_AS_NODE: '1' },
      execArgv: [],
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    this.stderrTail = '';
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    if (!stdio)
      child.stdout?.on('data', () => {
        /* the host logs through notifications; drain stray output */
      });
    const connection = stdio
      ? createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!))
      : createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    onHostNotification(asRpc(connection), 'trace', (p) => this.listeners.trace.forEach((l) => l(p)));
    onHostNotification(asRpc(connection), 'log', (p) => this.listeners.log.forEach((l) => l(p)));
    onHostNotification(asRpc(connection), 'agents', (p) => this.listeners.agents.forEach((l) => l(p)));
    onHostNotification(asRpc(connection), 'agentError', (p) => this.listeners.agentError.forEach((l) => l(p)));
    connection.onError(() => {
      /* the exit handler below reports and restarts */
    });
    child.on('exit', (code, signal) => this.onChildExit(child, connection, code, signal));
    child.on('error', (e) => {
      this.stderrTail += `\n${e.message}`;
    });
    connection.listen();
    this.connection = connection;
    return connection;
  }

  private onChildExit(child: cp.ChildProcess, connection: MessageConnection, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.connection = undefined;
    connection.dispose();
    const now = Date.now();
    const window = this.options.restartWindowMs ?? 180_000;
    this.restarts = this.restarts.filter((t) => now - t < window);
    const willRestart = !this.disposed && this.restarts.length < (this.options.maxRestarts ?? 5);
    this.listeners.exit.forEach((l) => l({ code, signal, willRestart, stderrTail: this.stderrTail }));
    if (!willRestart) return;
    this.restarts.push(now);
    setTimeout(() => void this.restart(), 100 * this.restarts.length);
  }

  private async restart(): Promise<void> {
    if (this.disposed) return;
    try {
      const connection = await this.ensure();
      if (this.startParams) await requestHost(asRpc(connection), 'start', this.startParams);
      if (this.child?.pid !== undefined) this.listeners.restart.forEach((l) => l(this.child!.pid!));
    } catch (e) {
      this.listeners.log.forEach((l) => l({ level: 'error', text: `runtime host restart failed: ${(e as Error).message}` }));
    }
  }

  /** Stop the host for good. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const child = this.child;
    this.connection?.dispose();
    this.connection = undefined;
    this.child = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }

  private add<T>(set: Set<Listener<T>>, l: Listener<T>): () => void {
    set.add(l);
    return () => set.delete(l);
  }
}
