/**
 * The diagram as a standalone SVG file: lane names, lifelines and up to EXPORT_ROWS of the shown rows drawn with the
 * same code as the view, with the theme's colours written into an embedded stylesheet (the file opens anywhere).
 */
import { s } from './dom';
import { rowAt } from './model/rows';
import type { FilteredRows, Lane } from './model/rowFilter';
import type { TraceStore } from './model/traceStore';
import { ROW_H, describeRow, drawRow, drawTimeCell, type Layout } from './sequenceRow';

/** Rows in one export at most (a larger trace: filter first). */
export const EXPORT_ROWS = 5000;
const HEAD = 28;

function themeCss(): string {
  const v = (n: string, f: string) => getComputedStyle(document.body).getPropertyValue(`--${n}`).trim() || f;
  const fg = v('fg', '#1f2328'),
    muted = v('muted', '#656d76'),
    err = v('err', '#cf222e'),
    warn = v('warn', '#9a6700'),
    info = v('info', '#0969da'),
    border = v('border', '#d0d7de');
  return `svg { font: 11px system-ui, sans-serif; background: ${v('bg', '#ffffff')}; }
.lane-title { fill: ${fg}; font-weight: 600; } .lifeline { stroke: ${border}; stroke-dasharray: 4 3; }
.arrow { stroke: ${fg}; stroke-width: 1.4; fill: none; } .head.arrow { fill: ${fg}; stroke: none; }
.arrow.status-sent { stroke-dasharray: 3 2; } .arrow.status-dropped { stroke: ${err}; } .head.arrow.status-dropped { fill: ${err}; }
.arrow.alarm { stroke: ${err}; } .head.arrow.alarm { fill: ${err}; }
.label { fill: ${fg}; } .preview, .time, .seq-no { fill: ${muted}; font-family: monospace; font-size: 10px; }
.marker { fill: ${warn}; } .marker.bad, .marker-text.bad { fill: ${err}; } .marker-text { fill: ${fg}; }
.marker-agent_restarted, .marker-agent_reloaded { fill: ${info}; } .marker-line { stroke: ${muted}; stroke-dasharray: 1 3; }
.row-bg, .time-bg { fill: transparent; } .conv-band { fill: ${muted}; } .fan-origin { fill: ${fg}; }`;
}

/** Serialise the shown rows (from the first, at most EXPORT_ROWS) as SVG text. */
export function exportSvg(
  store: TraceStore,
  filtered: FilteredRows,
  count: number,
  cursor: number,
  lanes: readonly Lane[],
  layout: Layout,
  title: string,
): string {
  const n = Math.min(count, EXPORT_ROWS);
  const height = HEAD + n * ROW_H;
  const external = (name: string) => lanes.find((l) => l.name === name)?.external ?? true;
  const body = s('g', { transform: `translate(0,${HEAD})` });
  for (const l of lanes)
    body.append(s('line', { class: 'lifeline', x1: layout.x.get(l.name), x2: layout.x.get(l.name), y1: 0, y2: n * ROW_H }));
  for (let i = 0; i < n; i++) {
    const row = rowAt(store, filtered.get(i), cursor);
    const aria = describeRow(row, external);
    body.append(drawRow(row, i, i * ROW_H, layout, '', aria), drawTimeCell(row, i, i * ROW_H, false, ''));
  }
  const svg = s(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width: layout.width, height, viewBox: `0 0 ${layout.width} ${height}`, 'data-rows': n },
    s('title', {}, `${title}${count > n ? ` (first ${n} of ${count} rows)` : ''}`),
    s('text', { class: 'lane-title', x: 6, y: 18 }, 'seq · time'),
    ...lanes.map((l) =>
      s(
        'text',
        { class: 'lane-title', x: layout.x.get(l.name), y: 18, 'text-anchor': 'middle' },
        l.name.length > layout.laneW / 7 ? `${l.name.slice(0, Math.max(1, Math.floor(layout.laneW / 7) - 1))}…` : l.name,
      ),
    ),
    body,
  );
  // The stylesheet goes in as text: a <style> element made in this page would fall under the page's CSP.
  const css = themeCss().replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
  const text = new XMLSerializer().serializeToString(svg).replace(/^(<svg[^>]*>)/, `$1<style>${css}</style>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${text}\n`;
}
