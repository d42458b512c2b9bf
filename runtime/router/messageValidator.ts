/** Schema validation of messages on send (message.schema.json), compiled once per process. */
import Ajv, { type ValidateFunction } from 'ajv';
import { allSchemas, messageSchema, type FipaMessage } from '../../schemas';

let compiled: ValidateFunction | undefined;

/** A function giving the first schema error as a sentence (or undefined when the message is valid). */
export function compileMessageValidator(): (message: FipaMessage) => string | undefined {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    for (const s of allSchemas) ajv.addSchema(s);
    compiled = ajv.compile({ $ref: `${messageSchema.$id}#/definitions/message` });
  }
  const validate = compiled;
  return (message) => {
    if (validate(message)) return undefined;
    const e = validate.errors?.[0];
    if (!e) return 'does not match message.schema.json';
    const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the message';
    const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
    return `${where} ${e.message}${extra}`;
  };
}
