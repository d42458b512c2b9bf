/**
 * The inspector on 100,000- and 1,000,000-event traces in headless chromium (Debian's, via playwright-core), as a
 * user gets it from `caxton inspect`: page size, first rows on screen, whole trace loaded, seek p50/p95 (the redraw's
 * own time from user-timing entries, and end to end including the wait for the next frame), JS heap after a GC.
 * Side by side, in the same run: the previous inspector (commit BENCH_INSPECTOR_BASELINE, default 054c435, built
 * from git) on the 100k trace. Prints figures; never fails on timing.
 *   npm run bench -- inspector           BENCH_INSPECTOR_EVENTS=100000,1000000 (default)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { inspectorHtml } from '../client/inspectorHtml';
import { writeInspectorPage } from '../runtime/cli/commands/inspect';
import type { TraceEvent } from '../schemas/trace';
import { launchChromium } from '../test/browser/chromium';
import { distDir, repoRoot } from '../test/support/paths';
import { benchTrace } from './inspectorTrace';

const SIZES = (process.env.BENCH_INSPECTOR_EVENTS ?? '100000,1000000').split(',').map(Number);
const BASELINE = process.env.BENCH_INSPECTOR_BASELINE ?? '054c435';
const SEEKS = 40;

interface Figures {
  page: number;
  dom: number;
  firstRender: number;
  loaded: number;
  seekWork: number[];
  seekE2e: number[];
  heap: number;
  tabs: Record<string, number>;
  nodes: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mb = (n: number) => `${(n / (1 << 20)).toFixed(1)} MB`;
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 0)} ms` : 'n/a');

/** Seek to `n` with the slider; the redraw's time (user timing) and the time until the next frame has run. */
async function seek(page: Page, n: number): Promise<{ work: number; e2e: number }> {
  return page.evaluate(`(async () => {
    const el = document.getElementById('time-slider');
    performance.clearMeasures('caxton:redraw');
    const t0 = performance.now();
    el.value = '${n}'; el.dispatchEvent(new Event('input'));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const entries = performance.getEntriesByName('caxton:redraw');
    return { e2e: performance.now() - t0, work: entries.length ? entries.reduce((s, e) => s + e.duration, 0) : NaN };
  })()`) as Promise<{ work: number; e2e: number }>;
}

async function measure(html: string, events: number): Promise<Figures> {
  const browser = await launchChromium({ width: 1400, height: 900 });
  try {
    const page = await browser.context.newPage();
    const t0 = Date.now();
    await page.goto(`file://${html}`);
    await page.waitForSelector('g.row', { timeout: 600_000 });
    const firstRender = Date.now() - t0;
    await page.waitForSelector(`body[data-events="${events}"]:not([data-loading="true"])`, { timeout: 600_000 });
    const loaded = Date.now() - t0;
    // Page-side marks (from navigation start) when the inspector has them; the previous one has none.
    const marks = (await page.evaluate(`(() => { const m = (n) => performance.getEntriesByName(n).slice(-1)[0]?.startTime ?? NaN;
      const nav = performance.getEntriesByType('navigation')[0]; return { rows: m('caxton:first-rows'), loaded: m('caxton:loaded'), dom: nav ? nav.domContentLoadedEventEnd : NaN }; })()`)) as {
      rows: number;
      loaded: number;
      dom: number;
    };
    const seekWork: number[] = [],
      seekE2e: number[] = [];
    let x = 12345;
    for (let i = 0; i < SEEKS; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const r = await seek(page, Math.floor((x / 2 ** 31) * events));
      seekWork.push(r.work);
      seekE2e.push(r.e2e);
    }
    // Each other tab, shown at the end of the trace: the redraw that showing it costs.
    await seek(page, events);
    const tabs: Record<string, number> = {};
    for (const tab of ['protocols', 'auctions', 'patterns', 'breakers', 'agents', 'conversations']) {
      tabs[tab] = (await page.evaluate(`(async () => {
        const tab = document.getElementById('tab-${tab}');
        if (!tab) return NaN;
        performance.clearMeasures('caxton:redraw');
        tab.click();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const entries = performance.getEntriesByName('caxton:redraw');
        return entries.length ? entries.reduce((s, e) => s + e.duration, 0) : NaN;
      })()`)) as number;
    }
    const nodes = (await page.evaluate('document.getElementsByTagName("*").length')) as number;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return {
      page: fs.statSync(html).size,
      firstRender: Number.isFinite(marks.rows) ? marks.rows : firstRender,
      loaded: Number.isFinite(marks.loaded) ? marks.loaded : loaded,
      dom: marks.dom,
      seekWork,
      seekE2e,
      heap: usedSize,
      tabs,
      nodes,
    };
  } finally {
    await browser.close();
  }
}

/** The previous inspector's bundle, built from git at BASELINE (undefined when git or the commit is not there). */
async function baselineBundle(dir: string): Promise<string | undefined> {
  try {
    const tar = path.join(dir, 'baseline.tar');
    execFileSync('git', ['-C', repoRoot, 'archive', '-o', tar, BASELINE, 'client/webview', 'client/traceFile.ts', 'schemas']);
    execFileSync('tar', ['-xf', tar, '-C', dir]);
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [path.join(dir, 'client', 'webview', 'main.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    return out.outputFiles[0].text;
  } catch (e) {
    console.log(`(no baseline: ${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

function report(name: string, n: number, f: Figures, traceBytes: number): void {
  console.log(
    `${name} · ${n.toLocaleString('en')} events: page ${mb(f.page)} (trace ${mb(traceBytes)}) · page parsed ${ms(f.dom)} · first rows ${ms(f.firstRender)} · all loaded ${ms(f.loaded)} · ` +
      `seek p50/p95: redraw ${ms(pct(f.seekWork, 50))} / ${ms(pct(f.seekWork, 95))}, to the next frame ${ms(pct(f.seekE2e, 50))} / ${ms(pct(f.seekE2e, 95))} · JS heap ${mb(f.heap)}`,
  );
  console.log(
    `  showing a tab at the end: ${Object.entries(f.tabs)
      .map(([t, v]) => `${t} ${ms(v)}`)
      .join(', ')} · ${f.nodes.toLocaleString('en')} DOM nodes`,
  );
}

export async function run(): Promise<void> {
  if (!fs.existsSync(path.join(distDir, 'webview.js'))) throw new Error('dist/webview.js is missing: run `node esbuild.mjs`');
  process.env.CAXTON_DIST = distDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-bench-inspector-'));
  try {
    for (const n of SIZES) {
      const t = Date.now();
      const lines = benchTrace(n);
      const trace = path.join(dir, `bench-${n}.trace.jsonl`);
      fs.writeFileSync(trace, lines.join('\n') + '\n');
      const traceBytes = fs.statSync(trace).size;
      const parse0 = process.hrtime.bigint();
      const events = lines.map((l) => JSON.parse(l) as TraceEvent);
      const parseMs = Number(process.hrtime.bigint() - parse0) / 1e6;
      const html = path.join(dir, `bench-${n}.html`);
      writeInspectorPage(trace, html, { err: (l) => console.log(l) }, `bench ${n}`);
      console.log(
        `trace of ${n.toLocaleString('en')} events made in ${Date.now() - t} ms; JSON.parse of every line in Node (the floor for reading it all): ${ms(parseMs)}`,
      );
      report('inspector v2', n, await measure(html, n), traceBytes);
      if (n <= 100_000) {
        const old = await baselineBundle(dir);
        if (old) {
          const oldHtml = path.join(dir, `baseline-${n}.html`);
          fs.writeFileSync(
            oldHtml,
            inspectorHtml({ script: { inline: old }, nonce: randomBytes(18).toString('base64'), events, title: `baseline ${n}` }),
          );
          report(`previous inspector (${BASELINE})`, n, await measure(oldHtml, n), traceBytes);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
