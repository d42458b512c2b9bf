/**
 * The inspector's HTML page: part of the host<->view contract (the view boots from it and reads an embedded trace
 * from `#caxton-trace`), shared by the VS Code panel (script by URI) and `caxton inspect` (script and stylesheet
 * inlined, trace embedded). Pure: no I/O, no vscode. Strict CSP: nothing runs without the nonce, nothing loads
 * from elsewhere. The stylesheet comes from the view's bundle (client/webview/styles.ts; dist/webview.css).
 */
import type { TraceEvent } from '../trace';

export interface InspectorPageOptions {
  /** The bundle (dist/webview.js): inlined text for a standalone page, or a URI the webview may load. */
  script: { inline: string } | { src: string };
  /** A fresh random nonce (base64 or hex, at least 16 bytes of entropy). */
  nonce: string;
  /** VS Code's `webview.cspSource`; omit for a standalone page. */
  cspSource?: string;
  /** The inspector stylesheet. */
  css: string;
  /** Embedded trace (standalone pages); the view then replays it without a host. */
  events?: readonly TraceEvent[];
  /** Embedded trace as base64 gzip of its JSONL (what `caxton inspect` writes: a page many times smaller). */
  compressedTrace?: string;
  title?: string;
}

/** The Content-Security-Policy of an inspector page. */
export function inspectorCsp(nonce: string, cspSource?: string): string {
  const src = cspSource ? `${cspSource} ` : '';
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${src}'nonce-${nonce}'`,
    `img-src ${src}data:`,
    `font-src ${src}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
  ]
    .filter((d) => d !== 'font-src')
    .join('; ');
}

/** JSON that is safe inside a <script> block: no `</script>`, `<!--` or line separators can end or bend it. */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for an inline <script>: a literal `</script` inside the bundle would close the element early. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Build the page. */
export function inspectorPage(o: InspectorPageOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('inspectorPage: the nonce must be at least 16 base64/hex characters');
  const nonce = escapeHtml(o.nonce);
  const title = escapeHtml(o.title ?? 'Caxton inspector');
  if (o.compressedTrace !== undefined && !/^[A-Za-z0-9+/=]*$/.test(o.compressedTrace))
    throw new Error('inspectorPage: compressedTrace must be base64');
  const data =
    o.compressedTrace !== undefined
      ? `\n<script type="application/gzip" id="caxton-trace-gz" data-title="${title}">${o.compressedTrace}</script>`
      : o.events
        ? `\n<script type="application/json" id="caxton-trace">${jsonForScriptBlock({ title: o.title, events: o.events })}</script>`
        : '';
  const script =
    'src' in o.script
      ? `<script nonce="${nonce}" src="${escapeHtml(o.script.src)}"></script>`
      : `<script nonce="${nonce}">${scriptText(o.script.inline)}</script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${inspectorCsp(o.nonce, o.cspSource).replace(/[&<>"]/g, (c) => escapeHtml(c))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style nonce="${nonce}">${o.css.replace(/<\/(style)/gi, '<\\/$1')}</style>
</head>
<body>
<div id="app"></div>${data}
${script}
</body>
</html>
`;
}
