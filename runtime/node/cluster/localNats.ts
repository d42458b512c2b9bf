/**
 * A nats-server of our own on 127.0.0.1 (for `caxton run --processes`, and tests): the binary is CAXTON_NATS_SERVER or
 * `nats-server` on PATH (Debian: `apt-get install nats-server`); started on a free port, ready once a client gets
 * the server's INFO greeting, stopped with the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

/** Why nats-server cannot be used, with the fix. */
export class NatsServerMissingError extends Error {
  override readonly name = 'NatsServerMissingError';
}

/** The nats-server binary: CAXTON_NATS_SERVER, or `nats-server` on PATH; throws NatsServerMissingError naming the fix. */
export function natsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env.CAXTON_NATS_SERVER ?? 'nats-server';
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new NatsServerMissingError(
      `nats-server is not installed (tried '${bin}'); install it (Debian/Ubuntu: apt-get install nats-server) or set CAXTON_NATS_SERVER to its path`,
    );
  }
  return bin;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; the listener is closed before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Poll until a TCP connection to the port receives the server's INFO greeting. */
export async function waitForNatsInfo(port: number, host = '127.0.0.1'): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host);
      socket.setTimeout(2000);
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('INFO'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, Math.min(20 * (attempt + 1), 200)));
  }
}

/** A running nats-server started here. */
export interface LocalNats {
  url: string;
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Start `nats-server -a 127.0.0.1 -p <free port>` and wait until it accepts clients. */
export async function startLocalNats(): Promise<LocalNats> {
  const bin = natsServerBinary();
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`nats-server exited with ${code} before it was ready:\n${log}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitForNatsInfo(port), exited]);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
