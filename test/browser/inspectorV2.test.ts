import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { TraceEvent } from '../../schemas/trace';
import { artifactsDir, distDir, fixturesDir } from '../support/paths';
import { numbered, readTrace } from '../support/inspectorModel';
import { launchChromium } from './chromium';
import { open, pageFromTrace, showConversation } from './inspectorPage';
import { syntheticTrace } from './syntheticTrace';

const pagesDir = path.join(artifactsDir, 'inspector');
const attrs = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);
const texts = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));
const rows = (page: Page) => page.getAttribute('#view-conversations', 'data-rows').then(Number);
const activeId = (page: Page) =>
  page.evaluate('document.activeElement && (document.activeElement.id || document.activeElement.className)') as Promise<string>;
/** Poll a condition evaluated in the page until it holds (the page's CSP forbids waitForFunction's eval). */
async function until(page: Page, expression: string, what = expression): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
/** Wait until the diagram's row count `n` passes `test` (filters apply after a short debounce, in slices). */
const waitRows = (page: Page, test: string) =>
  until(
    page,
    `(() => { const v = document.getElementById('view-conversations'); const n = Number(v.dataset.rows); return v.dataset.searching === 'false' && (${test}); })()`,
    `rows: ${test}`,
  );

function writeTrace(name: string, events: TraceEvent[]): string {
  const file = path.join(pagesDir, `${name}.trace.jsonl`);
  fs.writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return file;
}

describe('inspector v2 in headless chromium: filters, lanes, patterns, protocols, compare, exports', function () {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const violations: string[] = [];
  let testName = '';
  beforeEach(function () {
    testName = this.currentTest?.title ?? '';
  });
  const pageOf = async (fixture: string) =>
    pageFromTrace(path.join(fixturesDir, 'traces', `${fixture}.trace.jsonl`), path.join(pagesDir, `v2-${fixture}.html`));

  before(async () => {
    assert.ok(fs.existsSync(path.join(distDir, 'webview.js')), 'dist/webview.js is missing: run `node esbuild.mjs`');
    fs.mkdirSync(pagesDir, { recursive: true });
    process.env.CAXTON_DIST = distDir;
    browser = await launchChromium({ width: 1400, height: 900 });
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`${testName}: ${m.text()}`);
    });
    page.on('pageerror', (e) => violations.push(`${testName}: page error: ${e.message}`));
  });
  after(async () => {
    await browser?.close();
  });

  it('search, performative and agent filters narrow the diagram; clearing restores it', async () => {
    await open(page, await pageOf('demo'));
    const all = await rows(page);
    await page.selectOption('#performative-filter', 'propose');
    await waitRows(page, `n < ${all}`);
    assert.deepEqual(new Set(await attrs(page, 'g.row', 'data-performative')), new Set(['propose']));
    assert.equal(await rows(page), 8);
    await page.selectOption('#performative-filter', '');
    await page.selectOption('#agent-filter', 'bob');
    await waitRows(page, `n < ${all}`);
    for (const [from, to] of await page.$$eval('g.row.message', (els) =>
      els.map((e) => [e.getAttribute('data-from'), e.getAttribute('data-to')]),
    ))
      assert.ok(from === 'bob' || to?.split(',').includes('bob'), `${from} -> ${to}`);
    await page.selectOption('#agent-filter', '');
    await page.fill('#search', 'division');
    await waitRows(page, `n < ${all} && n > 0`);
    for (const label of await attrs(page, 'g.row', 'aria-label')) assert.ok(label.length > 0);
    assert.match((await page.textContent('#rows-summary')) ?? '', /of \d+ rows/);
    await page.screenshot({ path: path.join(pagesDir, 'v2-search.png') });
    await page.fill('#search', '');
    await waitRows(page, `n === ${all}`);
  });

  it('hides and collapses lanes with the agent chooser (keyboard too), and shows them all again', async () => {
    const all = await rows(page);
    await page.click('#lanes-button');
    assert.equal(await page.getAttribute('#lanes-button', 'aria-expanded'), 'true');
    assert.equal(
      await page.evaluate('document.activeElement.getAttribute("data-agent")'),
      'client',
      'focus moves into the chooser (first checkbox)',
    );
    await page.uncheck('#lane-chooser input[data-agent="client"]');
    await page.uncheck('#lane-chooser input[data-agent="calculator"]');
    await waitRows(page, `n < ${all}`);
    const lanes = await attrs(page, '.lane-name', 'data-agent');
    assert.ok(!lanes.includes('client') && !lanes.includes('calculator'), lanes.join(','));
    assert.match((await texts(page, '.lane-name.collapsed'))[0], /2 hidden/);
    assert.equal((await page.$$('line.lifeline.collapsed')).length, 1);
    await page.screenshot({ path: path.join(pagesDir, 'v2-hidden-lanes.png') });
    await page.keyboard.press('Escape');
    assert.equal(await activeId(page), 'lanes-button', 'Escape closes the chooser and returns to its button');
    await page.click('#lanes-button');
    await page.click('#lanes-all');
    await waitRows(page, `n === ${all}`);
    assert.equal((await page.$$('.lane-name.collapsed')).length, 0);
    await page.keyboard.press('Escape');
  });

  it('the seq/time column stays put when the diagram scrolls sideways; "/" jumps to search', async () => {
    await page.setViewportSize({ width: 700, height: 800 });
    await until(page, `document.querySelector('.seq-scroll').scrollWidth > document.querySelector('.seq-scroll').clientWidth`);
    await page.$eval('.seq-scroll', (el) => {
      el.scrollLeft = 400;
    });
    await until(page, `document.querySelector('.seq-scroll').scrollLeft > 0`);
    const g = (await page.evaluate(`(() => { const sc = document.querySelector('.seq-scroll').getBoundingClientRect();
      return { scroller: sc.left, column: document.querySelector('.seq-timecol').getBoundingClientRect().left, header: document.querySelector('.lane-time').getBoundingClientRect().left,
        seq: document.querySelector('.seq-time-svg text.seq-no').getBoundingClientRect().left }; })()`)) as {
      scroller: number;
      column: number;
      header: number;
      seq: number;
    };
    assert.ok(Math.abs(g.column - g.scroller) < 1 && Math.abs(g.header - g.scroller) < 1, JSON.stringify(g));
    assert.ok(g.seq >= g.scroller && g.seq < g.scroller + 100, 'the seq numbers are on screen');
    await page.screenshot({ path: path.join(pagesDir, 'v2-sticky-time.png') });
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.focus('.seq-scroll');
    await page.keyboard.press('/');
    assert.equal(await activeId(page), 'search');
  });

  it("draws a saga's steps and its compensations in reverse, and marks them on the pipeline's lifeline", async () => {
    await open(page, await pageOf('saga'));
    assert.ok((await attrs(page, 'g.row.marker', 'data-marker')).includes('saga_step'));
    await page.click('#tab-patterns');
    assert.deepEqual(
      await page.$$eval('.saga .saga-step', (els) =>
        els.map((e) => `${e.getAttribute('data-action')} ${e.getAttribute('data-step')} ${e.getAttribute('data-ok')}`),
      ),
      ['run book_flight true', 'run book_hotel true', 'run book_car false', 'compensate book_hotel true', 'compensate book_flight true'],
    );
    assert.equal(await page.textContent('.saga .result'), 'failed at book_car; compensated book_hotel, book_flight');
    await page.screenshot({ path: path.join(pagesDir, 'v2-saga.png') });
  });

  it('shows a scatter-gather quorum with its missing branch', async () => {
    await open(page, await pageOf('resilience'));
    await page.click('#tab-patterns');
    assert.deepEqual(await attrs(page, '.scatter-gather .branch.answered', 'data-agent'), ['quoter-a', 'quoter-bb']);
    assert.deepEqual(await attrs(page, '.scatter-gather .branch.missing', 'data-agent'), ['quoter-broken']);
    assert.match((await page.textContent('.scatter-gather')) ?? '', /policy quorum: 2 of 3 answered/);
  });

  it('draws bargaining rounds as a chart with axes (uPlot) and a table, and the agreement', async () => {
    await open(page, await pageOf('bargaining'));
    await page.click('#tab-patterns');
    assert.equal((await page.$$('.bargaining tr.bargain-round')).length, 8);
    assert.equal(await page.getAttribute('.bargaining .result', 'data-agreed'), 'true');
    assert.equal(await page.getAttribute('.bargaining figure.chart', 'data-points'), '4');
    assert.equal((await page.$$('.bargaining figure.chart canvas')).length >= 1, true);
    assert.equal((await page.$$('.bargaining figure.chart .u-axis')).length, 2, 'an x and a y axis');
    assert.deepEqual(await texts(page, '.bargaining .u-legend .u-series th'), ['round', 'buyer', 'bike-shop']);
    await page.screenshot({ path: path.join(pagesDir, 'v2-bargaining.png') });
  });

  it('lists blackboard keys with every version, and subscriptions over time', async () => {
    await open(page, await pageOf('blackboard'));
    await page.click('#tab-patterns');
    const keys = await attrs(page, '.blackboard tr.bb-key', 'data-key');
    assert.ok(keys.includes('team/shift') && keys.includes('tasks/1'), keys.join(','));
    assert.ok((await page.$$('.bb-write')).length >= 7);
    await page.screenshot({ path: path.join(pagesDir, 'v2-blackboard.png') });
    await open(page, await pageOf('pubsub'));
    await page.click('#tab-patterns');
    assert.equal(
      (await page.$$('tr.subscription')).length,
      4,
      'five subscription events: four subscribes, one of them ended by an unsubscribe',
    );
    assert.equal((await page.$$('tr.subscription.open')).length, 3);
    assert.deepEqual((await attrs(page, 'tr.subscription', 'data-topic')).slice(0, 2), ['topic://orders/#', 'topic://orders/eu/*']);
    assert.equal((await page.$$('.patterns figure.chart .u-axis')).length, 2);
    await page.screenshot({ path: path.join(pagesDir, 'v2-subscriptions.png') });
  });

  it("shows each conversation's protocol state; a won English auction reads won, and refusals are not failures", async () => {
    await open(page, await pageOf('calculator'));
    await page.click('#tab-protocols');
    assert.equal(await page.getAttribute('tr.conversation[data-conversation="add-10-20"]', 'data-state'), 'complete');
    assert.equal(await page.getAttribute('tr.conversation[data-conversation="add-10-20"] .pair', 'data-state'), 'done');
    await page.screenshot({ path: path.join(pagesDir, 'v2-protocols.png') });
    await page.click('button.conversation-open[data-conversation="div-by-zero"]');
    assert.equal(await page.getAttribute('#tab-conversations', 'aria-selected'), 'true');
    await waitRows(page, 'n === 3');
    await open(page, await pageOf('english-auction'));
    assert.equal(
      await page.getAttribute('button.problem[data-problem="failure"]', 'data-count'),
      '0',
      'refuse is an answer, not a failure',
    );
    await page.selectOption('#performative-filter', 'refuse');
    await waitRows(page, 'n > 0');
    assert.ok((await page.$$('g.row.message .arrow.answer')).length > 0, 'refusals are drawn as answers');
    assert.equal((await page.$$('g.row.message .arrow.alarm')).length, 0);
    await page.click('#tab-protocols');
    assert.equal(await page.textContent('tr.conversation[data-conversation="vase-auction"] .outcome'), 'won by collector-ben at 280');
  });

  it('auction tables list bidders who refused every round; iterated contract net ticks the winning round only', async () => {
    const silent = writeTrace(
      'silent-bidder',
      numbered([
        {
          type: 'message_sent',
          id: 'c1',
          to: ['ann', 'dee'],
          message: { performative: 'cfp', sender: 'auctioneer', receiver: ['ann', 'dee'], conversation_id: 'lamp' },
        },
        {
          type: 'message_sent',
          id: 'r1',
          to: ['auctioneer'],
          message: { performative: 'refuse', sender: 'dee', receiver: 'auctioneer', conversation_id: 'lamp' },
        },
        {
          type: 'auction_round',
          auction_id: 'lamp',
          kind: 'english',
          round: 1,
          price: 10,
          bids: [{ bidder: 'ann', amount: 10 }],
          leader: 'ann',
        },
        { type: 'auction_result', auction_id: 'lamp', kind: 'english', winner: 'ann', price: 10, reason: 'no higher bid' },
      ]),
    );
    await open(page, await pageFromTrace(silent, path.join(pagesDir, 'v2-silent.html')));
    await page.click('#tab-auctions');
    assert.deepEqual(await attrs(page, '.auction thead th[data-bidder]', 'data-bidder'), ['ann', 'dee']);
    assert.deepEqual(await attrs(page, '.auction th.never-bid', 'data-bidder'), ['dee']);
    assert.match((await page.textContent('.auction .result')) ?? '', /won by ann at 10/);
    assert.equal((await page.$$('.auction figure.chart .u-axis')).length, 2, 'the price chart has axes');
    await open(page, await pageOf('iterated-contract-net'));
    await page.click('#tab-auctions');
    assert.deepEqual(await attrs(page, '.contract-net .cn-round', 'data-round'), ['1', '2', '3']);
    assert.deepEqual(await attrs(page, '.contract-net .proposal.chosen', 'data-agent'), ['supplier-x']);
    assert.equal(await page.getAttribute('.contract-net .cn-round.winning', 'data-round'), '3');
    await page.screenshot({ path: path.join(pagesDir, 'v2-iterated-contract-net.png') });
  });

  it('the breaker strip has a time axis, and a state entered at the very end of the run is visible', async () => {
    const late = writeTrace(
      'late-open',
      numbered([
        { type: 'retry', route: 'pay', attempt: 1, delay_ms: 10, error: 'boom' },
        { type: 'breaker_state', route: 'pay', from: 'closed', to: 'open', failures: 5 },
      ]).map((e, i) => ({ ...e, t: i === 0 ? 0 : 10_000 })),
    );
    await open(page, await pageFromTrace(late, path.join(pagesDir, 'v2-late.html')));
    await page.click('#tab-breakers');
    const last = await page.$eval('.breaker-strip rect.seg.last', (el) => ({
      state: el.getAttribute('data-state'),
      width: Number(el.getAttribute('width')),
    }));
    assert.equal(last.state, 'open');
    assert.ok(last.width >= 10, `the open state is ${last.width} px wide`);
    const ticks = await texts(page, '.breaker-strip text.axis-label');
    assert.ok(ticks.length >= 3 && ticks.includes('0 ms') && ticks.some((t) => /^10\.00 s$/.test(t)), ticks.join(', '));
    await page.screenshot({ path: path.join(pagesDir, 'v2-breaker-axis.png') });
  });

  it('compares two runs: the first divergent event highlighted, differences walked, a click reveals it in the diagram', async () => {
    await open(page, await pageOf('calculator'));
    const events = readTrace('calculator.trace.jsonl');
    const changed = JSON.parse(JSON.stringify(events)) as TraceEvent[];
    const i = changed.findIndex((e) => e.type === 'message_sent' && e.message.performative === 'inform');
    (changed[i] as Extract<TraceEvent, { type: 'message_sent' }>).message.content = { result: 31 };
    await page.evaluate(`window.postMessage(${JSON.stringify({ kind: 'compare', title: 'changed.trace.jsonl', events: changed })}, '*')`);
    await page.waitForSelector('#view-compare:not([hidden])');
    assert.equal(await page.getAttribute('#view-compare', 'data-identical'), 'false');
    assert.equal(await page.getAttribute('#view-compare', 'data-first'), String(i));
    assert.equal(await page.getAttribute('tr.compare-row.first-divergence', 'data-index'), String(i));
    assert.match(
      (await page.textContent('#compare-status')) ?? '',
      new RegExp(`1 of 44 events differ; first at event ${i} \\(message.content.result\\)`),
    );
    await page.screenshot({ path: path.join(pagesDir, 'v2-compare.png') });
    await page.click(`tr.compare-row[data-index="${i}"] td >> nth=1`);
    await page.waitForSelector(`body[data-cursor="${i + 1}"]`);
    assert.equal(await page.getAttribute('#tab-conversations', 'aria-selected'), 'true');
    assert.match((await page.textContent('#details-title')) ?? '', new RegExp(`^#${i} inform`));
    // The standalone page picks the other trace from disk.
    await page.click('#tab-compare');
    await page.setInputFiles('#compare-file', path.join(fixturesDir, 'traces', 'calculator.trace.jsonl'));
    await page.waitForSelector('#view-compare[data-identical="true"]');
    assert.match((await page.textContent('#compare-status')) ?? '', /^identical: 44 events/);
    // A fork's header names where it ran and what it forked from: neither counts, in the table either.
    const fork = JSON.parse(JSON.stringify(events)) as TraceEvent[];
    Object.assign(fork[0], { fork: 'calculator.trace.jsonl', workers: 4 });
    await page.evaluate(`window.postMessage(${JSON.stringify({ kind: 'compare', title: 'fork.trace.jsonl', events: fork })}, '*')`);
    await page.waitForSelector('.compare-table th:text-is("fork.trace.jsonl")');
    assert.equal(await page.getAttribute('#view-compare', 'data-identical'), 'true');
    assert.equal(await page.$$eval('tr.compare-row.differs', (els) => els.length), 0);
  });

  it('exports the diagram as SVG (parsed back) and as Mermaid, and copies a message as .fipa.json', async () => {
    await page.click('#tab-conversations');
    await page.evaluate(
      `(() => { const el = document.getElementById('time-slider'); el.value = el.max; el.dispatchEvent(new Event('input')); })()`,
    );
    await page.waitForSelector('body[data-cursor="44"]');
    const download = async (button: string) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      return { name: d.suggestedFilename(), text: fs.readFileSync((await d.path())!, 'utf8') };
    };
    const shown = await rows(page);
    const svg = await download('#export-svg');
    assert.equal(svg.name, 'calculator.svg');
    // Parsed in a blank page: the file stands alone, outside the inspector (and its CSP).
    const blank = await browser.context.newPage();
    const parsed =
      (await blank.evaluate(`(() => { const doc = new DOMParser().parseFromString(${JSON.stringify(svg.text)}, 'image/svg+xml');
      return { error: !!doc.querySelector('parsererror'), root: doc.documentElement.nodeName, rows: doc.querySelectorAll('g.row').length,
        lanes: [...doc.querySelectorAll('text.lane-title')].map((t) => t.textContent), styled: !!doc.querySelector('style') }; })()`)) as {
        error: boolean;
        root: string;
        rows: number;
        lanes: string[];
        styled: boolean;
      };
    await blank.close();
    assert.deepEqual([parsed.error, parsed.root, parsed.rows, parsed.styled], [false, 'svg', shown, true]);
    assert.deepEqual(parsed.lanes, ['seq · time', 'calculator', 'echo', 'logger', 'user']);
    fs.writeFileSync(path.join(pagesDir, 'v2-export.svg'), svg.text);
    const mermaid = await download('#export-mermaid');
    assert.equal(mermaid.name, 'calculator.mmd');
    const lines = mermaid.text.trim().split('\n');
    assert.equal(lines[0], 'sequenceDiagram');
    assert.deepEqual(
      lines.filter((l) => l.startsWith('  participant')),
      ['  participant P1 as calculator', '  participant P2 as echo', '  participant P3 as logger', '  participant P4 as user'],
    );
    assert.equal(lines.filter((l) => /^ {2}P\d+-{1,2}>>P\d+: /.test(l)).length, 9);
    assert.ok(lines.includes('  P4->>P1: request {"action"#58;"calculate","x"#58;10,"y"#58;20}'), lines.join('\n'));
    await page.click('g.row.message[data-performative="request"] >> nth=0 >> text.label');
    await page.click('#copy-fipa');
    const copied = JSON.parse(await page.inputValue('#copy-buffer')) as Record<string, unknown>;
    assert.deepEqual(
      [copied.performative, copied.sender, copied.receiver, copied.conversation_id, 'message_id' in copied],
      ['request', 'user', 'calculator', 'add-10-20', false],
    );
    await page.click('#reveal-source');
    assert.match((await page.textContent('#status')) ?? '', /sent by user/);
  });

  it('the CSP stays strict (no unsafe-inline / unsafe-eval) and nothing was refused on any page', async () => {
    const csp = (await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')) ?? '';
    assert.match(csp, /script-src 'nonce-[^']+'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.deepEqual(violations, []);
  });

  it('status colours reach WCAG AA (4.5:1) on the background in the light and the dark scheme', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const ratios = (await page.evaluate(`(() => {
        const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        const bg = getComputedStyle(document.body).backgroundColor;
        const out = {};
        for (const v of ['fg', 'muted', 'ok', 'err', 'warn', 'info']) {
          const el = document.createElement('span'); el.style.color = 'var(--' + v + ')'; document.body.append(el);
          out[v] = ratio(getComputedStyle(el).color, bg); el.remove();
        }
        for (const sel of ['.problem-timeout', '.stat b']) { const el = document.querySelector(sel); if (el) out[sel] = ratio(getComputedStyle(el).color, bg); }
        out.bg = bg;
        return out;
      })()`)) as Record<string, number | string>;
      for (const [name, r] of Object.entries(ratios))
        if (name !== 'bg') assert.ok((r as number) >= 4.5, `${scheme} ${name}: ${(r as number).toFixed(2)}:1 on ${ratios.bg}`);
      await page.screenshot({ path: path.join(pagesDir, `v2-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});

describe('inspector v2 at scale: a 100,000-event trace (headless chromium)', function () {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let html = '';
  let traceBytes = 0;

  before(async () => {
    fs.mkdirSync(pagesDir, { recursive: true });
    process.env.CAXTON_DIST = distDir;
    const trace = writeTrace('scale-100k', syntheticTrace(100_000));
    traceBytes = fs.statSync(trace).size;
    html = await pageFromTrace(trace, path.join(pagesDir, 'v2-scale-100k.html'));
    browser = await launchChromium();
    page = await browser.context.newPage();
    await open(page, html);
    await page.waitForSelector('body[data-loading="false"][data-events="100000"]', { timeout: 120_000 });
  });
  after(async () => {
    await browser?.close();
  });

  it("the page embeds the trace compressed: a fraction of the trace's size", () => {
    const size = fs.statSync(html).size;
    assert.ok(size < traceBytes / 4, `page ${size} bytes for a ${traceBytes}-byte trace`);
  });

  it('keeps the DOM bounded: only the rows in the window are drawn, wherever it is scrolled or seeked', async () => {
    const total = await rows(page);
    assert.ok(total > 40_000, `${total} rows`);
    const drawn = async () => (await page.$$('g.row')).length;
    assert.ok((await drawn()) <= 60, `${await drawn()} rows in the DOM`);
    await page.$eval('.seq-scroll', (el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await until(page, `Number(document.querySelector('g.row')?.getAttribute('data-index')) > 10000`);
    assert.ok((await drawn()) <= 60);
    const seek = (n: number) =>
      page.evaluate(
        `(() => { const el = document.getElementById('time-slider'); el.value = '${n}'; el.dispatchEvent(new Event('input')); })()`,
      );
    await seek(50_000);
    await page.waitForSelector('body[data-cursor="50000"]');
    assert.ok((await drawn()) <= 60);
    assert.ok((await rows(page)) < total);
    const nodes = (await page.evaluate('document.getElementsByTagName("*").length')) as number;
    assert.ok(nodes < 3000, `${nodes} DOM nodes`);
    await page.screenshot({ path: path.join(pagesDir, 'v2-scale-100k.png') });
  });

  it('suggests conversations as you type instead of building a dropdown of all of them', async () => {
    await page.fill('#conversation-filter', 'c12');
    const options = (await page.$$('#conversation-options option')).length;
    assert.ok(options > 0 && options <= 40, `${options} suggestions`);
    await showConversation(page, 'c1234');
    await waitRows(page, 'n > 0 && n < 10');
    for (const c of await attrs(page, 'g.row', 'data-conversation')) assert.equal(c, 'c1234');
    await showConversation(page, '');
  });
});
