/**
 * Circuit breakers per route: a strip over run-clock time coloured by state (closed / open / half-open) above a time
 * axis, retries and bulkhead rejections as ticks, the transitions with their failure counts; and pipelines with their
 * stages. The axis runs a little past the end of the run, so a state entered at the very end still shows.
 */
import { h, s, setChildren, formatMs } from './dom';
import type { PipelineView, RouteView } from './model/routes';

const STRIP_W = 600;
const STRIP_H = 18;
const AXIS_H = 18;
/** The last state always gets at least this many pixels. */
const MIN_LAST = 10;

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function strip(r: RouteView, t0: number, t1: number): SVGSVGElement {
  const end = t1 + Math.max(1, (t1 - t0) * 0.04);
  const usable = STRIP_W - MIN_LAST;
  const x = (t: number) => ((t - t0) * usable) / Math.max(1e-9, end - t0);
  const parts: SVGElement[] = [];
  let state = r.transitions[0]?.from ?? 'closed';
  let from = t0;
  for (const tr of r.transitions) {
    parts.push(
      s('rect', {
        class: `seg state-${state}`,
        'data-state': state,
        x: x(from),
        y: 0,
        width: Math.max(1, x(tr.t) - x(from)),
        height: STRIP_H,
      }),
    );
    state = tr.to;
    from = tr.t;
  }
  parts.push(
    s('rect', {
      class: `seg state-${state} last`,
      'data-state': state,
      x: x(from),
      y: 0,
      width: Math.max(MIN_LAST, STRIP_W - x(from)),
      height: STRIP_H,
    }),
  );
  for (const rt of r.retries) parts.push(s('line', { class: 'tick retry', x1: x(rt.t), x2: x(rt.t), y1: STRIP_H, y2: STRIP_H + 6 }));
  for (const rj of r.rejections)
    parts.push(s('line', { class: 'tick rejection', x1: x(rj.t), x2: x(rj.t), y1: STRIP_H + 6, y2: STRIP_H + 12 }));
  const axisY = STRIP_H + 12;
  parts.push(s('line', { class: 'axis', x1: 0, x2: STRIP_W, y1: axisY, y2: axisY }));
  for (const tick of niceTicks(t0, end)) {
    const tx = x(tick);
    parts.push(
      s('line', { class: 'axis', x1: tx, x2: tx, y1: axisY, y2: axisY + 4 }),
      s(
        'text',
        {
          class: 'axis-label',
          x: Math.min(STRIP_W - 2, Math.max(2, tx)),
          y: axisY + AXIS_H - 2,
          'text-anchor': tx < 20 ? 'start' : tx > STRIP_W - 20 ? 'end' : 'middle',
        },
        formatMs(tick),
      ),
    );
  }
  const height = axisY + AXIS_H;
  return s(
    'svg',
    {
      class: 'breaker-strip',
      width: STRIP_W,
      height,
      viewBox: `0 0 ${STRIP_W} ${height}`,
      role: 'img',
      'aria-label': `${r.route}: ${[r.transitions[0]?.from ?? 'closed', ...r.transitions.map((t) => `${t.to} at ${formatMs(t.t)}`)].join(' → ')}`,
    },
    ...parts,
  );
}

function routeCard(r: RouteView, t0: number, t1: number): HTMLElement {
  return h(
    'article',
    {
      class: `card route state-${r.state}`,
      'data-route': r.route,
      'data-state': r.state,
      'aria-label': `route ${r.route}, breaker ${r.state.replace('_', '-')}`,
    },
    h('h3', {}, r.route, ' ', h('span', { class: `badge state-${r.state}` }, r.state.replace('_', '-'))),
    strip(r, t0, t1),
    h(
      'p',
      { class: 'counts' },
      h('span', { class: 'failures' }, `${r.failures} failures`),
      ' · ',
      h('span', { class: 'retries', 'data-count': r.retries.length }, `${r.retries.length} retries`),
      ' · ',
      h('span', { class: 'rejections', 'data-count': r.rejections.length }, `${r.rejections.length} bulkhead rejections`),
    ),
    h(
      'ol',
      { class: 'transitions' },
      ...r.transitions
        .slice(-50)
        .map((t) =>
          h(
            'li',
            { class: 'transition', 'data-from': t.from, 'data-to': t.to },
            `${formatMs(t.t)}: ${t.from.replace('_', '-')} → ${t.to.replace('_', '-')} (${t.failures} failures)`,
          ),
        ),
    ),
    r.retries.length
      ? h(
          'details',
          {},
          h('summary', {}, 'Retries'),
          h(
            'ul',
            {},
            ...r.retries
              .slice(-50)
              .map((rt) => h('li', {}, `${formatMs(rt.t)}: attempt ${rt.attempt}, wait ${rt.delay_ms} ms, ${rt.error}`)),
          ),
        )
      : null,
    r.rejections.length
      ? h(
          'details',
          {},
          h('summary', {}, 'Bulkhead rejections'),
          h(
            'ul',
            {},
            ...r.rejections
              .slice(-50)
              .map((rj) => h('li', { class: 'rejection' }, `${formatMs(rj.t)}: ${rj.active} running, ${rj.queued} queued: rejected`)),
          ),
        )
      : null,
  );
}

export class BreakersView {
  readonly element: HTMLElement = h('section', {
    class: 'view breakers',
    id: 'view-breakers',
    role: 'tabpanel',
    'aria-labelledby': 'tab-breakers',
    hidden: true,
  });

  update(routes: readonly RouteView[], pipelines: readonly PipelineView[], span: { start: number; end: number }): void {
    setChildren(
      this.element,
      h('h2', {}, `Routes (${routes.length})`),
      h(
        'p',
        { class: 'legend' },
        h('span', { class: 'badge state-closed' }, 'closed'),
        ' ',
        h('span', { class: 'badge state-open' }, 'open'),
        ' ',
        h('span', { class: 'badge state-half_open' }, 'half-open'),
        ' · ticks: retries (upper), bulkhead rejections (lower) · axis: run clock',
      ),
      routes.length
        ? h('div', { class: 'cards' }, ...routes.slice(0, 100).map((r) => routeCard(r, span.start, span.end)))
        : h('p', { class: 'empty' }, 'No breakers, retries or bulkheads in this trace yet.'),
      pipelines.length ? h('h2', {}, `Pipelines (${pipelines.length})`) : null,
      ...pipelines
        .slice(0, 100)
        .map((p) =>
          h(
            'article',
            { class: `card pipeline${p.ok === false ? ' failed' : ''}`, 'data-pipeline': p.name },
            h('h3', {}, p.name, p.ok === undefined ? '' : p.ok ? ' ✓' : ` ✕ (${p.failedStage ?? '?'})`),
            h(
              'ol',
              {},
              ...p.stages.map((st) =>
                h('li', { class: `stage stage-${st.status}` }, `${st.stage}: ${st.status}${st.error ? ` · ${st.error}` : ''}`),
              ),
            ),
            p.error ? h('p', { class: 'stage-failed' }, p.error) : null,
          ),
        ),
    );
  }
}
