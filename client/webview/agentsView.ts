/** Agents: state, messages in and out, fuel and memory, restarts and failures, last log line. */
import { h, setChildren, formatBytes } from './dom';
import type { TraceModel } from './traceModel';

export class AgentsView {
  readonly element: HTMLElement = h('section', { class: 'view agents', id: 'view-agents', role: 'tabpanel', 'aria-labelledby': 'tab-agents', hidden: true });

  update(model: TraceModel): void {
    const agents = model.agentOrder.map((n) => model.agents.get(n)!).filter((a) => a.state !== 'unknown' || a.messagesIn + a.messagesOut > 0);
    setChildren(this.element,
      h('h2', {}, `Agents (${agents.length})`),
      h('table', { class: 'agents-table' },
        h('caption', { class: 'sr-only' }, 'Agents and their resource use'),
        h('thead', {}, h('tr', {}, ...['agent', 'state', 'in', 'out', 'fuel (last)', 'fuel (total)', 'memory', 'peak memory', 'restarts', 'failures', 'last log']
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...agents.map((a) => h('tr', { class: `agent state-${a.state}`, 'data-agent': a.name, 'data-state': a.state },
          h('th', { scope: 'row' }, a.name),
          h('td', { class: 'state' }, h('span', { class: `badge agent-${a.state}` }, a.state), a.reason ? ` ${a.reason}` : ''),
          h('td', { class: 'in' }, a.messagesIn), h('td', { class: 'out' }, a.messagesOut),
          h('td', { class: 'fuel' }, a.fuel.toLocaleString('en')), h('td', {}, a.fuelTotal.toLocaleString('en')),
          h('td', { class: 'memory' }, formatBytes(a.memoryBytes)), h('td', {}, formatBytes(a.memoryPeak)),
          h('td', { class: 'restarts' }, a.restarts), h('td', { class: 'failures' }, a.failures),
          h('td', { class: 'log' }, a.lastLog ?? ''))))));
  }
}
