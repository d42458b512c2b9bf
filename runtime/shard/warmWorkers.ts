/**
 * Worker threads started ahead of the ShardGroup that will use them: a thread loads and compiles its script
 * (60-100 ms on this machine) while the caller reads and checks its files, and the next group takes it instead of
 * starting its own. An unused warm thread does not keep the process alive and is terminated by the next group.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

interface Warm {
  worker: Worker;
  script: string;
  limits: string;
  dead: boolean;
  onError: () => void;
}

const pool: Warm[] = [];
const stats = { started: 0, taken: 0, released: 0 };

/**
 * Have `n` threads of `script` with `limits` waiting for the next group that asks for the same: only the missing ones
 * are started (a `--watch` loop whose runs fail before they start agents does not pile threads up).
 */
export function startWarmWorkers(n: number, script: string, limits: ResourceLimits): void {
  const key = JSON.stringify(limits);
  const waiting = pool.filter((w) => !w.dead && w.script === script && w.limits === key).length;
  for (let i = waiting; i < n; i++) {
    const worker = new Worker(script, { resourceLimits: limits, stdout: false, stderr: false });
    const warm: Warm = { worker, script, limits: key, dead: false, onError: () => (warm.dead = true) };
    // A thread that failed to start is dropped when taken (the group then starts its own, and reports its error).
    worker.on('error', warm.onError);
    worker.once('exit', () => (warm.dead = true));
    worker.unref();
    pool.push(warm);
    stats.started++;
  }
}

/** A started thread of `script` with `limits`, or undefined (the caller starts one). */
export function takeWarmWorker(script: string, limits: ResourceLimits): Worker | undefined {
  const key = JSON.stringify(limits);
  const at = pool.findIndex((w) => !w.dead && w.script === script && w.limits === key);
  if (at < 0) return undefined;
  const [warm] = pool.splice(at, 1);
  warm.worker.off('error', warm.onError);
  warm.worker.ref();
  stats.taken++;
  return warm.worker;
}

/** Terminate the threads nobody took. */
export function releaseWarmWorkers(): void {
  for (const w of pool.splice(0)) {
    stats.released++;
    void w.worker.terminate();
  }
}

/** Threads started, taken by a group and terminated unused since the process started, and those waiting now. */
export function warmWorkerStats(): { started: number; taken: number; released: number; waiting: number } {
  return { ...stats, waiting: pool.filter((w) => !w.dead).length };
}
