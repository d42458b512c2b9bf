/** Today's worker hosting of a JS agent: a fresh engine capped at the agent's memory, then a JsAgentInstance in it. */
import type { AgentError } from '../../core/types';
import type { ToWorker } from '../workerProtocol';
import { loadQuickJsWasm } from '../../node/files/quickJsWasm';
import { createJsEngine } from './quickJsEngine';
import { JsAgentInstance } from './jsAgentInstance';

export type { JsAgentInstance } from './jsAgentInstance';

/** Make the engine and the instance for a `load` request of kind 'js'; an AgentError when either fails. */
export async function loadJsInstance(msg: Extract<ToWorker, { type: 'load'; kind: 'js' }>): Promise<JsAgentInstance | AgentError> {
  let engine;
  try {
    engine = await createJsEngine(loadQuickJsWasm(), msg.limits.memoryBytes);
  } catch (e) {
    return { kind: 'crashed', message: `could not start the QuickJS engine: ${(e as Error).message}` };
  }
  return JsAgentInstance.create({
    name: msg.name,
    code: msg.js.code,
    file: msg.js.file,
    grants: msg.grants,
    limits: msg.limits,
    seed: msg.seed,
    engine,
    timeoutMs: msg.js.timeoutMs,
  });
}
