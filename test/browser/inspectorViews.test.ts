import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { TraceEvent, TraceEventInput } from '../../schemas/trace';
import { artifactsDir, distDir, fixturesDir } from '../support/paths';
import { launchChromium } from './chromium';
import { open, pageFromTrace } from './inspectorPage';
import { syntheticTrace } from './syntheticTrace';

const pagesDir = path.join(artifactsDir, 'inspector');
const bundle = path.join(distDir, 'webview.js');
const MIN_LANE = 90;

/** A run that shows what the recorded examples do not: a topic fan-out, a self-message, an outside pipeline, hot reload and a restart, limits. */
const viewsTrace: TraceEventInput[] = [
  { type: 'run_started', name: 'views', agents: ['hub', 'a', 'b', 'c'] },
  { type: 'agent_state', agent: 'hub', from: 'unloaded', to: 'loaded' },
  { type: 'agent_state', agent: 'hub', from: 'loaded', to: 'running' },
  {
    type: 'message_sent',
    id: 'p1',
    to: ['hub'],
    message: {
      performative: 'request',
      sender: 'orders-pipeline',
      receiver: 'hub',
      conversation_id: 'news-1',
      reply_with: 'n1',
      content: { headline: 'caxton ships an inspector that fits a narrow panel' },
    },
  },
  { type: 'message_delivered', id: 'p1', to: 'hub' },
  {
    type: 'message_sent',
    id: 't1',
    to: ['a', 'b', 'c'],
    message: { performative: 'inform', sender: 'hub', receiver: 'topic://news', conversation_id: 'news-1', content: { headline: 'hello' } },
  },
  { type: 'message_delivered', id: 't1', to: 'a' },
  { type: 'message_delivered', id: 't1', to: 'b' },
  { type: 'message_delivered', id: 't1', to: 'c' },
  {
    type: 'message_sent',
    id: 's1',
    to: ['a'],
    message: { performative: 'inform', sender: 'a', receiver: 'a', conversation_id: 'self-1', content: { note: 'to myself' } },
  },
  {
    type: 'message_sent',
    id: 'r1',
    to: ['orders-pipeline'],
    message: { performative: 'agree', sender: 'hub', receiver: 'orders-pipeline', conversation_id: 'news-1', in_reply_to: 'n1' },
  },
  {
    type: 'agent_usage',
    agent: 'hub',
    fuel: 500_000,
    memory_bytes: 1 << 17,
    duration_ms: 1,
    fuel_limit: 1_000_000,
    memory_limit_bytes: 1 << 20,
  },
  { type: 'agent_state', agent: 'hub', from: 'running', to: 'draining', reason: 'reload' },
  { type: 'agent_state', agent: 'hub', from: 'draining', to: 'loaded', reason: 'reloaded' },
  { type: 'agent_state', agent: 'hub', from: 'loaded', to: 'running' },
  { type: 'agent_state', agent: 'hub', from: 'running', to: 'failed', reason: 'fuel exhausted' },
  { type: 'agent_state', agent: 'hub', from: 'failed', to: 'loaded', reason: 'restart 2 of 20' },
  { type: 'agent_state', agent: 'hub', from: 'loaded', to: 'running' },
  { type: 'timeout', waiting: 'orders-pipeline', conversation_id: 'news-1', reply_with: 'n1', deadline: 1000 },
];

const attrs = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);
const activeId = (page: Page) =>
  page.evaluate('document.activeElement && (document.activeElement.id || document.activeElement.className)') as Promise<string>;
/** Geometry of the diagram's scroller and its header, read in the page (this file compiles without the DOM lib). */
const geometry = (page: Page) =>
  page.evaluate(`(() => {
  const sc = document.querySelector('.seq-scroll'), hd = document.querySelector('.seq-header');
  const names = [...document.querySelectorAll('.lane-name')].map((e) => e.getBoundingClientRect());
  return { scrollWidth: sc.scrollWidth, clientWidth: sc.clientWidth, scrollerTop: sc.getBoundingClientRect().top, scrollerRight: sc.getBoundingClientRect().right,
    headerTop: hd.getBoundingClientRect().top, lastLaneRight: names.length ? names[names.length - 1].right : 0 };
})()`) as Promise<{
    scrollWidth: number;
    clientWidth: number;
    scrollerTop: number;
    scrollerRight: number;
    headerTop: number;
    lastLaneRight: number;
  }>;

describe('inspector views: layout, rows, keyboard, summary and agents (headless chromium)', function () {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const violations: string[] = [];
  let viewsHtml = '';
  const page$ = (html: string) =>
    pageFromTrace(path.join(fixturesDir, 'traces', `${html}.trace.jsonl`), path.join(pagesDir, `${html}.html`));

  before(async () => {
    assert.ok(fs.existsSync(bundle), `${bundle} is missing: run \`node esbuild.mjs\` (or set CAXTON_DIST)`);
    fs.mkdirSync(pagesDir, { recursive: true });
    process.env.CAXTON_DIST = distDir;
    const traceFile = path.join(pagesDir, 'views.trace.jsonl');
    fs.writeFileSync(traceFile, viewsTrace.map((e, i) => JSON.stringify({ seq: i, t: i * 100, ...e })).join('\n') + '\n');
    viewsHtml = await pageFromTrace(traceFile, path.join(pagesDir, 'views.html'));
    browser = await launchChromium({ width: 520, height: 760 });
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
  });
  after(async () => {
    await browser?.close();
  });

  it('a narrow panel shows every lifeline of the calculator run, the outside party `user` marked', async () => {
    await open(page, await page$('calculator'));
    const g = await geometry(page);
    assert.ok(g.scrollWidth <= g.clientWidth, `no sideways scroll needed: ${g.scrollWidth} > ${g.clientWidth}`);
    assert.ok(
      g.lastLaneRight <= g.scrollerRight + 0.5,
      `the last lifeline (user) is inside the panel: ${g.lastLaneRight} > ${g.scrollerRight}`,
    );
    assert.deepEqual(await attrs(page, '.lane-name.external', 'data-agent'), ['user']);
    assert.deepEqual(await attrs(page, 'line.lifeline.external', 'data-agent'), ['user']);
    assert.ok(Number(await page.getAttribute('#view-conversations', 'data-lane-width')) >= MIN_LANE);
    await page.screenshot({ path: path.join(pagesDir, 'narrow-calculator.png') });
  });

  it('with more lifelines than fit, keeps the minimum spacing, scrolls sideways, and the header sticks', async () => {
    await open(page, await page$('demo'));
    assert.equal(await page.getAttribute('#view-conversations', 'data-lane-width'), String(MIN_LANE));
    const g = await geometry(page);
    assert.ok(g.scrollWidth > g.clientWidth, 'the diagram scrolls sideways');
    await page.$eval('.seq-scroll', (el) => {
      el.scrollTop = 300;
    });
    await page.waitForSelector('#row-12');
    const after = await geometry(page);
    assert.ok(Math.abs(after.headerTop - after.scrollerTop) < 1, `header stays at the top: ${after.headerTop} vs ${after.scrollerTop}`);
    await page.screenshot({ path: path.join(pagesDir, 'narrow-demo.png') });
    // Widening the panel spreads the lifelines out again (ResizeObserver).
    await page.setViewportSize({ width: 1800, height: 900 });
    await page.waitForSelector(`#view-conversations:not([data-lane-width="${MIN_LANE}"])`, { state: 'attached' });
    assert.ok(Number(await page.getAttribute('#view-conversations', 'data-lane-width')) > MIN_LANE);
    const wide = await geometry(page);
    assert.ok(wide.scrollWidth <= wide.clientWidth, 'ten lifelines fit a wide panel');
    await page.$eval('.seq-scroll', (el) => {
      el.scrollTop = 0;
    });
  });

  it('each row has its run-clock time, the performative with a content preview, and replies link to their request', async () => {
    await page.waitForSelector('.seq-time-svg g.time-cell[data-index="0"] text.time');
    assert.equal(await page.textContent('.seq-time-svg g.time-cell[data-index="0"] text.time'), '0.001s');
    assert.equal(
      await page.textContent('.seq-time-svg g.time-cell[data-index="0"] text.seq-no'),
      await page.getAttribute('#row-0', 'data-seq'),
    );
    assert.match((await page.textContent('g.row[data-id="m1"] .label .preview')) ?? '', /^\{"op":/);
    await page.click('g.row[data-id="m3"] text.label');
    assert.match(
      (await page.getAttribute('g.row[data-id="m1"]', 'class')) ?? '',
      /\bcorrelated\b/,
      'the request the reply answers is highlighted',
    );
    assert.equal((await page.$$('path.reply-link')).length, 1);
    assert.match((await page.textContent('#details-title')) ?? '', /replies to request from client/);
    assert.match((await page.getAttribute('g.row[data-id="m3"]', 'aria-label')) ?? '', /replies to request from client/);
    await page.hover('g.row[data-id="m2"] text.label');
    assert.match((await page.getAttribute('g.row[data-id="m1"]', 'class')) ?? '', /\bhover-correlated\b/);
    await page.mouse.move(0, 0);
    assert.doesNotMatch((await page.getAttribute('g.row[data-id="m1"]', 'class')) ?? '', /hover-correlated/);
  });

  it('draws a self-message as a loop and a topic fan-out as one group', async () => {
    await open(page, viewsHtml);
    const self = 'g.row[data-id="s1"]';
    assert.equal(await page.getAttribute(self, 'data-self'), 'true');
    assert.equal((await page.$$(`${self} path.self-loop`)).length, 1);
    const fan = 'g.row[data-id="t1"]';
    assert.equal(await page.getAttribute(fan, 'data-fanout'), '3');
    assert.equal((await page.$$(`${fan} path.head`)).length, 3, 'a head on each receiver');
    assert.equal((await page.$$(`${fan} circle.fan-origin`)).length, 1);
    assert.match((await page.textContent(`${fan} .perf`)) ?? '', /inform ⇉ topic:\/\/news ×3/);
    assert.deepEqual(await attrs(page, '.lane-name.external', 'data-agent'), ['orders-pipeline']);
    assert.deepEqual(await attrs(page, 'g.row.marker', 'data-marker'), ['agent_reloaded', 'agent_failed', 'agent_restarted', 'timeout']);
    await page.screenshot({ path: path.join(pagesDir, 'views.png') });
  });

  it('summary strip: counts, run clock, and problem buttons that filter the diagram', async () => {
    await open(page, await page$('demo'));
    assert.equal(await page.textContent('.stat[data-stat="agents"] b'), '10');
    assert.equal(await page.textContent('.stat[data-stat="messages"] b'), '21');
    assert.equal(await page.textContent('.stat[data-stat="run clock"] b'), '0.330s');
    assert.deepEqual(await attrs(page, 'button.problem', 'data-count'), ['1', '1', '1', '2']);
    await page.click('#tab-agents');
    await page.click('button.problem[data-problem="timeout"]');
    assert.equal(await page.getAttribute('#tab-conversations', 'aria-selected'), 'true', 'the diagram is shown');
    assert.equal(await page.getAttribute('#view-conversations', 'data-problem'), 'timeout');
    assert.equal(await page.getAttribute('#view-conversations', 'data-rows'), '1');
    assert.deepEqual(await attrs(page, 'g.row', 'data-marker'), ['timeout']);
    assert.equal(await page.getAttribute('button.problem[data-problem="timeout"]', 'aria-pressed'), 'true');
    await page.click('button.problem[data-problem="failure"]');
    assert.deepEqual(await attrs(page, 'g.row', 'data-performative'), ['failure', '']);
    await page.screenshot({ path: path.join(pagesDir, 'summary-filter.png') });
    await page.click('#problem-chip');
    assert.equal(await page.getAttribute('#view-conversations', 'data-rows'), '29');
    assert.equal(await page.getAttribute('button.problem[data-problem="failure"]', 'aria-pressed'), 'false');
  });

  it('keyboard: tabs by arrow keys, Enter opens the details, Escape returns; focus rings use --vscode-focusBorder', async () => {
    await page.focus('#tab-conversations');
    await page.keyboard.press('ArrowRight');
    assert.equal(await activeId(page), 'tab-protocols');
    assert.equal(await page.getAttribute('#tab-protocols', 'aria-selected'), 'true');
    await page.keyboard.press('End');
    assert.equal(await activeId(page), 'tab-compare');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await activeId(page), 'tab-agents');
    await page.keyboard.press('ArrowDown');
    assert.equal(await activeId(page), 'view-agents', 'ArrowDown enters the panel');
    await page.keyboard.press('Escape');
    assert.equal(await activeId(page), 'tab-agents', 'Escape goes back to the tab');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    assert.equal(await activeId(page), 'seq-scroll');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await activeId(page), 'details', 'Enter moves to the details');
    assert.match((await page.textContent('#details')) ?? '', /"performative": "agree"/);
    await page.keyboard.press('Escape');
    assert.equal(await activeId(page), 'seq-scroll', 'Escape returns to the diagram');
    assert.equal(await page.getAttribute('.seq-scroll', 'aria-activedescendant'), 'row-1');
    await page.evaluate(`document.documentElement.style.setProperty('--vscode-focusBorder', 'rgb(255, 0, 0)')`);
    await page.keyboard.press('Shift+Tab');
    const ring = await page.evaluate(
      `(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineColor; })()`,
    );
    assert.equal(ring, 'solid rgb(255, 0, 0)');
  });

  it('agents: hot reload and restarts with their reasons, fuel and memory bars against the limits', async () => {
    await open(page, viewsHtml);
    await page.click('#tab-agents');
    const row = 'tr.agent[data-agent="hub"]';
    assert.deepEqual(await attrs(page, `${row} li.lc`, 'data-reason'), ['reloaded', 'fuel exhausted', 'restart 2 of 20']);
    assert.deepEqual(await page.$$eval(`${row} li.lc`, (els) => els.map((e) => e.textContent)), [
      '↻ hot reload',
      '✕ failed: fuel exhausted',
      '↻ restart 2 of 20',
    ]);
    assert.equal(await page.textContent(`${row} td.reloads`), '1');
    assert.equal(await page.textContent(`${row} td.restarts`), '1');
    assert.equal(await page.textContent(`${row} td.fuel`), '500,000');
    assert.equal(await page.getAttribute(`${row} td.fuel svg.bar`, 'data-fraction'), '0.500');
    assert.equal(await page.getAttribute(`${row} td.memory`, 'data-scale'), 'limit');
    assert.equal(await page.getAttribute(`${row} td.memory svg.bar`, 'data-fraction'), '0.125');
    assert.equal(await page.getAttribute('tr.agent[data-agent="orders-pipeline"]', 'data-external'), 'true');
    assert.equal(await page.textContent('tr.agent[data-agent="orders-pipeline"] .badge'), 'outside party');
    await page.screenshot({ path: path.join(pagesDir, 'agents-lifecycle.png') });
    await open(page, await page$('calculator'));
    await page.click('#tab-agents');
    assert.equal(
      await page.getAttribute('tr.agent[data-agent="calculator"] td.fuel', 'data-scale'),
      'relative',
      'no limits in the trace: bars relative to the busiest agent',
    );
  });

  it('announces live events politely in a throttled live region', async () => {
    assert.equal(await page.getAttribute('#announcer', 'aria-live'), 'polite');
    const events = viewsTrace.slice(0, 3).map((e, i) => ({ seq: i, t: i, ...e })) as TraceEvent[];
    await page.evaluate(`window.postMessage(${JSON.stringify({ kind: 'reset', events, live: true })}, '*')`);
    await page.waitForSelector('#status:text("live")');
    const more = viewsTrace.slice(3, 7).map((e, i) => ({ seq: i + 3, t: i + 3, ...e }));
    await page.evaluate(`window.postMessage(${JSON.stringify({ kind: 'append', events: more })}, '*')`);
    await page.waitForSelector('#announcer:text("4 new events: 2 messages")', { state: 'attached' });
  });

  it('a 10,000-event trace in a wide panel shows all eight lifelines and still draws only the visible window', async () => {
    const file = path.join(pagesDir, 'synthetic-10000.trace.jsonl');
    if (!fs.existsSync(file))
      fs.writeFileSync(
        file,
        syntheticTrace(10_000)
          .map((e) => JSON.stringify(e))
          .join('\n') + '\n',
      );
    await page.setViewportSize({ width: 1400, height: 1000 });
    await open(page, await pageFromTrace(file, path.join(pagesDir, 'synthetic-10000.html')));
    assert.equal((await page.$$('.lane-name')).length, 8);
    const g = await geometry(page);
    assert.ok(g.scrollWidth <= g.clientWidth, 'eight lifelines fit');
    const drawn = (await page.$$('g.row')).length;
    assert.ok(drawn > 10 && drawn < 150, `drew ${drawn} rows`);
    await page.click('button.problem[data-problem="timeout"]');
    assert.equal(await page.getAttribute('#view-conversations', 'data-rows'), '13');
  });

  it('raised no CSP violations and no page errors', () => {
    assert.deepEqual(violations, []);
  });
});
