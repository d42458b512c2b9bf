/**
 * One row of the sequence diagram as SVG: an arrow (plain, self-loop, or a grouped fan-out to several receivers)
 * labelled with the performative and a content preview, or a mark (timeout, drop, violation, crash, pattern step, end
 * of a conversation); and its cell in the sticky seq/time column. Pure drawing: no state, no listeners.
 */
import { s, formatMs } from './dom';
import { contentPreview, formatClock } from './wording';
import type { DiagramRow, MessageRow } from './model/rows';

export const ROW_H = 28;
/** Width of the sticky seq + time column at the left of the diagram. */
export const TIME_W = 100;
const CHAR_W = 6.2;
/** The lane hidden agents collapse into. */
export const HIDDEN_LANE = '\u0000hidden';

/** Where lifelines are: x of each agent's lifeline (hidden agents: the collapsed lane's) and the diagram's width. */
export interface Layout {
  laneW: number;
  width: number;
  x: ReadonlyMap<string, number>;
  hiddenX?: number;
}

/** x of an agent's lifeline. */
export function laneX(layout: Layout, name: string): number {
  return layout.x.get(name) ?? layout.hiddenX ?? TIME_W + layout.laneW / 2;
}

/** A small stable colour index per conversation, so a conversation's rows share a band colour. */
export function conversationHue(id: string | undefined): number {
  if (!id) return -1;
  let x = 0;
  for (let i = 0; i < id.length; i++) x = (x * 31 + id.charCodeAt(i)) >>> 0;
  return x % 8;
}

/** Text cut to `max` characters with an ellipsis. */
export function ellipsis(text: string, max: number): string {
  if (max <= 1) return max === 1 ? '…' : '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The sentence a screen reader hears (and a hover shows) for a row. */
export function describeRow(row: DiagramRow, external: (name: string) => boolean, replyOf?: MessageRow): string {
  const who = (n: string) => (external(n) ? `${n} (outside party)` : n);
  const at = `#${row.seq}${row.step !== undefined ? ` step ${row.step}` : ''} at ${formatMs(row.t)}`;
  if (row.kind === 'message') {
    const status =
      row.status === 'dropped' ? `, dropped (${row.dropReason ?? 'no reason'})` : row.status === 'delivered' ? '' : ', not delivered yet';
    const reply = replyOf ? `, replies to ${replyOf.performative} from ${replyOf.from}` : '';
    return `${row.performative} from ${who(row.from)} to ${row.to.map(who).join(', ')}${row.conversationId ? ` in ${row.conversationId}` : ''}, ${at}${reply}${status}`;
  }
  return `${row.marker.replace(/_/g, ' ')}: ${row.text}, ${at}`;
}

/** Receivers named by an address rather than by name (a topic or broadcast), shown on fan-out labels. */
function addressOf(row: MessageRow): string | undefined {
  const r = row.message.receiver;
  return typeof r === 'string' && (r === 'broadcast' || r.startsWith('topic://')) ? r : undefined;
}

function label(row: MessageRow, x: number, y: number, room: number, anchor: 'middle' | 'start'): SVGTextElement {
  const fan = row.to.length > 1 ? ` ⇉ ${addressOf(row) ?? ''}${addressOf(row) ? ' ' : ''}×${row.to.length}` : '';
  const head = ellipsis(row.performative + fan + (row.status === 'dropped' ? ' ✕' : ''), Math.max(4, Math.floor(room / CHAR_W)));
  const preview = contentPreview(row.message.content, Math.floor((room - head.length * CHAR_W - 10) / CHAR_W));
  return s(
    'text',
    { class: 'label', x, y, 'text-anchor': anchor },
    s('tspan', { class: 'perf' }, head),
    preview ? s('tspan', { class: 'preview', dx: 5 }, preview) : null,
  );
}

function drawMessage(g: SVGGElement, row: MessageRow, mid: number, layout: Layout): void {
  const x1 = laneX(layout, row.from);
  const cls = `arrow perf-${row.performative} status-${row.status}${row.alarm ? ' alarm' : ''}${row.answer ? ' answer' : ''}`;
  const xs = [...new Set(row.to.map((t) => laneX(layout, t)))];
  const others = xs.filter((x) => x !== x1);
  if (xs.includes(x1)) {
    // A message to oneself: a loop out of and back into the lifeline.
    g.setAttribute('data-self', 'true');
    g.append(
      s('path', { class: `${cls} self-loop`, d: `M${x1},${mid - 8} h22 v12 h-18` }),
      s('path', { class: `head ${cls}`, d: `M${x1},${mid + 4} l8,-4 v8 z` }),
    );
  }
  if (others.length > 0) {
    const lo = Math.min(x1, ...others),
      hi = Math.max(x1, ...others);
    const fan = others.length > 1;
    if (fan) g.setAttribute('data-fanout', String(row.to.length));
    // One trunk for a fan-out (one line per side of the sender), a head on every receiver's lifeline.
    if (lo < x1) g.append(s('line', { class: `${cls}${fan ? ' fanout' : ''}`, x1, y1: mid, x2: lo + 4, y2: mid }));
    if (hi > x1) g.append(s('line', { class: `${cls}${fan ? ' fanout' : ''}`, x1, y1: mid, x2: hi - 4, y2: mid }));
    if (fan) g.append(s('circle', { class: 'fan-origin', cx: x1, cy: mid, r: 3 }));
    for (const x2 of others)
      g.append(s('path', { class: `head ${cls}`, d: x2 > x1 ? `M${x2},${mid} l-8,-4 v8 z` : `M${x2},${mid} l8,-4 v8 z` }));
    g.append(label(row, (lo + hi) / 2, mid - 4, hi - lo, 'middle'));
  } else {
    g.append(label(row, x1 + 28, mid - 1, layout.laneW - 32, 'start'));
  }
}

/** Draw one row at height `y`; `extraClass` marks selection and reply correlation; `aria` is its full sentence. */
export function drawRow(row: DiagramRow, index: number, y: number, layout: Layout, extraClass: string, aria: string): SVGGElement {
  const mid = y + ROW_H / 2;
  const hue = conversationHue(row.conversationId);
  const g = s(
    'g',
    {
      class: `row ${row.kind}${extraClass}`,
      id: `row-${index}`,
      role: 'option',
      'aria-label': aria,
      'aria-selected': extraClass.includes(' selected') ? 'true' : 'false',
      'data-index': index,
      'data-seq': row.seq,
    },
    s('title', {}, aria),
    s('rect', { class: 'row-bg', x: 0, y, width: layout.width, height: ROW_H }),
    hue >= 0 ? s('rect', { class: `conv-band conv-${hue}`, x: TIME_W, y: y + 2, width: 4, height: ROW_H - 4 }) : null,
  );
  if (row.kind === 'message') {
    g.setAttribute('data-id', row.id);
    g.setAttribute('data-performative', row.performative);
    g.setAttribute('data-from', row.from);
    g.setAttribute('data-to', row.to.join(','));
    if (row.conversationId !== undefined) g.setAttribute('data-conversation', row.conversationId);
    if (row.inReplyTo !== undefined) g.setAttribute('data-reply-to', row.inReplyTo);
    drawMessage(g, row, mid, layout);
  } else {
    g.setAttribute('data-marker', row.marker);
    const x = row.agent !== undefined ? laneX(layout, row.agent) : TIME_W + 12;
    const tone = row.bad ? ' bad' : '';
    if (row.marker === 'conversation_ended') g.append(s('line', { class: 'marker-line', x1: TIME_W, x2: layout.width, y1: mid, y2: mid }));
    else g.append(s('path', { class: `marker marker-${row.marker}${tone}`, d: `M${x},${mid - 7} l7,7 l-7,7 l-7,-7 z` }));
    // A mark near the right edge puts its text on the left; text longer than the room is cut with an ellipsis.
    const roomRight = layout.width - (x + 12),
      roomLeft = x - 12 - TIME_W;
    const left = row.marker !== 'conversation_ended' && row.text.length * CHAR_W > roomRight && roomLeft > roomRight;
    const text = ellipsis(row.text, Math.floor((left ? roomLeft : roomRight) / CHAR_W));
    g.append(
      s(
        'text',
        { class: `marker-text marker-${row.marker}${tone}`, x: left ? x - 12 : x + 12, y: mid + 4, 'text-anchor': left ? 'end' : 'start' },
        text,
      ),
    );
  }
  return g;
}

/** The row's cell in the sticky seq/time column; the time is dimmed when it equals the previous row's (a clock that did not move). */
export function drawTimeCell(row: DiagramRow, index: number, y: number, sameTime: boolean, extraClass: string): SVGGElement {
  const mid = y + ROW_H / 2;
  return s(
    'g',
    { class: `time-cell${extraClass}`, 'data-index': index },
    s('rect', { class: 'time-bg', x: 0, y, width: TIME_W, height: ROW_H }),
    s('text', { class: 'seq-no', x: 6, y: mid + 4 }, row.step !== undefined ? `${row.seq}·${row.step}` : row.seq),
    s('text', { class: `time${sameTime ? ' same' : ''}`, x: TIME_W - 8, y: mid + 4, 'text-anchor': 'end' }, formatClock(row.t)),
  );
}
