import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { inspectorHtml } from '../../client/inspectorHtml';
import { artifactsDir, distDir, fixturesDir } from '../support/paths';
import { launchChromium } from './chromium';
import { open, pageFromTrace, showConversation } from './inspectorPage';
import { syntheticTrace } from './syntheticTrace';

const pagesDir = path.join(artifactsDir, 'inspector');
const bundle = path.join(distDir, 'webview.js');

const texts = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));
const attrs = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);

describe('inspector in headless chromium', function () {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const violations: string[] = [];
  const demoHtml = path.join(pagesDir, 'demo.html');

  before(async () => {
    assert.ok(fs.existsSync(bundle), `${bundle} is missing: run \`node esbuild.mjs\` (or set CAXTON_DIST)`);
    fs.mkdirSync(pagesDir, { recursive: true });
    process.env.CAXTON_DIST = distDir;
    await pageFromTrace(path.join(fixturesDir, 'traces', 'demo.trace.jsonl'), demoHtml);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await open(page, demoHtml);
  });
  after(async () => {
    await browser?.close();
  });

  it('draws a lifeline per agent and arrows labelled with performatives', async () => {
    assert.deepEqual(await texts(page, '.lane-name'), [
      'client',
      'calculator',
      'auctioneer',
      'alice',
      'bob',
      'carol',
      'manager',
      'fast',
      'cheap',
      'gateway',
      'nobody',
    ]);
    assert.equal((await page.$$('line.lifeline')).length, 11);
    assert.equal(
      await page.getAttribute('.lane-name[data-agent="nobody"]', 'data-external'),
      'true',
      'the unknown receiver of a drop is an outside party',
    );
    const performatives = await attrs(page, 'g.row.message', 'data-performative');
    assert.deepEqual(performatives.slice(0, 5), ['request', 'agree', 'inform', 'request', 'failure']);
    assert.equal(
      await page.getAttribute('g.row.message[data-performative="failure"] .arrow', 'class').then((c) => c?.includes('alarm')),
      true,
    );
    await page.screenshot({ path: path.join(pagesDir, 'conversations.png') });
  });

  it('filters by conversation and marks timeouts, crashes and violations', async () => {
    await showConversation(page, 'calc-3');
    assert.equal(await page.getAttribute('#view-conversations', 'data-rows'), '3');
    assert.deepEqual(await attrs(page, 'g.row.marker', 'data-marker'), ['timeout', 'violation']);
    assert.deepEqual(await attrs(page, 'g.row.message', 'data-performative'), ['request']);
    await showConversation(page, '');
    assert.ok((await attrs(page, 'g.row.marker', 'data-marker')).includes('agent_failed'));
  });

  it('shows a message as JSON on click and moves with the arrow keys', async () => {
    await page.click('g.row.message[data-performative="request"] >> nth=0 >> text.label');
    assert.match((await page.textContent('#details')) ?? '', /"op": "add"/);
    await page.focus('.seq-scroll');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('.seq-scroll', 'aria-activedescendant'), 'row-1');
    assert.match((await page.textContent('#details')) ?? '', /"performative": "agree"/);
    assert.equal(await page.getAttribute('#row-1', 'aria-selected'), 'true');
    assert.match((await page.getAttribute('#row-1', 'aria-label')) ?? '', /agree from calculator to client/);
  });

  it('shows auction rounds with the leader and the winner, and contract-net proposals with the chosen one', async () => {
    await page.click('#tab-auctions');
    assert.deepEqual(await attrs(page, '.auction tr.round', 'data-round'), ['1', '2', '3']);
    assert.deepEqual(await texts(page, '.auction tr.round td.price'), ['100', '110', '120']);
    assert.deepEqual(await attrs(page, '.auction td.leader', 'data-bidder'), ['alice', 'bob', 'bob']);
    assert.equal(await page.getAttribute('.auction .result', 'data-winner'), 'bob');
    assert.deepEqual(await attrs(page, '.auction td.winner', 'data-bidder'), ['bob']);
    assert.deepEqual(await attrs(page, '.contract-net .proposal', 'data-agent'), ['fast', 'cheap']);
    assert.deepEqual(await attrs(page, '.contract-net .proposal.chosen', 'data-agent'), ['cheap']);
    await page.screenshot({ path: path.join(pagesDir, 'auctions.png') });
  });

  it('shows breaker transitions, retries and bulkhead rejections per route', async () => {
    await page.keyboard.press('Escape');
    await page.focus('#tab-patterns');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-breakers', 'aria-selected'), 'true', 'arrow keys move between tabs');
    assert.deepEqual(await attrs(page, '.route .transition', 'data-to'), ['open', 'half_open', 'closed']);
    assert.equal(await page.getAttribute('.route', 'data-state'), 'closed');
    assert.equal(await page.getAttribute('.route .retries', 'data-count'), '3');
    assert.equal(await page.getAttribute('.route .rejections', 'data-count'), '1');
    assert.equal((await page.$$('.breaker-strip rect.seg')).length, 4);
    await page.screenshot({ path: path.join(pagesDir, 'breakers.png') });
  });

  it('replays with the time slider', async () => {
    const events = fs
      .readFileSync(path.join(fixturesDir, 'traces', 'demo.trace.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; to?: string });
    const openedAt = events.findIndex((e) => e.type === 'breaker_state' && e.to === 'open') + 1;
    const seek = (n: number) =>
      page.evaluate(
        `(() => { const el = document.getElementById('time-slider'); el.value = '${n}'; el.dispatchEvent(new Event('input')); })()`,
      );
    await seek(openedAt);
    await page.waitForSelector(`body[data-cursor="${openedAt}"]`);
    await page.waitForSelector('.route[data-state="open"]');
    assert.deepEqual(await attrs(page, '.route .transition', 'data-to'), ['open']);
    await seek(0);
    await page.waitForSelector('body[data-cursor="0"]');
    assert.equal((await page.$$('.route')).length, 0);
    await seek(events.length);
    await page.waitForSelector('.route[data-state="closed"]');
  });

  it('shows agents with state, messages, fuel, memory and restarts', async () => {
    await page.click('#tab-agents');
    const row = 'tr.agent[data-agent="calculator"]';
    assert.equal(await page.getAttribute(row, 'data-state'), 'running');
    assert.equal(await page.textContent(`${row} td.in`), '3');
    assert.equal(await page.textContent(`${row} td.out`), '3');
    assert.equal(await page.textContent(`${row} td.fuel`), '900');
    assert.equal(await page.textContent(`${row} td.restarts`), '1');
    await page.screenshot({ path: path.join(pagesDir, 'agents.png') });
  });

  it('appends live events posted to the page', async () => {
    await page.click('#tab-conversations');
    const before = Number(await page.getAttribute('body', 'data-events'));
    const append = {
      kind: 'append',
      events: [
        {
          seq: before,
          t: 999,
          type: 'message_sent',
          id: 'live-1',
          to: ['bob'],
          message: { performative: 'inform', sender: 'alice', receiver: 'bob', conversation_id: 'live' },
        },
      ],
    };
    await page.evaluate(`window.postMessage(${JSON.stringify(append)}, '*')`);
    await page.waitForSelector(`body[data-events="${before + 1}"]`);
    await showConversation(page, 'live');
    assert.deepEqual(await attrs(page, 'g.row.message', 'data-from'), ['alice']);
  });

  it('shows a reply and a status the host posts', async () => {
    const reply = {
      kind: 'reply',
      request: { performative: 'request', sender: 'user', receiver: 'calculator' },
      reply: { performative: 'inform', sender: 'calculator', receiver: 'user', content: { result: 30 } },
    };
    await page.evaluate(`window.postMessage(${JSON.stringify(reply)}, '*')`);
    await page.waitForSelector('#details-title:text("Reply to request")');
    assert.match((await page.textContent('#details')) ?? '', /"result": 30/);
    await page.evaluate(`window.postMessage(${JSON.stringify({ kind: 'status', running: false, text: 'runtime host exited' })}, '*')`);
    await page.waitForSelector('#status:text("runtime host exited")');
    // Messages that are not in the protocol are ignored, never dispatched.
    await page.evaluate(`window.postMessage({ command: 'reset', events: [] }, '*')`);
    assert.notEqual(await page.getAttribute('body', 'data-events'), '0');
  });

  it('the CSP blocks an injected inline script without the nonce', async () => {
    // Browser-side code as a string: this file compiles without the DOM lib.
    const result = (await page.evaluate(`new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve({ ran: window.pwned === true, directive: e.violatedDirective }), { once: true });
      const s = document.createElement('script');
      s.textContent = 'window.pwned = true';
      document.body.append(s);
    })`)) as { ran: boolean; directive: string };
    assert.equal(result.ran, false);
    assert.match(result.directive, /^script-src/);
  });

  it('trace text cannot break out of the embedded JSON block', async () => {
    const hostile = '</script><script>window.pwned = true</script><!--';
    const html = inspectorHtml({
      script: { inline: fs.readFileSync(bundle, 'utf8') },
      nonce: 'dGVzdC1ub25jZS0xMjM0NTY=',
      events: [
        {
          seq: 0,
          t: 0,
          type: 'message_sent',
          id: 'x',
          to: ['b'],
          message: { performative: 'inform', sender: 'a', receiver: 'b', content: hostile },
        },
      ],
    });
    const file = path.join(pagesDir, 'hostile.html');
    fs.writeFileSync(file, html);
    const p = await browser.context.newPage();
    await open(p, file);
    await p.click('g.row.message');
    assert.equal(await p.evaluate('window.pwned'), undefined);
    assert.ok((await p.textContent('#details'))?.includes(hostile), 'the hostile text is shown as text');
    await p.close();
  });

  it('renders 10,000 events, drawing only the visible window', async () => {
    const trace = syntheticTrace(10_000);
    const file = path.join(pagesDir, 'synthetic-10000.trace.jsonl');
    fs.writeFileSync(file, trace.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const html = await pageFromTrace(file, path.join(pagesDir, 'synthetic-10000.html'));
    const p = await browser.context.newPage();
    await open(p, html);
    const expectedRows = trace.filter((e) => e.type === 'message_sent' || e.type === 'timeout').length;
    assert.equal(await p.getAttribute('body', 'data-events'), '10000');
    assert.equal(await p.getAttribute('#view-conversations', 'data-rows'), String(expectedRows));
    const drawn = (await p.$$('g.row')).length;
    assert.ok(drawn > 10 && drawn < 150, `drew ${drawn} rows of ${expectedRows}`);
    await p.$eval('.seq-scroll', (el) => {
      el.scrollTop = el.scrollHeight;
    });
    await p.waitForSelector(`#row-${expectedRows - 1}`);
    await p.focus('.seq-scroll');
    await p.keyboard.press('Home');
    await p.waitForSelector('#row-0[aria-selected="true"]');
    await p.screenshot({ path: path.join(pagesDir, 'synthetic-10000.png') });
    await p.close();
  });

  it('raised no CSP violations while rendering', () => {
    // The injected script above is the only expected violation.
    assert.ok(violations.length <= 1, violations.join('\n'));
  });
});

// Recorded from the real runtime: `node dist/cli.js run examples/calculator --trace test/fixtures/traces/calculator.trace.jsonl`.
describe('inspector on a recorded run of examples/calculator', function () {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  before(async () => {
    assert.ok(fs.existsSync(bundle), `${bundle} is missing: run \`node esbuild.mjs\` (or set CAXTON_DIST)`);
    process.env.CAXTON_DIST = distDir;
    const html = await pageFromTrace(path.join(fixturesDir, 'traces', 'calculator.trace.jsonl'), path.join(pagesDir, 'calculator.html'));
    browser = await launchChromium();
    page = await browser.context.newPage();
    await open(page, html);
  });
  after(async () => {
    await browser?.close();
  });

  it('draws the calculator, echo, logger and user lifelines with every message', async () => {
    assert.deepEqual(await texts(page, '.lane-name'), ['calculator', 'echo', 'logger', 'user']);
    assert.deepEqual(await attrs(page, 'g.row.message', 'data-performative'), [
      'request',
      'inform',
      'request',
      'inform',
      'request',
      'failure',
      'request',
      'inform',
      'inform',
    ]);
    assert.deepEqual(await attrs(page, 'g.row.message .arrow.status-delivered', 'class').then((c) => c.length > 0), true);
    await page.screenshot({ path: path.join(pagesDir, 'calculator.png') });
  });

  it('shows the division by zero as a failure in its conversation', async () => {
    await showConversation(page, 'div-by-zero');
    assert.deepEqual(await attrs(page, 'g.row', 'data-performative'), ['request', 'failure', '']);
    assert.deepEqual(await attrs(page, 'g.row.marker', 'data-marker'), ['conversation_ended']);
    await page.click('g.row.message[data-performative="failure"] text.label');
    assert.match((await page.textContent('#details')) ?? '', /division by zero/);
  });

  it('lists the agents with their messages and fuel', async () => {
    await page.click('#tab-agents');
    assert.deepEqual(await attrs(page, 'tr.agent', 'data-agent'), ['calculator', 'echo', 'logger', 'user']);
    assert.equal(await page.textContent('tr.agent[data-agent="calculator"] td.in'), '3');
    assert.equal(await page.textContent('tr.agent[data-agent="calculator"] td.out'), '3');
    assert.equal(await page.getAttribute('tr.agent[data-agent="calculator"]', 'data-state'), 'stopped');
    assert.notEqual(await page.textContent('tr.agent[data-agent="calculator"] td.fuel'), '0');
  });
});

// Recorded from the real runtime with `node dist/cli.js run examples/<name> --trace test/fixtures/traces/<name>.trace.jsonl`.
describe('inspector on recorded runs of the auction, contract-net and resilience examples', function () {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const show = async (name: string, tab: string) => {
    await open(page, await pageFromTrace(path.join(fixturesDir, 'traces', `${name}.trace.jsonl`), path.join(pagesDir, `${name}.html`)));
    await page.click(`#tab-${tab}`);
  };

  before(async () => {
    assert.ok(fs.existsSync(bundle), `${bundle} is missing: run \`node esbuild.mjs\` (or set CAXTON_DIST)`);
    process.env.CAXTON_DIST = distDir;
    browser = await launchChromium();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
  });

  it('english auction: every round with its price, the leaders and the winner', async () => {
    await show('english-auction', 'auctions');
    assert.deepEqual(await attrs(page, '.auction', 'data-auction'), ['vase-auction']);
    const prices = await texts(page, '.auction tr.round td.price');
    assert.equal(prices.length, 11);
    assert.deepEqual(prices.slice(0, 3), ['100', '120', '140']);
    assert.equal(await page.getAttribute('.auction .result', 'data-winner'), 'collector-ben');
    assert.match((await page.textContent('.auction .result')) ?? '', /at 280/);
    assert.deepEqual(await attrs(page, '.auction thead th.winner', 'class').then((c) => c.length), 1);
    await page.screenshot({ path: path.join(pagesDir, 'english-auction.png') });
  });

  it('contract net: the proposals side by side and the chosen one', async () => {
    await show('contract-net', 'auctions');
    assert.deepEqual(await attrs(page, '.contract-net', 'data-conversation'), ['paint-fence']);
    assert.deepEqual(await attrs(page, '.contract-net .proposal', 'data-agent'), ['painter-a', 'painter-b']);
    assert.deepEqual(await attrs(page, '.contract-net .proposal.chosen', 'data-agent'), ['painter-b']);
  });

  it('resilience: breakers that opened, retries per route, and drops and timeouts on the diagram', async () => {
    await show('resilience', 'breakers');
    const states = await page.$$eval('.route', (els) => els.map((e) => `${e.getAttribute('data-route')}=${e.getAttribute('data-state')}`));
    assert.ok(states.includes('quoter-broken=open'), states.join(' '));
    assert.ok(states.includes('quoter-a=open'), states.join(' '));
    assert.equal(await page.getAttribute('.route[data-route="flaky"] .retries', 'data-count'), '2');
    await page.screenshot({ path: path.join(pagesDir, 'resilience.png') });
    await page.click('#tab-conversations');
    await page.$eval('.seq-scroll', (el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForSelector('g.row.marker[data-marker="timeout"]');
    const markers = await attrs(page, 'g.row.marker', 'data-marker');
    assert.ok(markers.includes('timeout') && markers.includes('dropped'), markers.join(' '));
  });
});
