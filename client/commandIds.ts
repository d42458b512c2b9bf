/** Every command the extension contributes, declared once (package.json `contributes.commands` uses the same ids). */
export const COMMANDS = {
  runAgent: 'caxton.runAgent',
  runPipeline: 'caxton.runPipeline',
  runScenario: 'caxton.runScenario',
  debugScenario: 'caxton.debugScenario',
  sendMessage: 'caxton.sendMessage',
  stopAll: 'caxton.stopAll',
  buildAgents: 'caxton.buildAgents',
  openInspector: 'caxton.openInspector',
  openTrace: 'caxton.openTrace',
} as const;

export type CommandName = keyof typeof COMMANDS;

/** The tree view of agents and their states. */
export const AGENTS_VIEW = 'caxton.agents';
/** The inspector panel's webview type. */
export const INSPECTOR_VIEW_TYPE = 'caxton.inspector';
