// The calculator agent in plain TypeScript (the twin of examples/calculator/agents/calculator.ts, in AssemblyScript):
// answers `request` messages whose content is {"action":"calculate","x":10,"y":20} (or just {"x":10,"y":20}) with
// `inform` {"result":30}. An optional "op" picks add (default), sub, mul or div. Anything it cannot make sense of
// gets `not_understood` with a reason, as FIPA expects.
import { log, notUnderstood, onMessage, reply, type Message } from 'caxton-agent';

type Op = 'add' | 'sub' | 'mul' | 'div';
const OPS: Record<Op, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

interface Calculation { action?: unknown; x?: unknown; y?: unknown; op?: unknown }

onMessage((msg: Message) => {
  if (msg.performative !== 'request') {
    notUnderstood(msg, 'calculator answers only `request` messages');
    return;
  }
  const content = msg.content;
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    notUnderstood(msg, 'content must be an object like {"action":"calculate","x":10,"y":20}');
    return;
  }
  const { action, x, y, op = 'add' } = content as Calculation;
  if (action !== undefined && action !== 'calculate') {
    notUnderstood(msg, `unknown action '${String(action)}'; the calculator knows 'calculate'`);
    return;
  }
  if (typeof x !== 'number' || typeof y !== 'number') {
    notUnderstood(msg, 'content needs numbers x and y');
    return;
  }
  if (typeof op !== 'string' || !(op in OPS)) {
    notUnderstood(msg, `unknown op '${String(op)}'; use add, sub, mul or div`);
    return;
  }
  if (op === 'div' && y === 0) {
    reply(msg, 'failure', { reason: 'division by zero' });
    return;
  }
  const result = OPS[op as Op](x, y);
  log(`${op}(${x}, ${y}) = ${result}`);
  reply(msg, 'inform', { result });
});
