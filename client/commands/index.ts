/** The command table: each command id (declared in ../commandIds) with its factory `(ctx) => handler`. */
import type { Ctx } from '../ctx';
import type { CommandName } from '../commandIds';
import { runAgent } from './runAgent';
import { runPipeline } from './runPipeline';
import { runScenario } from './runScenario';
import { debugScenario } from './debugScenario';
import { sendMessage } from './sendMessage';
import { stopAll } from './stopAll';
import { buildAgents } from './buildAgents';
import { openInspector } from './openInspector';
import { openTrace } from './openTrace';

export const commandFactories: Record<CommandName, (ctx: Ctx) => (...args: unknown[]) => unknown> = {
  runAgent,
  runPipeline,
  runScenario,
  debugScenario,
  sendMessage,
  stopAll,
  buildAgents,
  openInspector,
  openTrace,
};
