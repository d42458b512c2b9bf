/**
 * Entry of the inspector bundle (dist/webview.js). In VS Code it talks to the panel through acquireVsCodeApi;
 * in a standalone page it reads the embedded trace: gzip-compressed JSONL (`caxton inspect`), inflated with the
 * browser's DecompressionStream and fed to the view in batches as it streams, or a plain JSON block.
 */
import { createHandler, HOST_TO_VIEW_KINDS, TRACE_BATCH, type HostToView, type ViewToHost } from '../../schemas/protocol/inspector';
import type { TraceEvent } from '../../schemas/trace';
import { parseTraceText } from '../traceFile';
import { Inspector } from './inspector';

interface VsCodeApi {
  postMessage(message: ViewToHost): void;
}
declare const acquireVsCodeApi: undefined | (() => VsCodeApi);

/** The embedded trace of a standalone page, as written by client/inspectorHtml.ts. */
interface EmbeddedTrace {
  title?: string;
  events: TraceEvent[];
}

/** Base64 decoded a slice at a time, as a byte stream (the first events inflate before the rest is even decoded). */
function base64Stream(base64: string, slice = 1 << 18): ReadableStream<BufferSource> {
  let at = 0;
  return new ReadableStream<BufferSource>({
    pull(controller) {
      if (at >= base64.length) {
        controller.close();
        return;
      }
      const raw = atob(base64.slice(at, at + slice));
      at += slice;
      const bytes = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      controller.enqueue(bytes);
    },
  });
}

/** Inflate base64 gzip JSONL and hand the events over as they stream in: the first ones at once, then in batches. */
async function streamCompressed(base64: string, batch: (events: TraceEvent[]) => void): Promise<number> {
  const reader = base64Stream(base64).pipeThrough(new DecompressionStream('gzip')).pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  let pending: TraceEvent[] = [];
  let problems = 0;
  let first = true;
  for (;;) {
    const { done, value } = await reader.read();
    const text = rest + (value ?? '');
    const cut = done ? text.length : text.lastIndexOf('\n') + 1;
    rest = text.slice(cut);
    const parsed = parseTraceText(text.slice(0, cut));
    problems += parsed.problems.length;
    pending = pending.concat(parsed.events);
    if ((first && pending.length > 0) || pending.length >= TRACE_BATCH || done) {
      batch(pending);
      pending = [];
      first = false;
    }
    if (done) return problems;
  }
}

function start(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('caxton inspector: no #app element in the page');
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const inspector = new Inspector(root, { post: (m) => api?.postMessage(m), hosted: !!api });
  const handle = createHandler<HostToView>(HOST_TO_VIEW_KINDS, {
    reset: (m) => inspector.reset(m.events, m.live, m.title),
    append: (m) => inspector.append(m.events),
    status: (m) => inspector.setStatus(m.running, m.text),
    reply: (m) => inspector.showReply(m.request, m.reply, m.error),
    compare: (m) => inspector.compareWith(m.title, m.events),
    revealed: (m) => inspector.revealed(m.ok, m.text),
    follow: (m) => inspector.followSeq(m.seq, m.text),
  });
  window.addEventListener('message', (ev: MessageEvent) => {
    // In a standalone page only the page itself may feed events (tests and embedders use window.postMessage).
    if (!api && ev.source !== window) return;
    handle(ev.data);
  });
  const compressed = document.getElementById('caxton-trace-gz');
  const embedded = document.getElementById('caxton-trace');
  if (compressed?.textContent) {
    inspector.reset([], false, compressed.dataset.title);
    streamCompressed(compressed.textContent.trim(), (events) => inspector.append(events))
      .then((problems) => {
        if (problems) inspector.fail(`${problems} lines of the embedded trace were not trace events and were skipped`);
      })
      .catch((e: Error) => inspector.fail(`could not read the embedded trace: ${e.message}`));
  } else if (embedded?.textContent) {
    try {
      const trace = JSON.parse(embedded.textContent) as EmbeddedTrace;
      inspector.reset(Array.isArray(trace.events) ? trace.events : [], false, trace.title);
    } catch (e) {
      inspector.fail(`could not read the embedded trace: ${(e as Error).message}`);
    }
  }
  api?.postMessage({ kind: 'ready' });
}

start();
