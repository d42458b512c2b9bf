/**
 * `caxton node` (and other CLI runs) as child processes of a test: started from the bundled CLI, waited for by the
 * lines they print (never by fixed sleeps), stopped with SIGTERM or killed with SIGKILL as a crash would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { distDir } from './paths';

/** A CLI process and everything it printed so far. */
export class CliProcess {
  out = '';
  err = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [path.join(distDir, 'cli.js'), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.out += d.toString();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.err += d.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once stdout holds a line matching `pattern` (rejects if the process exits first or after `timeoutMs`). */
  async waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.out.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (!this.running) throw new Error(`the process exited before printing ${pattern}:\n${this.out}\n${this.err}`);
      if (Date.now() > deadline) throw new Error(`no line ${pattern} within ${timeoutMs} ms:\n${this.out}\n${this.err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stop with SIGTERM (a clean stop) and wait for the exit code. */
  stop(): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    return this.exited;
  }
  /** Kill with SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<number | null> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** Start `caxton node <folder> --nats <url> --name <name> ...` and wait for its `ready` line. */
export async function startNode(folder: string, url: string, name: string, extra: readonly string[] = []): Promise<CliProcess> {
  const p = new CliProcess(['node', folder, '--nats', url, '--name', name, ...extra], folder);
  await p.waitForLine(new RegExp(`^node ${name} ready`));
  return p;
}

/** Run a CLI command to its end; its output and exit code. */
export async function runCli(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const p = new CliProcess(args, cwd, env);
  const code = await p.exited;
  return { code, out: p.out, err: p.err };
}
