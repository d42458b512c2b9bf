/** The dispatch table: one file per command. Add a command by adding its file and one line here. */
import type { Command } from '../command';
import { buildCommand } from './build';
import { diffCommand } from './diff';
import { inspectCommand } from './inspect';
import { nodeCommand } from './node';
import { replayCommand } from './replay';
import { runCommand } from './run';
import { sendCommand } from './send';
import { validateCommand } from './validate';

export const COMMANDS: readonly Command[] = [
  runCommand,
  sendCommand,
  nodeCommand,
  buildCommand,
  validateCommand,
  inspectCommand,
  diffCommand,
  replayCommand,
];
