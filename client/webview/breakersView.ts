/**
 * Circuit breakers per route: a strip over time coloured by state (closed / open / half-open), the transitions
 * with their failure counts, and the retries and bulkhead rejections on that route.
 */
import { h, s, setChildren, formatMs } from './dom';
import type { RouteView, TraceModel } from './traceModel';

const STRIP_W = 600;
const STRIP_H = 18;

function strip(r: RouteView, t0: number, t1: number): SVGSVGElement {
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => ((t - t0) * STRIP_W) / span;
  const segments: SVGElement[] = [];
  let state = r.transitions[0]?.from ?? 'closed';
  let from = t0;
  for (const tr of r.transitions) {
    segments.push(s('rect', { class: `seg state-${state}`, x: x(from), y: 0, width: Math.max(1, x(tr.t) - x(from)), height: STRIP_H }));
    state = tr.to; from = tr.t;
  }
  segments.push(s('rect', { class: `seg state-${state}`, x: x(from), y: 0, width: Math.max(1, STRIP_W - x(from)), height: STRIP_H }));
  for (const rt of r.retries) segments.push(s('line', { class: 'tick retry', x1: x(rt.t), x2: x(rt.t), y1: STRIP_H, y2: STRIP_H + 6 }));
  for (const rj of r.rejections) segments.push(s('line', { class: 'tick rejection', x1: x(rj.t), x2: x(rj.t), y1: STRIP_H + 6, y2: STRIP_H + 12 }));
  return s('svg', {
    class: 'breaker-strip', width: STRIP_W, height: STRIP_H + 12, viewBox: `0 0 ${STRIP_W} ${STRIP_H + 12}`, role: 'img',
    'aria-label': `${r.route}: ${[r.transitions[0]?.from ?? 'closed', ...r.transitions.map((t) => t.to)].join(' → ')}`,
  }, ...segments);
}

function routeCard(r: RouteView, t0: number, t1: number): HTMLElement {
  return h('article', { class: `card route state-${r.state}`, 'data-route': r.route, 'data-state': r.state, 'aria-label': `route ${r.route}, breaker ${r.state.replace('_', '-')}` },
    h('h3', {}, r.route, ' ', h('span', { class: `badge state-${r.state}` }, r.state.replace('_', '-'))),
    strip(r, t0, t1),
    h('p', { class: 'counts' },
      h('span', { class: 'failures' }, `${r.failures} failures`), ' · ',
      h('span', { class: 'retries', 'data-count': r.retries.length }, `${r.retries.length} retries`), ' · ',
      h('span', { class: 'rejections', 'data-count': r.rejections.length }, `${r.rejections.length} bulkhead rejections`)),
    h('ol', { class: 'transitions' }, ...r.transitions.map((t) => h('li', { class: 'transition', 'data-from': t.from, 'data-to': t.to },
      `${formatMs(t.t)}: ${t.from.replace('_', '-')} → ${t.to.replace('_', '-')} (${t.failures} failures)`))),
    r.retries.length ? h('details', {}, h('summary', {}, 'Retries'), h('ul', {}, ...r.retries.slice(-50).map((rt) => h('li', {}, `${formatMs(rt.t)}: attempt ${rt.attempt}, wait ${rt.delay_ms} ms, ${rt.error}`)))) : null,
  );
}

export class BreakersView {
  readonly element: HTMLElement = h('section', { class: 'view breakers', id: 'view-breakers', role: 'tabpanel', 'aria-labelledby': 'tab-breakers', hidden: true });

  update(model: TraceModel): void {
    const routes = [...model.routes.values()];
    const pipelines = [...model.pipelines.values()];
    setChildren(this.element,
      h('h2', {}, `Routes (${routes.length})`),
      h('p', { class: 'legend' }, h('span', { class: 'badge state-closed' }, 'closed'), ' ', h('span', { class: 'badge state-open' }, 'open'), ' ', h('span', { class: 'badge state-half_open' }, 'half-open'), ' · ticks: retries (upper), bulkhead rejections (lower)'),
      routes.length ? h('div', { class: 'cards' }, ...routes.map((r) => routeCard(r, model.tStart, model.tEnd))) : h('p', { class: 'empty' }, 'No breakers, retries or bulkheads in this trace yet.'),
      pipelines.length ? h('h2', {}, `Pipelines (${pipelines.length})`) : null,
      ...pipelines.map((p) => h('article', { class: `card pipeline${p.ok === false ? ' failed' : ''}`, 'data-pipeline': p.name },
        h('h3', {}, p.name, p.ok === undefined ? '' : p.ok ? ' ✓' : ` ✕ (${p.failedStage ?? '?'})`),
        h('ol', {}, ...p.stages.map((st) => h('li', { class: `stage stage-${st.status}` }, `${st.stage}: ${st.status}${st.error ? ` · ${st.error}` : ''}`))))));
  }
}
