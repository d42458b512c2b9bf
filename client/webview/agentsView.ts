/**
 * Agents: state and its reason, the lifecycle history (hot reloads, restarts, failures), messages in and out, fuel and
 * memory as small bars (against the agent's limits when the trace has them, else against the busiest agent), restarts,
 * reloads, failures, last log line. Outside parties (e.g. `user`) are listed as such.
 */
import { h, s, setChildren, formatBytes } from './dom';
import { formatClock, friendlyReason, transitionLabel } from './wording';
import { isReload, type AgentView } from './model/agents';

const BAR_W = 56;
const BAR_H = 6;

/** A tiny horizontal bar; the number beside it is the accessible value, so the bar itself is hidden from readers. */
function bar(value: number, scale: number, kind: 'limit' | 'relative'): SVGSVGElement {
  const fraction = scale > 0 ? Math.min(1, value / scale) : 0;
  return s(
    'svg',
    {
      class: `bar bar-${kind}`,
      width: BAR_W,
      height: BAR_H,
      viewBox: `0 0 ${BAR_W} ${BAR_H}`,
      'aria-hidden': 'true',
      'data-fraction': fraction.toFixed(3),
    },
    s('rect', { class: 'bar-bg', x: 0, y: 0, width: BAR_W, height: BAR_H }),
    s('rect', {
      class: `bar-fill${fraction > 0.85 && kind === 'limit' ? ' high' : ''}`,
      x: 0,
      y: 0,
      width: Math.max(value > 0 ? 1 : 0, fraction * BAR_W),
      height: BAR_H,
    }),
  );
}

function usageCell(
  cls: string,
  value: number,
  text: string,
  limit: number | undefined,
  largest: number,
  unit: (n: number) => string,
  extra?: string,
): HTMLTableCellElement {
  const kind = limit !== undefined && limit > 0 ? 'limit' : 'relative';
  const title =
    kind === 'limit'
      ? `${unit(value)} of the ${unit(limit!)} limit (${Math.round((value / limit!) * 100)}%)${extra ? `; ${extra}` : ''}`
      : `${unit(value)}; no limit in the trace, bar relative to the busiest agent (${unit(largest)})${extra ? `; ${extra}` : ''}`;
  const td = h('td', { class: `usage ${cls}`, title, 'data-scale': kind }, text);
  td.prepend(bar(value, kind === 'limit' ? limit! : largest, kind));
  return td;
}

function lifecycle(a: AgentView): HTMLElement {
  const shown = a.transitions.map((t) => ({ t, label: transitionLabel(t) })).filter((x) => x.label !== undefined);
  return h(
    'ol',
    { class: 'lifecycle', 'aria-label': `${a.name} lifecycle` },
    ...shown.map(({ t, label }) =>
      h(
        'li',
        {
          class: `lc lc-${t.to}${isReload(t) ? ' lc-reload' : ''}`,
          'data-to': t.to,
          'data-reason': t.reason,
          title: `${formatClock(t.t)} ${t.from} → ${t.to}${t.reason ? ` (${t.reason})` : ''}`,
        },
        label,
      ),
    ),
  );
}

function stateCell(a: AgentView): HTMLTableCellElement {
  if (a.external && a.state === 'unknown')
    return h('td', { class: 'state' }, h('span', { class: 'badge agent-external' }, 'outside party'));
  return h(
    'td',
    { class: 'state' },
    h('span', { class: `badge agent-${a.state}` }, a.state),
    a.reason ? h('span', { class: 'state-reason' }, ` ${friendlyReason(a.reason)}`) : '',
  );
}

export class AgentsView {
  readonly element: HTMLElement = h('section', {
    class: 'view agents',
    id: 'view-agents',
    role: 'tabpanel',
    'aria-labelledby': 'tab-agents',
    hidden: true,
  });

  update(all: readonly AgentView[]): void {
    const agents = all.filter((a) => a.state !== 'unknown' || a.messagesIn + a.messagesOut > 0);
    const maxFuel = Math.max(0, ...agents.map((a) => a.fuel));
    const maxMemory = Math.max(0, ...agents.map((a) => a.memoryPeak));
    const fmtFuel = (n: number) => `${n.toLocaleString('en')} fuel`;
    setChildren(
      this.element,
      h('h2', {}, `Agents (${agents.filter((a) => !a.external).length})`),
      h(
        'table',
        { class: 'agents-table' },
        h('caption', { class: 'sr-only' }, 'Agents, their lifecycle and their resource use'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'agent',
              'state',
              'lifecycle',
              'in',
              'out',
              'fuel (last call)',
              'memory',
              'restarts',
              'reloads',
              'failures',
              'last log',
            ].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          ...agents.map((a) =>
            h(
              'tr',
              {
                class: `agent state-${a.state}${a.external ? ' external' : ''}`,
                'data-agent': a.name,
                'data-state': a.state,
                'data-external': a.external ? 'true' : undefined,
              },
              h(
                'th',
                { scope: 'row', title: a.node ? `${a.name} on node ${a.node}` : a.name },
                a.name,
                a.node ? h('span', { class: 'node' }, ` @${a.node}`) : null,
              ),
              stateCell(a),
              h('td', { class: 'lifecycle-cell' }, lifecycle(a)),
              h('td', { class: 'in' }, a.messagesIn),
              h('td', { class: 'out' }, a.messagesOut),
              usageCell(
                'fuel',
                a.fuel,
                a.fuel.toLocaleString('en'),
                a.fuelLimit,
                maxFuel,
                fmtFuel,
                `total ${a.fuelTotal.toLocaleString('en')}`,
              ),
              usageCell(
                'memory',
                a.memoryBytes,
                formatBytes(a.memoryBytes),
                a.memoryLimit,
                maxMemory,
                formatBytes,
                `peak ${formatBytes(a.memoryPeak)}`,
              ),
              h('td', { class: 'restarts' }, a.restarts),
              h('td', { class: 'reloads' }, a.reloads),
              h('td', { class: 'failures' }, a.failures),
              h('td', { class: 'log' }, a.lastLog ?? ''),
            ),
          ),
        ),
      ),
    );
  }
}
