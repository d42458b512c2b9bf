/** The readable transcript `caxton run` prints as a run happens: pure formatting of trace events and summaries. */
import type { TraceEvent } from '../../schemas';
import type { ConversationSummary, ScenarioSummary } from '../node/scenario/scenario';
import type { RemoteLinkStats } from '../transport/nats/natsRemoteLink';
import { printable, printableDeep } from './terminalText';

/** Message contents can be large: they are shown only through shortJson, which makes its own output printable. */
const SHOWN_BY_SHORT_JSON = new Set(['content']);

export interface Style {
  color: boolean;
  verbose?: boolean;
}

const CODES = { dim: 2, bold: 1, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
type Colour = keyof typeof CODES;

function paint(style: Style, colour: Colour, text: string): string {
  return style.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

const PERFORMATIVE_COLOUR: Record<string, Colour> = {
  inform: 'green',
  inform_if: 'green',
  inform_ref: 'green',
  agree: 'green',
  confirm: 'green',
  accept_proposal: 'green',
  failure: 'red',
  refuse: 'red',
  not_understood: 'red',
  reject_proposal: 'red',
  disconfirm: 'red',
  cancel: 'red',
  propose: 'yellow',
  cfp: 'cyan',
  request: 'cyan',
  query: 'cyan',
  query_if: 'cyan',
  query_ref: 'cyan',
  subscribe: 'magenta',
};

/** `  1.250s` */
export function formatTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`.padStart(9);
}

/** A value as short one-line JSON (at most `max` characters). */
export function shortJson(value: unknown, max = 80): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return printable(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

/** One transcript line for an event, or undefined for events the transcript does not show. */
export function formatEvent(event: TraceEvent, style: Style): string | undefined {
  const e = printableDeep(event, SHOWN_BY_SHORT_JSON); // agents' text (logs, contents, ids, reasons) never reaches the terminal raw
  const time = paint(style, 'dim', formatTime(e.t));
  switch (e.type) {
    case 'message_sent': {
      const m = e.message;
      const to =
        Array.isArray(m.receiver) || m.receiver.startsWith('topic://') || m.receiver === 'broadcast'
          ? `${Array.isArray(m.receiver) ? m.receiver.join(',') : m.receiver}${e.to.length ? ` (${e.to.join(', ')})` : ''}`
          : m.receiver;
      const perf = paint(style, PERFORMATIVE_COLOUR[m.performative] ?? 'bold', m.performative);
      const conv = m.conversation_id ? paint(style, 'dim', ` [${m.conversation_id}]`) : '';
      return `${time}  ${m.sender} -> ${to}  ${perf}  ${shortJson(m.content)}${conv}`;
    }
    case 'message_dropped':
      return `${time}  ${paint(style, 'red', 'dropped')} ${e.id ?? ''}${e.to ? ` for ${e.to}` : ''}: ${e.reason}`;
    case 'timeout':
      return `${time}  ${paint(style, 'red', 'timeout')}: ${e.waiting} got no reply to '${e.reply_with ?? '?'}'${e.conversation_id ? ` [${e.conversation_id}]` : ''}`;
    case 'protocol_violation':
      return `${time}  ${paint(style, 'red', 'protocol violation')} (${e.protocol}): ${e.message.performative} from ${e.message.sender}; expected ${e.expected}`;
    case 'agent_log':
      return `${time}  ${paint(style, 'dim', `${e.agent} log:`)} ${e.text}`;
    case 'effect_refused':
      return `${time}  ${paint(style, 'red', 'refused')} ${e.agent} ${e.effect}: ${e.reason}`;
    case 'retry':
      return `${time}  ${paint(style, 'yellow', 'retry')} ${e.route} attempt ${e.attempt}: ${e.error}`;
    case 'agent_state':
      if (!style.verbose && e.to !== 'failed' && !(e.from === 'failed' && e.to === 'loaded')) return undefined;
      return `${time}  ${paint(style, e.to === 'failed' ? 'red' : 'dim', `${e.agent} ${e.from} -> ${e.to}`)}${e.reason ? `: ${e.reason}` : ''}`;
    case 'contract_net_proposals':
      return `${time}  ${paint(style, 'magenta', 'contract net')} [${e.conversation_id}]: proposals from ${e.proposals.map((p) => `${p.agent}${p.late ? ' (late)' : ''}`).join(', ') || 'nobody'}`;
    case 'contract_net_award':
      return `${time}  ${paint(style, 'magenta', 'contract net')} [${e.conversation_id}]: ${e.winner ? `awarded to ${e.winner}` : 'no award'} (${e.policy}): ${e.reason}`;
    case 'auction_round':
      return `${time}  ${paint(style, 'magenta', `${e.kind} auction`)} ${e.auction_id} round ${e.round}: price ${e.price}${e.bids.length ? `, bids ${e.bids.map((b) => `${b.bidder} ${b.amount}`).join(', ')}` : ''}${e.leader ? `, leader ${e.leader}` : ''}`;
    case 'auction_result':
      return `${time}  ${paint(style, 'magenta', `${e.kind} auction`)} ${e.auction_id}: ${e.winner ? `won by ${e.winner} at ${e.price}` : 'no winner'}: ${e.reason}`;
    case 'bargaining_round':
      return `${time}  ${paint(style, 'magenta', 'bargaining')} [${e.conversation_id}] round ${e.round}: ${e.from} offers ${shortJson(e.offer)}`;
    case 'bargaining_result':
      return `${time}  ${paint(style, 'magenta', 'bargaining')} [${e.conversation_id}]: ${e.agreed ? `agreed on ${shortJson(e.terms)}` : 'no agreement'}: ${e.reason}`;
    case 'blackboard_write':
      return `${time}  ${paint(style, 'magenta', 'blackboard')} ${e.author} ${e.accepted ? 'wrote' : 'was refused writing'} ${e.key} (version ${e.version})`;
    case 'pipeline_stage':
      return `${time}  ${paint(style, 'magenta', 'pipeline')} ${e.pipeline} stage ${e.stage}: ${paint(style, e.status === 'failed' ? 'red' : 'dim', e.status)}${e.error ? `: ${e.error}` : ''}`;
    case 'pipeline_result':
      return `${time}  ${paint(style, 'magenta', 'pipeline')} ${e.pipeline}: ${e.ok ? paint(style, 'green', 'ok') : paint(style, 'red', `failed${e.failed_stage ? ` at ${e.failed_stage}` : ''}`)}${e.error ? `: ${e.error}` : ''}`;
    case 'breaker_state':
      return `${time}  ${paint(style, 'yellow', 'breaker')} ${e.route}: ${e.from} -> ${e.to} (${e.failures} failures)`;
    case 'bulkhead_rejected':
      return `${time}  ${paint(style, 'yellow', 'bulkhead')} ${e.route} full (${e.active} active, ${e.queued} queued): rejected`;
    case 'saga_step':
      return `${time}  ${paint(style, 'magenta', 'saga')} ${e.saga} ${e.action} ${e.step}: ${e.ok ? 'ok' : `failed${e.error ? `: ${e.error}` : ''}`}`;
    case 'scatter_gather_result':
      return `${time}  ${paint(style, 'magenta', 'scatter-gather')} ${e.pipeline}/${e.stage} (${e.policy}): answered ${e.answered.join(', ') || 'none'}${e.missing.length ? `; missing ${e.missing.join(', ')}` : ''}`;
    case 'debug_change':
      return `${time}  ${paint(style, 'yellow', 'debugger')} ${e.change === 'drop' ? 'dropped' : `edited ${(e.fields ?? []).map((f) => f.path).join(', ')} of`} ${e.id} for ${e.to}`;
    case 'subscription':
      return style.verbose ? `${time}  ${paint(style, 'dim', `${e.agent} ${e.action}s ${e.topic}`)}` : undefined;
    case 'conversation_ended':
      return style.verbose ? `${time}  ${paint(style, 'dim', `conversation ${e.conversation_id} ended: ${e.outcome}`)}` : undefined;
    case 'run_started':
      return `${paint(style, 'bold', `▶ ${e.name}`)} ${paint(style, 'dim', `(agents: ${e.agents.join(', ') || 'none'})`)}`;
    default:
      return undefined;
  }
}

/** Beyond this many conversations (or checks) the summary shows counts and the first problems: it stays one screen. */
const LIST_MAX = 20;

/** The conversations part of a summary: each one, or for a big run the counts by outcome and the first problems. */
function conversationLines(conversations: readonly ConversationSummary[], style: Style): string[] {
  const colour = (outcome: string): Colour =>
    ['answered', 'completed'].includes(outcome) ? 'green' : outcome === 'open' ? 'yellow' : 'red';
  const line = (c: ConversationSummary, width: number) =>
    `    ${c.id.padEnd(width)}  ${paint(style, colour(c.outcome), c.outcome.padEnd(14))} ${c.participants.join(', ')} (${c.messages} messages)${c.detail ? `: ${c.detail}` : ''}`;
  if (conversations.length <= LIST_MAX) {
    const width = Math.max(...conversations.map((c) => c.id.length));
    return ['  conversations:', ...conversations.map((c) => line(c, width))];
  }
  const counts = new Map<string, number>();
  for (const c of conversations) counts.set(c.outcome, (counts.get(c.outcome) ?? 0) + 1);
  const byOutcome = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([o, n]) => `${paint(style, colour(o), o)} ${n}`)
    .join(', ');
  const problems = conversations.filter((c) => colour(c.outcome) !== 'green');
  const out = [`  conversations: ${conversations.length} (${byOutcome})`];
  if (problems.length) {
    const first = problems.slice(0, 10);
    const width = Math.max(...first.map((c) => c.id.length));
    out.push(`  first problems:`, ...first.map((c) => line(c, width)));
    if (problems.length > first.length) out.push(`    … and ${problems.length - first.length} more`);
  }
  return out;
}

/** The summary block printed after a run. */
export function formatSummary(summary: ScenarioSummary, style: Style): string[] {
  const s = printableDeep(summary);
  const verdict = s.ok ? paint(style, 'green', 'passed') : paint(style, 'red', 'FAILED');
  const lines = [
    '',
    `${paint(style, 'bold', `Summary: ${s.name}`)} — ${verdict}`,
    `  delivered ${s.delivered}, dropped ${s.dropped}, timeouts ${s.timeouts}, protocol violations ${s.violations}`,
    `  ran ${(s.durationMs / 1000).toFixed(3)} s on the run clock (${s.wallMs} ms real); stopped: ${s.reason}`,
  ];
  if (s.outcome) lines.push(`  ${s.outcome}`);
  if (summary.transport) lines.push(`  ${natsLine(summary.transport)}`);
  if (s.conversations.length) lines.push(...conversationLines(s.conversations, style));
  const checks = s.expectations.filter((x) => !x.name.startsWith('no '));
  if (checks.length) {
    lines.push('  checks:');
    const shown = checks.length > LIST_MAX ? [...checks.filter((x) => !x.ok), ...checks.filter((x) => x.ok)].slice(0, LIST_MAX) : checks;
    for (const x of shown) lines.push(`    ${x.ok ? paint(style, 'green', '✓') : paint(style, 'red', '✗')} ${x.detail}`);
    if (shown.length < checks.length)
      lines.push(`    … and ${checks.length - shown.length} more (${checks.filter((x) => !x.ok).length} failed in all)`);
  }
  for (const x of s.expectations.filter((y) => !y.ok && y.name.startsWith('no ')))
    lines.push(`  ${paint(style, 'red', '✗')} ${x.name}: ${x.detail}`);
  return lines;
}

/** One line of what crossed NATS and what may have been lost (the run summary's `nats:` line). */
export function natsLine(s: RemoteLinkStats): string {
  const rejected = Object.values(s.rejected).reduce((n, x) => n + x, 0);
  return (
    `nats (node ${s.node}): ${s.envelopesOut} envelope(s) out in ${s.batchesOut} batch(es), ${s.envelopesIn} in; ` +
    `node_lost ${s.nodeLost}, may be lost ${s.mayBeLost}, sent while disconnected ${s.publishedWhileDisconnected}, unsent ${s.unsent}, refused ${rejected}; ` +
    `reconnects ${s.reconnects}, slow consumer ${s.slowConsumers}; nodes joined ${s.nodesJoined}, lost ${s.nodesLost}, left ${s.nodesLeft}`
  );
}
