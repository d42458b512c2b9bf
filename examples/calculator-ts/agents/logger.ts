// The logger agent in TypeScript (twin of examples/calculator/agents/logger.ts): one log line per message, no answer.
import { log, now, onMessage, type Message } from 'caxton-agent';

onMessage((msg: Message) => {
  const text = msg.content === null ? '(no content)' : JSON.stringify(msg.content);
  // now() is the runtime's clock, so simulated runs log simulated times.
  log(`[${now().toFixed(1)} ms] ${msg.performative} from ${msg.sender}: ${text}`);
});
