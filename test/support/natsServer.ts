/**
 * A real nats-server for tests: started on a free port of 127.0.0.1 with a generated config (max_payload, a user and
 * password or a token, per-user permissions, JetStream), waited for until it accepts clients, stopped, killed and
 * restarted on the same port (to test reconnects). Debian: `apt-get install -y nats-server` (CI's .ci/run does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, natsServerBinary, waitForNatsInfo } from '../../runtime/node/cluster/localNats';

/** What a NATS user may publish and subscribe to (nats-server `permissions`). */
export interface NatsPermissions {
  publish?: string[];
  subscribe?: string[];
}

export interface NatsServerOptions {
  /** The largest payload the server accepts (nats-server's default is 1 MiB). */
  maxPayload?: number;
  /** Require this user and password (one user) ... */
  user?: string;
  password?: string;
  /** ... or these users, each with optional permissions ... */
  users?: Array<{ user: string; password: string; permissions?: NatsPermissions }>;
  /** ... or this token. */
  token?: string;
  /** Bytes the server buffers for a client before cutting it off as a slow consumer (default 64 MiB). */
  maxPending?: number;
  /** Enable JetStream, storing under a temporary folder. */
  jetstream?: boolean;
}

/** The nats-server binary (runtime/node/cluster/localNats.ts: CAXTON_NATS_SERVER, or `nats-server` on PATH). */
export { natsServerBinary, freePort };

const q = (s: string): string => JSON.stringify(s);

/** The nats-server config text for these options (pure, exported for its own test). */
export function natsConfig(port: number, options: NatsServerOptions, storeDir: string): string {
  const lines = [`listen: "127.0.0.1:${port}"`];
  if (options.maxPayload !== undefined) lines.push(`max_payload: ${options.maxPayload}`);
  if (options.maxPending !== undefined) lines.push(`max_pending: ${options.maxPending}`);
  const perms = (p?: NatsPermissions): string =>
    p
      ? `, permissions: { ${p.publish ? `publish: [${p.publish.map(q).join(', ')}]` : ''}${p.publish && p.subscribe ? ', ' : ''}${p.subscribe ? `subscribe: [${p.subscribe.map(q).join(', ')}]` : ''} }`
      : '';
  const users = options.users ?? (options.user !== undefined ? [{ user: options.user, password: options.password ?? '' }] : []);
  if (users.length)
    lines.push(
      `authorization { users: [\n${users.map((u) => `  { user: ${q(u.user)}, password: ${q(u.password)}${perms('permissions' in u ? u.permissions : undefined)} }`).join('\n')}\n] }`,
    );
  else if (options.token !== undefined) lines.push(`authorization { token: ${q(options.token)} }`);
  if (options.jetstream) lines.push(`jetstream { store_dir: ${q(storeDir)} }`);
  return lines.join('\n') + '\n';
}

/** A running (or stopped) nats-server owned by a test. */
export class NatsServer {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  /** Start a server on a free port and wait until it accepts clients. */
  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const bin = natsServerBinary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-nats-'));
    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'nats.conf'), natsConfig(port, options, path.join(dir, 'jetstream')));
    const server = new NatsServer(port, dir, bin);
    await server.restart();
    return server;
  }

  /** The client URL without credentials, e.g. nats://127.0.0.1:4567. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }
  /** The server's log so far (its stderr), for failure messages. */
  get output(): string {
    return this.log;
  }
  /** The OS process id while running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** (Re)start on the same port and config; resolves once a TCP client gets the server's INFO line. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('nats-server is already running');
    const child = spawn(this.bin, ['-c', path.join(this.dir, 'nats.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => {
      this.log += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.log += d.toString();
    });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`nats-server exited with ${code} before it was ready:\n${this.log}`))),
    );
    exited.catch(() => undefined);
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await Promise.race([waitForNatsInfo(this.port), exited]);
  }

  /** Stop gracefully (SIGTERM) and wait for the exit. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** Kill at once (SIGKILL), as a crash would, and wait for the exit. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** Stop and remove the temporary folder. */
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(sig);
    });
  }
}
