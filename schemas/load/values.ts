/**
 * Typed values of loaded files, for the runtime: only a file without errors has one. FIPA's hyphenated
 * performatives (a hint in the editor) are normalised to snake_case here, so `caxton send` accepts what the
 * editor accepts; `$schema` is dropped.
 */
import type { AgentManifest, FipaMessage, PipelineFile, ScenarioFile } from '..';
import { toValue } from './docTree';
import { hasErrors, type LoadedFile } from './loadText';

/** The plain value of a loaded file without errors, else undefined. */
export function valueOf(file: LoadedFile): unknown {
  if (!file.parsed?.root || hasErrors(file.problems)) return undefined;
  const value = toValue(file.parsed.root, file.parsed.text);
  if (value && typeof value === 'object' && !Array.isArray(value)) delete (value as Record<string, unknown>).$schema;
  return value;
}

/** A message with its performative in snake_case. */
export function normaliseMessage(m: FipaMessage & { $schema?: string }): FipaMessage {
  const { $schema: _schema, ...rest } = m;
  return typeof rest.performative === 'string'
    ? { ...rest, performative: rest.performative.replace(/-/g, '_') as FipaMessage['performative'] }
    : rest;
}

/** The messages of a message file (one message, or a conversation in order). */
export function messagesOf(file: LoadedFile): FipaMessage[] | undefined {
  const value = file.kind === 'message' ? valueOf(file) : undefined;
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((m) => normaliseMessage(m as FipaMessage));
}

/** The pipeline of a *.pipeline.yaml. */
export function pipelineOf(file: LoadedFile): PipelineFile | undefined {
  return file.kind === 'pipeline' ? (valueOf(file) as PipelineFile | undefined) : undefined;
}

/** The manifest of a *.agent.yaml. */
export function manifestOf(file: LoadedFile): AgentManifest | undefined {
  return file.kind === 'agent' ? (valueOf(file) as AgentManifest | undefined) : undefined;
}

/** The scenario of a *.scenario.yaml, its inline messages normalised. */
export function scenarioOf(file: LoadedFile): ScenarioFile['scenario'] | undefined {
  const value = file.kind === 'scenario' ? (valueOf(file) as ScenarioFile | undefined) : undefined;
  if (!value) return undefined;
  const s = value.scenario;
  return s.messages
    ? { ...s, messages: s.messages.map((item) => ('message' in item ? { ...item, message: normaliseMessage(item.message) } : item)) }
    : s;
}
