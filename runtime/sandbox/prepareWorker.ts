/**
 * The worker thread that instruments modules with fuel metering (binaryen), so a large or hostile module never
 * blocks the router's thread; the parent gives it a deadline and terminates it past that (instrumentOffThread.ts).
 */
import { parentPort } from 'node:worker_threads';
import { instrumentFuel, UnsupportedInstructionError } from './meter';

export interface PrepareRequest {
  id: number;
  bytes: Uint8Array;
  fuel: number;
  capPages: number;
}
export type PrepareReply = { id: number; ok: true; bytes: Uint8Array } | { id: number; ok: false; unsupported: boolean; message: string };

const port = parentPort;

async function onMessage(req: PrepareRequest): Promise<void> {
  let reply: PrepareReply;
  try {
    reply = { id: req.id, ok: true, bytes: await instrumentFuel(req.bytes, req.fuel, req.capPages) };
  } catch (e) {
    reply = { id: req.id, ok: false, unsupported: e instanceof UnsupportedInstructionError, message: (e as Error).message };
  }
  port!.postMessage(reply);
}

if (port)
  port.on('message', (req: PrepareRequest) => {
    void onMessage(req);
  });
