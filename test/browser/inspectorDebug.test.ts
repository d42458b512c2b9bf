/**
 * The inspector as the debugger's companion, in headless chromium on a `caxton inspect` page: `follow` (the host's
 * "a debugger stopped here") moves the cursor to the pending message, selects it and says why, also when the event
 * arrives after the follow; "Restart from here" on a standalone page says where it works.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { TraceEvent } from '../../schemas/trace';
import { readTrace } from '../support/inspectorModel';
import { artifactsDir, distDir, fixturesDir } from '../support/paths';
import { launchChromium } from './chromium';
import { open, pageFromTrace } from './inspectorPage';

const pagesDir = path.join(artifactsDir, 'inspector');
const post = (page: Page, message: unknown) => page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);

describe('inspector following a debugger in headless chromium', function () {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    assert.ok(fs.existsSync(path.join(distDir, 'webview.js')), 'dist/webview.js is missing: run `node esbuild.mjs`');
    fs.mkdirSync(pagesDir, { recursive: true });
    browser = await launchChromium({ width: 1400, height: 900 });
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await open(
      page,
      await pageFromTrace(path.join(fixturesDir, 'traces', 'calculator.trace.jsonl'), path.join(pagesDir, 'debug-follow.html')),
    );
  });
  after(async () => {
    await browser?.close();
    assert.deepEqual(errors, []);
  });

  it('shows the paused message: cursor, selection and the reason', async () => {
    const events = readTrace('calculator.trace.jsonl');
    const i = events.findIndex(
      (e) => e.type === 'message_sent' && e.message.performative === 'request' && e.message.conversation_id === 'mul-6-7',
    );
    assert.ok(i > 0);
    await post(page, { kind: 'follow', seq: events[i].seq, text: 'request from user to calculator (step 5)' });
    await page.waitForSelector(`body[data-follow-seq="${events[i].seq}"]`);
    await page.waitForSelector(`body[data-cursor="${i + 1}"]`);
    assert.equal(await page.getAttribute('#tab-conversations', 'aria-selected'), 'true');
    assert.match((await page.textContent('#details-title')) ?? '', new RegExp(`^#${events[i].seq} request · user → calculator`));
    assert.equal(await page.textContent('#status'), 'paused: request from user to calculator (step 5)');
    await page.screenshot({ path: path.join(pagesDir, 'debug-follow.png') });
  });

  it('waits for the event when the follow comes first (a live run streaming in)', async () => {
    const events = readTrace('calculator.trace.jsonl');
    await post(page, { kind: 'reset', events: events.slice(0, 3), live: true, title: 'debug calculator' });
    const i = events.findIndex((e) => e.type === 'message_sent' && e.message.performative === 'inform');
    await post(page, { kind: 'follow', seq: events[i].seq, text: 'step 3' });
    assert.notEqual(await page.getAttribute('body', 'data-follow-seq'), String(events[i].seq), 'not loaded yet: nothing to show');
    await post(page, { kind: 'append', events: events.slice(3) });
    await page.waitForSelector(`body[data-follow-seq="${events[i].seq}"]`);
    assert.match((await page.textContent('#details-title')) ?? '', new RegExp(`^#${events[i].seq} inform`));
  });

  it("draws a debugger's change as a mark on the receiver's lifeline", async () => {
    const events = readTrace('calculator.trace.jsonl');
    const i = events.findIndex((e) => e.type === 'message_sent' && e.message.performative === 'request');
    const sent = events[i] as Extract<TraceEvent, { type: 'message_sent' }>;
    const change = {
      seq: 0,
      t: events[i].t,
      type: 'debug_change',
      change: 'edit',
      id: sent.id,
      to: 'calculator',
      fields: [{ path: 'content.x', value: 100 }],
    } as TraceEvent;
    const withChange = [...events.slice(0, i + 1), change, ...events.slice(i + 1)].map((e, seq) => ({ ...e, seq }));
    await post(page, { kind: 'reset', events: withChange, live: false, title: 'edited' });
    await page.waitForSelector('g.row[data-marker="debug_change"]');
    const text = await page.textContent('g.row[data-marker="debug_change"]');
    assert.match(text ?? '', new RegExp(`debugger set content\\.x = 100 of ${sent.id} for calculator`));
  });

  it('"Restart from here" on a standalone page says it runs in VS Code', async () => {
    const i = readTrace('calculator.trace.jsonl').findIndex((e) => e.type === 'message_sent');
    await post(page, { kind: 'follow', seq: i, text: 'x' });
    await page.waitForSelector(`body[data-follow-seq="${i}"]`);
    await page.click('#fork-here');
    assert.match((await page.textContent('#status')) ?? '', /Restart from here runs in VS Code's debugger/);
  });
});
