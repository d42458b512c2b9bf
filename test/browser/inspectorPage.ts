/** Standalone inspector pages for browser tests, made the way a user makes them (`caxton inspect`). */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { inspectCommand } from '../../runtime/cli/commands/inspect';

/** Write a page with `caxton inspect` (the real command), as a user would. */
export async function pageFromTrace(traceFile: string, html: string): Promise<string> {
  const errors: string[] = [];
  const code = await inspectCommand.run([traceFile, '-o', html], {
    out: () => {},
    err: (t) => errors.push(t),
    cwd: process.cwd(),
    color: false,
  });
  assert.equal(code, 0, errors.join(''));
  return html;
}

/** Open a page and wait until the inspector has read its embedded trace. */
export async function open(page: Page, file: string): Promise<void> {
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-events]');
}

/** Show one conversation by typing its id in the conversation box (Enter applies it; an empty box shows all). */
export async function showConversation(page: Page, id: string): Promise<void> {
  await page.fill('#conversation-filter', id);
  await page.press('#conversation-filter', 'Enter');
}
