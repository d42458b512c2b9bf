// The echo agent in TypeScript (twin of examples/calculator/agents/echo.ts): answers every message with `inform`,
// carrying the same content back to whoever asked.
import { onMessage, reply } from 'caxton-agent';

onMessage((msg) => {
  // A message without content gets an empty inform.
  reply(msg, 'inform', msg.content === null ? undefined : msg.content);
});
