import * as assert from 'node:assert/strict';
import { inspectorCsp, inspectorHtml, jsonForScriptBlock } from '../../../client/inspectorHtml';
import { createHandler, HOST_TO_VIEW_KINDS, TRACE_BATCH, traceMessages, type HostToView } from '../../../schemas/protocol/inspector';
import type { TraceEvent } from '../../../schemas/trace';

const nonce = 'abcdefghijklmnopqrstuv';

describe('inspector page builder', () => {
  it('embeds the trace so that no text can close the script block', () => {
    const hostile = '</script><script>alert(1)</script><!-- \u2028';
    const html = inspectorHtml({
      script: { inline: 'void 0' },
      nonce,
      events: [{ seq: 0, t: 0, type: 'agent_log', agent: 'a', level: 'info', text: hostile }],
    });
    const block = /<script type="application\/json" id="caxton-trace">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(block, 'has the data block');
    assert.equal((JSON.parse(block[1]) as { events: Array<{ text: string }> }).events[0].text, hostile);
    assert.equal(html.match(/<script/g)?.length, 2, 'only the data block and the nonce script');
    assert.equal(JSON.parse(jsonForScriptBlock({ a: '<&>' })).a, '<&>');
  });

  it('escapes `</script` inside the inlined bundle and puts the nonce on script and style', () => {
    const html = inspectorHtml({ script: { inline: 'const s = "</script>";' }, nonce });
    assert.ok(html.includes('"<\\/script>"'));
    assert.ok(html.includes(`<script nonce="${nonce}">`));
    assert.ok(html.includes(`<style nonce="${nonce}">`));
  });

  it('has a strict CSP: scripts only by nonce, nothing from elsewhere', () => {
    const csp = inspectorCsp(nonce);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.match(inspectorCsp(nonce, 'vscode-resource:'), /style-src vscode-resource: 'nonce-/);
    const html = inspectorHtml({
      script: { src: 'https://file+.vscode-resource/dist/webview.js' },
      nonce,
      cspSource: 'https://file+.vscode-resource',
    });
    assert.ok(html.includes(`<script nonce="${nonce}" src="https://file+.vscode-resource/dist/webview.js"></script>`));
  });

  it('refuses a weak nonce', () => {
    assert.throws(() => inspectorHtml({ script: { inline: '' }, nonce: 'x' }), /nonce/);
    assert.throws(() => inspectorHtml({ script: { inline: '' }, nonce: 'a"><script>xxxxxxxxxxxxx' }), /nonce/);
  });
});

describe('inspector protocol', () => {
  it('dispatches each known kind to its handler and ignores anything else', () => {
    const seen: string[] = [];
    const handle = createHandler<HostToView>(HOST_TO_VIEW_KINDS, {
      reset: (m) => seen.push(`reset:${m.events.length}:${m.live}`),
      append: (m) => seen.push(`append:${m.events.length}`),
      status: (m) => seen.push(`status:${m.text}`),
      reply: (m) => seen.push(`reply:${m.request.performative}`),
      compare: (m) => seen.push(`compare:${m.events.length}`),
      revealed: (m) => seen.push(`revealed:${m.ok}`),
      follow: (m) => seen.push(`follow:${m.seq}`),
    });
    assert.equal(handle({ kind: 'reset', events: [], live: true }), true);
    assert.equal(handle({ kind: 'status', running: false, text: 'done' }), true);
    assert.equal(handle({ kind: 'follow', seq: 7, text: 'breakpoint' }), true);
    for (const bad of [null, 'reset', 42, {}, { kind: 'toString' }, { kind: 'constructor' }, { command: 'reset' }])
      assert.equal(handle(bad), false);
    assert.deepEqual(seen, ['reset:0:true', 'status:done', 'follow:7']);
  });
});

describe('inspector protocol: streaming a trace', () => {
  it('a large trace goes as one reset and appends of TRACE_BATCH events, in order', () => {
    const events = Array.from(
      { length: TRACE_BATCH * 2 + 5 },
      (_, i) => ({ seq: i, t: i, type: 'agent_log', agent: 'a', level: 'info', text: '' }) as TraceEvent,
    );
    const messages = traceMessages(events, false, 'big');
    assert.deepEqual(
      messages.map((m) => m.kind),
      ['reset', 'append', 'append'],
    );
    assert.deepEqual(
      messages.flatMap((m) => (m.kind === 'reset' || m.kind === 'append' ? m.events : [])),
      events,
    );
    assert.deepEqual(
      traceMessages([], true).map((m) => m.kind === 'reset' && [m.events.length, m.live]),
      [[0, true]],
    );
  });
});
