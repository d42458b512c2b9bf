/** Schema validation of messages on send (message.schema.json), with the one ajv registry of schemas/load. */
import { messageSchema, type FipaMessage } from '../../schemas';
import { isValid, validatorOf } from '../../schemas/load';

/** A function giving the first schema error as a sentence (or undefined when the message is valid). */
export function compileMessageValidator(): (message: FipaMessage) => string | undefined {
  // The registry compiles the message schema only when a message is invalid (its errors explain it).
  let validate: ReturnType<typeof validatorOf> | undefined;
  return (message) => {
    if (isValid('messageItem', message)) return undefined;
    validate ??= validatorOf(`${messageSchema.$id}#/definitions/message`);
    if (validate(message)) return undefined;
    const e = validate.errors?.[0];
    if (!e) return 'does not match message.schema.json';
    const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the message';
    const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
    return `${where} ${e.message}${extra}`;
  };
}
