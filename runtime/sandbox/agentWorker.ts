/**
 * The worker thread that runs agents (never the router's thread). It holds instances by agent id and
 * answers one request at a time; the pool on the other side enforces the wall-clock deadline by terminating it.
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './workerProtocol';
import { AgentInstance } from './agentInstance';
import { loadJsInstance, type JsAgentInstance } from './js/jsWorkerLoad';

const instances = new Map<string, AgentInstance | JsAgentInstance>();
const port = parentPort;

function reply(msg: FromWorker): void {
  port!.postMessage(msg);
}

/** Forget an agent's instance (a JS instance also frees its QuickJS runtime). */
function drop(agent: string): void {
  const inst = instances.get(agent);
  instances.delete(agent);
  if (inst && 'dispose' in inst) inst.dispose();
}

function onMessage(msg: ToWorker): void {
  switch (msg.type) {
    case 'load': {
      drop(msg.agent);
      if (msg.kind === 'js') {
        // A JS agent gets a fresh engine (asynchronous to make); the pool sends nothing else until this answers.
        void loadJsInstance(msg).then((created) => {
          if ('kind' in created) {
            reply({ type: 'load_failed', id: msg.id, error: created });
            return;
          }
          instances.set(msg.agent, created);
          reply({ type: 'loaded', id: msg.id, memoryBytes: created.memoryBytes });
        });
        return;
      }
      const created = AgentInstance.create({
        name: msg.name,
        module: msg.module,
        grants: msg.grants,
        limits: msg.limits,
        seed: msg.seed,
        metered: msg.metered,
      });
      if (created instanceof AgentInstance) {
        instances.set(msg.agent, created);
        reply({ type: 'loaded', id: msg.id, memoryBytes: created.memoryBytes });
      } else {
        reply({ type: 'load_failed', id: msg.id, error: created });
      }
      return;
    }
    case 'handle': {
      const inst = instances.get(msg.agent);
      if (!inst) {
        reply({
          type: 'result',
          id: msg.id,
          ok: false,
          error: { kind: 'not_running', message: 'no instance loaded' },
          usage: { fuel: 0, memoryBytes: 0, durationMs: 0 },
        });
        return;
      }
      const result = inst.handle(msg.message, msg.now);
      // A failed call may leave the instance half-way through an update: never reuse it. `bad_input` is the
      // agent's own orderly answer (caxton_handle returned 1), so that instance stays.
      if (!result.ok && result.error.kind !== 'bad_input') drop(msg.agent);
      reply({ type: 'result', id: msg.id, ...result });
      return;
    }
    case 'unload':
      drop(msg.agent);
      reply({ type: 'unloaded', id: msg.id });
      return;
  }
}

if (port) port.on('message', onMessage);
