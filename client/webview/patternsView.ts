/**
 * The patterns that are not auctions: sagas (each step run, then the compensations in reverse, the failed step
 * marked), scatter-gather results (policy, answered and missing branches), bargaining (offers per round and party as
 * a chart, the result), blackboard keys (every version with its author, refused stale writes), and subscriptions over
 * time (who listened to which topic from when to when, and a chart of how many were open).
 */
import { h, setChildren, formatMs } from './dom';
import { ChartSet } from './charts';
import {
  offerValue,
  openSubscriptions,
  type BargainingView,
  type PatternsState,
  type SagaView,
  type ScatterGatherView,
} from './model/patterns';

const SHOWN = 60;

function sagaCard(saga: SagaView): HTMLElement {
  return h(
    'article',
    { class: `card saga${saga.failedStep ? ' failed' : ''}`, 'data-saga': saga.name, 'aria-label': `saga ${saga.name}` },
    h('h3', {}, `saga · ${saga.name}`),
    h(
      'ol',
      { class: 'saga-steps' },
      ...saga.steps.map((st) =>
        h(
          'li',
          {
            class: `saga-step ${st.action}${st.ok ? ' ok' : ' failed'}`,
            'data-step': st.step,
            'data-action': st.action,
            'data-ok': String(st.ok),
          },
          h('span', { class: 'saga-icon', 'aria-hidden': 'true' }, st.action === 'compensate' ? '↩' : st.ok ? '✓' : '✕'),
          ` ${st.action === 'compensate' ? 'compensate ' : ''}${st.step}`,
          st.error ? h('span', { class: 'saga-error' }, ` · ${st.error}`) : null,
          h('span', { class: 'muted' }, ` · #${st.seq} ${formatMs(st.t)}`),
        ),
      ),
    ),
    h(
      'p',
      { class: 'result' },
      saga.failedStep
        ? `failed at ${saga.failedStep}; compensated ${saga.compensated.length ? saga.compensated.join(', ') : 'nothing'}`
        : saga.compensated.length
          ? `compensated ${saga.compensated.join(', ')}`
          : 'every step ran',
    ),
  );
}

function scatterCard(sg: ScatterGatherView): HTMLElement {
  return h(
    'article',
    {
      class: `card scatter-gather${sg.missing.length ? ' partial' : ''}`,
      'data-stage': sg.stage,
      'aria-label': `scatter-gather ${sg.pipeline} ${sg.stage}`,
    },
    h('h3', {}, `scatter-gather · ${sg.pipeline} / ${sg.stage}`),
    h('p', {}, `policy ${sg.policy}: ${sg.answered.length} of ${sg.answered.length + sg.missing.length} answered`),
    h(
      'ul',
      { class: 'branches' },
      ...sg.answered.map((a) => h('li', { class: 'branch answered', 'data-agent': a }, `✓ ${a}`)),
      ...sg.missing.map((a) => h('li', { class: 'branch missing', 'data-agent': a }, `✕ ${a} (missing)`)),
    ),
  );
}

function bargainCard(b: BargainingView, charts: ChartSet): HTMLElement {
  const rounds = [...new Set(b.rounds.map((r) => r.round))].sort((x, y) => x - y);
  const series = b.parties.map((p, i) => ({
    label: p,
    color: (['accent', 'warn', 'ok', 'info'] as const)[i % 4],
    values: rounds.map((rd) => {
      const r = b.rounds.find((x) => x.round === rd && x.from === p);
      return r ? (offerValue(r.offer) ?? null) : null;
    }),
  }));
  const numeric = series.some((s) => s.values.some((v) => v !== null));
  return h(
    'article',
    { class: 'card bargaining', 'data-conversation': b.id, 'aria-label': `bargaining ${b.id}` },
    h('h3', {}, `bargaining · ${b.id}`),
    numeric
      ? charts.chart({
          title: 'Offers per round',
          xLabel: 'round',
          yLabel: 'offer',
          x: rounds,
          series,
          summary: b.rounds.map((r) => `round ${r.round} ${r.from}: ${JSON.stringify(r.offer)}`).join('; '),
        })
      : null,
    h(
      'table',
      { class: 'bargain-rounds' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'round'), h('th', { scope: 'col' }, 'from'), h('th', { scope: 'col' }, 'offer')),
      ),
      h(
        'tbody',
        {},
        ...b.rounds.map((r) =>
          h(
            'tr',
            { class: 'bargain-round', 'data-round': r.round, 'data-from': r.from },
            h('th', { scope: 'row' }, r.round),
            h('td', {}, r.from),
            h('td', { class: 'offer' }, JSON.stringify(r.offer)),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: `result${b.agreed ? ' agreed' : ''}`, 'data-agreed': b.ended ? String(!!b.agreed) : '' },
      b.ended
        ? `${b.agreed ? 'agreed' : 'no agreement'}${b.terms !== undefined ? ` on ${JSON.stringify(b.terms)}` : ''}${b.reason ? ` · ${b.reason}` : ''}`
        : 'bargaining…',
    ),
  );
}

export class PatternsView {
  readonly element: HTMLElement = h('section', {
    class: 'view patterns',
    id: 'view-patterns',
    role: 'tabpanel',
    'aria-labelledby': 'tab-patterns',
    hidden: true,
  });
  private readonly charts = new ChartSet();

  update(p: PatternsState, end: number): void {
    this.charts.reset();
    const sagas = [...p.sagas.values()],
      bargains = [...p.bargaining.values()],
      keys = [...p.blackboard.values()];
    const section = (title: string, n: number, body: () => Array<HTMLElement | null>) =>
      n ? [h('h2', {}, `${title} (${n})`), ...body()] : [];
    const [xs, ys] = openSubscriptions(p.subscriptions);
    if (xs.length && xs[xs.length - 1] < end) {
      xs.push(end);
      ys.push(ys[ys.length - 1]);
    }
    const nothing = sagas.length + p.scatterGathers.length + bargains.length + keys.length + p.subscriptions.length === 0;
    setChildren(
      this.element,
      nothing
        ? h('p', { class: 'empty' }, 'No sagas, scatter-gathers, bargaining, blackboard writes or subscriptions in this trace yet.')
        : null,
      ...section('Sagas', sagas.length, () => [h('div', { class: 'cards' }, ...sagas.slice(0, SHOWN).map(sagaCard))]),
      ...section('Scatter-gather', p.scatterGathers.length, () => [
        h('div', { class: 'cards' }, ...p.scatterGathers.slice(0, SHOWN).map(scatterCard)),
      ]),
      ...section('Bargaining', bargains.length, () => [
        h('div', { class: 'cards' }, ...bargains.slice(0, SHOWN).map((b) => bargainCard(b, this.charts))),
      ]),
      ...section('Blackboard', keys.length, () => [
        h(
          'table',
          { class: 'blackboard' },
          h('thead', {}, h('tr', {}, ...['key', 'version', 'writes (version · author)'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...keys.slice(0, 200).map((k) =>
              h(
                'tr',
                { class: 'bb-key', 'data-key': k.key },
                h('th', { scope: 'row' }, k.key),
                h('td', { class: 'bb-version' }, k.version),
                h(
                  'td',
                  { class: 'bb-writes' },
                  ...k.writes.slice(-20).map((w) =>
                    h(
                      'span',
                      {
                        class: `bb-write${w.accepted ? '' : ' refused'}`,
                        'data-version': w.version,
                        title: `${formatMs(w.t)} #${w.seq}${w.accepted ? '' : ': refused (stale version)'}`,
                      },
                      `v${w.version} · ${w.author}${w.accepted ? '' : ' ✕'}`,
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      ]),
      ...section('Subscriptions', p.subscriptions.length, () => [
        xs.length > 1
          ? this.charts.chart({
              title: 'Open subscriptions over time',
              xLabel: 'run clock (ms)',
              yLabel: 'open',
              x: xs,
              series: [{ label: 'open', values: ys, color: 'accent', step: true }],
              summary: xs.map((x, i) => `${ys[i]} at ${formatMs(x)}`).join(', '),
              width: 420,
            })
          : null,
        h(
          'table',
          { class: 'subscriptions' },
          h('thead', {}, h('tr', {}, ...['agent', 'topic', 'from', 'until'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...p.subscriptions
              .slice(0, 500)
              .map((sub) =>
                h(
                  'tr',
                  { class: `subscription${sub.until === undefined ? ' open' : ''}`, 'data-agent': sub.agent, 'data-topic': sub.topic },
                  h('th', { scope: 'row' }, sub.agent),
                  h('td', {}, sub.topic),
                  h('td', {}, `${formatMs(sub.since)} (#${sub.sinceSeq})`),
                  h('td', {}, sub.until === undefined ? 'still subscribed' : `${formatMs(sub.until)} (#${sub.untilSeq})`),
                ),
              ),
          ),
        ),
      ]),
    );
  }
}
