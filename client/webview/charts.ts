/**
 * Charts with axes, drawn by uPlot (a canvas chart library: no eval, no inline styles in markup, so it runs under the
 * page's strict CSP). Each chart sits in a figure with a text alternative; colours come from the theme's variables.
 */
import uPlot from 'uplot';
import { h } from './dom';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  color: 'accent' | 'ok' | 'err' | 'warn' | 'info' | 'fg';
  step?: boolean;
}
export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: ChartSeries[];
  width?: number;
  height?: number;
  /** A sentence for screen readers (the canvas is an image). */
  summary: string;
}

const css = (name: string, fallback: string) =>
  (typeof document !== 'undefined' && getComputedStyle(document.body).getPropertyValue(`--${name}`).trim()) || fallback;

/** The charts of one view: destroyed together before the view redraws (uPlot keeps window listeners). */
export class ChartSet {
  private charts: uPlot[] = [];

  /** A chart in a <figure>; its canvas is drawn at once, even in a hidden tab. */
  chart(spec: ChartSpec): HTMLElement {
    const target = h('div', { class: 'chart-canvas' });
    const fg = css('fg', '#1f2328'),
      grid = css('border', '#d0d7de');
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '11px system-ui, sans-serif',
      labelFont: '11px system-ui, sans-serif',
    });
    const opts: uPlot.Options = {
      width: spec.width ?? 360,
      height: spec.height ?? 190,
      legend: { show: spec.series.length > 1 },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [axis(spec.xLabel), axis(spec.yLabel)],
      series: [
        { label: spec.xLabel },
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: css(s.color, '#0969da'),
          width: 2,
          points: { show: true, size: 6 },
          ...(s.step ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
        })),
      ],
    };
    const data = [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData;
    this.charts.push(new uPlot(opts, data, target));
    return h(
      'figure',
      { class: 'chart', role: 'img', 'aria-label': `${spec.title}: ${spec.summary}`, 'data-points': spec.x.length },
      h('figcaption', {}, spec.title),
      target,
    );
  }

  /** Destroy every chart (call before the view replaces its content). */
  reset(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }
}
