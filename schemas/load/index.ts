/**
 * The loaders' public face: one loader for every Caxton file kind (parse with positions, the one ajv registry,
 * semantic rules, typed values), pure and shared by the language server, `caxton validate` and every runtime load
 * path. See loadText.ts. Editor-only features (completion, hover, fixes, symbols) live in server/service/.
 */
export { loadText, hasErrors, yamlQuote, DEFAULT_LOAD_SETTINGS, MAX_PROBLEMS, type LoadedFile, type LoadContext } from './loadText';
export { valueOf, messagesOf, pipelineOf, manifestOf, scenarioOf, normaliseMessage } from './values';
export { WorkspaceIndex } from './agentDirectory';
export { indexFile, AGENT_FIELDS } from './fileIndex';
export { isManifestRef } from './rules/scenarioRules';
export { LineIndex, type Position } from './lineIndex';
export { detectFileKind, kindFromName, kindFromSchemaUri, isYamlName } from './fileKind';
export { isValid, schemaRegistry, validatorOf } from './schemaRegistry';
export { parseTraceJsonl, traceLine, type ParsedTrace, type TraceLineError } from './traceJsonl';
export type * from './types';
// For editor features over the same tree and schemas (server/service): positions, paths, schema lookups.
export {
  child,
  str,
  prop,
  toValue,
  nodeAtOffset,
  nodeAtPointer,
  pathOf,
  anchorOf,
  type DocNode,
  type DocProperty,
  type ParsedDocument,
} from './docTree';
export { propertiesAt, enumAt, describeAt, schemasAt, rootSchema, type Schema } from './schemaRegistry';
