/**
 * The contract shared by every part: JSON Schemas, protocol definitions as data, and the TypeScript types
 * that mirror them. This folder imports nothing from the rest of the repository.
 */
import messageSchema from './message.schema.json';
import pipelineSchema from './pipeline.schema.json';
import agentSchema from './agent.schema.json';
import scenarioSchema from './scenario.schema.json';
import durationSchema from './duration.schema.json';
import traceEventSchema from './trace-event.schema.json';
import protocolsData from './protocols.json';
import type { Performative, ProtocolDefinition } from './types';

export { messageSchema, pipelineSchema, agentSchema, scenarioSchema, durationSchema, traceEventSchema };

/** Every schema, for registering with one ajv instance (they `$ref` each other by `$id`). */
export const allSchemas: readonly object[] = [durationSchema, messageSchema, pipelineSchema, agentSchema, scenarioSchema, traceEventSchema];

/** The 22 FIPA communicative acts in snake_case, plus the seed's `query`. */
export const PERFORMATIVES = messageSchema.definitions.performative.enum as readonly Performative[];

export const PROTOCOLS = protocolsData.protocols as unknown as Record<string, ProtocolDefinition>;
export const PROTOCOL_ALIASES = protocolsData.aliases as Record<string, string>;
/** Every protocol name the platform knows (for spelling checks and completion). */
export const KNOWN_PROTOCOLS: readonly string[] = protocolsData.known;

export * from './types';
export * from './trace';
export * from './limits';
export { parseReplyBy } from './time';
