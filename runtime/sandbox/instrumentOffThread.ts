/**
 * Fuel instrumentation off the main thread: one helper worker (started on first use, not keeping the process
 * alive while idle) runs binaryen; a job past its deadline terminates the worker, which is replaced for the next.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PrepareReply, PrepareRequest } from './prepareWorker';

/** Why instrumentation failed: the module uses something the metering cannot bound, took too long, or broke it. */
export class InstrumentError extends Error {
  constructor(
    message: string,
    readonly reason: 'unsupported' | 'timeout' | 'failed',
  ) {
    super(message);
  }
}

/** Where the helper worker script is: next to this module (tsc output or the esbuild bundle), unless overridden. */
export function prepareWorkerScript(): string {
  return process.env.CAXTON_PREPARE_WORKER ?? path.join(__dirname, 'prepareWorker.js');
}

interface Job {
  req: PrepareRequest;
  deadlineMs: number;
  resolve(bytes: Uint8Array): void;
  reject(e: Error): void;
}

let worker: Worker | undefined;
let current: { job: Job; timer: ReturnType<typeof setTimeout> } | undefined;
const queue: Job[] = [];
let nextId = 1;

/** Instrument `bytes` in the helper worker; rejects with InstrumentError (never hangs past `deadlineMs`). */
export function instrumentOffThread(bytes: Uint8Array, fuel: number, capPages: number, deadlineMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    queue.push({ req: { id: nextId++, bytes, fuel, capPages }, deadlineMs, resolve, reject });
    pump();
  });
}

/** Terminate the helper worker (queued jobs go on in a fresh one); for shutdown and tests. */
export async function stopInstrumentWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (current) {
    clearTimeout(current.timer);
    current.job.reject(new InstrumentError('the instrumenting worker was stopped', 'failed'));
    current = undefined;
  }
  await w?.terminate();
  pump();
}

function spawn(): Worker {
  const w = new Worker(prepareWorkerScript(), { stdout: false, stderr: false });
  w.on('message', (reply: PrepareReply) => {
    if (!current || reply.id !== current.job.req.id) return;
    const { job, timer } = current;
    clearTimeout(timer);
    current = undefined;
    if (reply.ok) job.resolve(reply.bytes);
    else job.reject(new InstrumentError(reply.message, reply.unsupported ? 'unsupported' : 'failed'));
    pump();
  });
  const die = (why: string): void => {
    if (worker !== w) return;
    worker = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.job.reject(new InstrumentError(why, 'failed'));
      current = undefined;
    }
    pump();
  };
  w.on('error', (e) => die(`the instrumenting worker failed: ${e.message}`));
  w.on('exit', (code) => die(`the instrumenting worker exited (code ${code})`));
  return w;
}

function pump(): void {
  if (current) return;
  const job = queue.shift();
  if (!job) {
    worker?.unref();
    return;
  }
  worker ??= spawn();
  worker.ref();
  const timer = setTimeout(() => {
    const w = worker;
    worker = undefined;
    current = undefined;
    job.reject(new InstrumentError(`instrumenting took longer than ${job.deadlineMs} ms`, 'timeout'));
    void w?.terminate();
    pump();
  }, job.deadlineMs);
  current = { job, timer };
  worker.postMessage(job.req);
}
