/**
 * Entry of the inspector bundle (dist/webview.js). In VS Code it talks to the panel through acquireVsCodeApi;
 * in a standalone page it reads the embedded trace from <script type="application/json" id="caxton-trace">.
 */
import { createHandler, HOST_TO_VIEW_KINDS, type HostToView, type ViewToHost } from '../../schemas/protocol/inspector';
import type { TraceEvent } from '../../schemas/trace';
import { Inspector } from './inspector';

interface VsCodeApi { postMessage(message: ViewToHost): void }
declare const acquireVsCodeApi: undefined | (() => VsCodeApi);

/** The embedded trace of a standalone page, as written by client/inspectorHtml.ts. */
interface EmbeddedTrace { title?: string; events: TraceEvent[] }

function start(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('caxton inspector: no #app element in the page');
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const inspector = new Inspector(root, (m) => api?.postMessage(m));
  const handle = createHandler<HostToView>(HOST_TO_VIEW_KINDS, {
    reset: (m) => inspector.reset(m.events, m.live, m.title),
    append: (m) => inspector.append(m.events),
    status: (m) => inspector.setStatus(m.running, m.text),
    reply: (m) => inspector.showReply(m.request, m.reply, m.error),
  });
  window.addEventListener('message', (ev: MessageEvent) => {
    // In a standalone page only the page itself may feed events (tests and embedders use window.postMessage).
    if (!api && ev.source !== window) return;
    handle(ev.data);
  });
  const embedded = document.getElementById('caxton-trace');
  if (embedded?.textContent) {
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
