/**
 * Every fact once: the limits module is the source, and the copies that cannot import it (the JSON Schema's
 * `default`s for editors that read only the schema, package.json's setting default) are held equal to it here;
 * the router, the sandbox and the language server read their defaults from it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { agentSchema, durationSchema, LIMITS, MANIFEST_LIMIT_DEFAULTS, MAX_TIMER_MS, parseDuration, DurationError } from '../../schemas';
import { DEFAULT_SETTINGS } from '../../schemas/protocol/lsp';
import { DEFAULT_LOAD_SETTINGS } from '../../schemas/load';
import { DEFAULT_ROUTER_LIMITS } from '../../runtime/router/limits';
import { DEFAULT_LIMITS } from '../../runtime/sandbox/limits';
import { EXPECTS_REPLY } from '../../schemas/protocolMachine';
import { repoRoot } from '../support/paths';

describe('one limits module', () => {
  it('the router and the sandbox agree on every limit they share', () => {
    for (const key of ['maxMessageBytes', 'mailbox', 'maxSendsPerMessage'] as const) {
      assert.equal(DEFAULT_ROUTER_LIMITS[key], LIMITS[key], `router ${key}`);
      assert.equal(DEFAULT_LIMITS[key], LIMITS[key], `sandbox ${key}`);
    }
    assert.deepEqual([LIMITS.maxMessageBytes, LIMITS.mailbox, LIMITS.maxSendsPerMessage], [1_048_576, 256, 100]);
  });

  it("agent.schema.json documents each manifest limit's default as the runtime applies it", () => {
    const props = (agentSchema.properties.limits as { properties: Record<string, { default?: number; description?: string }> }).properties;
    for (const [key, { default: value }] of Object.entries(MANIFEST_LIMIT_DEFAULTS)) {
      assert.equal(props[key]?.default, value, `limits.${key}.default`);
      assert.match(props[key]?.description ?? '', /\(default /, `limits.${key} says its default in words`);
    }
  });

  it('the editor warns about content at the same size the runtime refuses a message', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default: unknown }> } };
    };
    assert.equal(pkg.contributes.configuration.properties['caxton.maxContentBytes'].default, LIMITS.maxMessageBytes);
    assert.equal(DEFAULT_SETTINGS.maxContentBytes, LIMITS.maxMessageBytes);
    assert.equal(DEFAULT_LOAD_SETTINGS.maxContentBytes, LIMITS.maxMessageBytes);
  });

  it('durations stop at the longest timer Node can wait, in the schema and in the parser', () => {
    assert.equal((durationSchema as { maxDurationMs?: number }).maxDurationMs, MAX_TIMER_MS);
    assert.equal(parseDuration('596h'), 596 * 3_600_000);
    assert.equal(parseDuration(MAX_TIMER_MS), MAX_TIMER_MS);
    for (const tooLong of ['1000h', '597h', MAX_TIMER_MS + 1]) {
      assert.throws(
        () => parseDuration(tooLong, 'stages[0].timeout'),
        (e: unknown) =>
          e instanceof DurationError &&
          /^stages\[0\]\.timeout: .* longer than the longest timer \(2,147,483,647 ms, about 24\.8 days\); use at most 596h$/.test(
            (e as Error).message,
          ),
      );
    }
  });

  it('the reply-expecting performatives come from protocols.json', () => {
    assert.deepEqual([...EXPECTS_REPLY].sort(), [
      'cfp',
      'propose',
      'proxy',
      'query',
      'query_if',
      'query_ref',
      'request',
      'request_when',
      'request_whenever',
      'subscribe',
    ]);
  });
});
