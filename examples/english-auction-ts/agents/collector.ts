// A collector in an English auction (FIPA XC00031) run by the built-in auctioneer, in plain TypeScript (the twin of
// examples/english-auction/agents/collector.ts, in AssemblyScript). Each round's cfp says the ask (the lowest
// acceptable bid) and whether this bidder leads; a bidder raises to the ask while it is within its valuation, else
// passes with refuse. Valuations by name: collector-ann-ts 260, collector-ben-ts 300, collector-cy-ts 180 (agent names
// are unique in a workspace, so the twins carry a -ts suffix).
import { log, notUnderstood, onMessage, reply, type Message } from 'caxton-agent';

const VALUATIONS = new Map<string, number>([
  ['collector-ann-ts', 260],
  ['collector-ben-ts', 300],
]);

/** Every bidder shares this source: the receiver says which one is running. */
const me = (msg: Message): string => (typeof msg.json.receiver === 'string' ? msg.json.receiver : '');
const valuation = (name: string): number => VALUATIONS.get(name) ?? 180;

interface RoundCall { ask?: number; you_lead?: boolean }
interface Outcome { you_won?: boolean; price?: number }

onMessage((msg) => {
  const name = me(msg);
  const c = msg.content;
  const isObject = c !== null && typeof c === 'object' && !Array.isArray(c);
  if (msg.performative === 'cfp' && isObject) {
    const { ask = 0, you_lead } = c as RoundCall;
    if (you_lead === true) return; // the leader waits
    if (ask <= valuation(name)) reply(msg, 'propose', { amount: ask });
    else reply(msg, 'refuse', { reason: 'over my valuation' });
  } else if (msg.performative === 'inform' && isObject) {
    const { you_won, price = 0 } = c as Outcome;
    if (you_won === true) log(`${name} won at ${price}`);
  } else if (!['accept_proposal', 'reject_proposal', 'failure', 'not_understood'].includes(msg.performative)) {
    notUnderstood(msg, 'a bidder answers cfp');
  }
});
