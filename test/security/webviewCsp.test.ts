/**
 * Untrusted traces opened in the inspector: the page's Content-Security-Policy (parsed from the page itself, as the
 * webview reads it) lets only the nonce script run, and hostile trace text cannot add a script. Checked on the VS
 * Code panel page and on the standalone page `caxton inspect` writes from a hostile trace file. (The inspector's
 * own unit and browser tests cover rendering; this suite looks only at what could execute.)
 */
import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../schemas';
import { inspectorHtml } from '../../client/inspectorHtml';
import { distDir, repoRoot } from '../support/paths';
import { removeTemp, tempDir } from './securityFixtures';

const HOSTILE =
  '</script><script>alert(1)</script><img src=x onerror=alert(2)><!-- \u2028 --> <meta http-equiv="Content-Security-Policy" content="script-src *">';

/** Hostile strings in every free-text field a trace carries. */
function hostileTrace(): TraceEvent[] {
  return [
    { seq: 0, t: 0, type: 'run_started', name: HOSTILE, agents: [HOSTILE] },
    { seq: 1, t: 1, type: 'agent_log', agent: 'a', level: 'error', text: HOSTILE },
    {
      seq: 2,
      t: 2,
      type: 'message_sent',
      id: 'm1',
      to: ['b'],
      message: { performative: 'inform', sender: HOSTILE, receiver: 'b', content: { html: HOSTILE }, conversation_id: HOSTILE },
    },
    { seq: 3, t: 3, type: 'message_dropped', reason: HOSTILE },
  ];
}

const unescape = (s: string): string =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The page's CSP meta, parsed: directive -> sources. Exactly one CSP meta is allowed. */
function parseCsp(html: string): Map<string, string[]> {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*>/gi)];
  assert.equal(metas.length, 1, 'exactly one CSP meta (a hostile trace must not add another)');
  const head = html.slice(0, html.indexOf('</head>'));
  assert.ok(head.includes(metas[0][0]), 'the CSP is in <head>, before any script');
  const map = new Map<string, string[]>();
  for (const d of unescape(metas[0][1])
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const [name, ...sources] = d.split(/\s+/);
    assert.ok(!map.has(name), `directive ${name} appears once`);
    map.set(name, sources);
  }
  return map;
}

/** Assert the policy allows scripts only by this nonce, and that every executable <script> carries it. */
function assertNonceOnly(html: string): void {
  const csp = parseCsp(html);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  const scriptSrc = csp.get('script-src');
  assert.ok(scriptSrc, 'script-src is set');
  assert.equal(scriptSrc.length, 1, `script-src has one source: ${scriptSrc.join(' ')}`);
  const m = /^'nonce-([A-Za-z0-9+/=_-]{16,})'$/.exec(scriptSrc[0]);
  assert.ok(m, `script-src is a nonce only: ${scriptSrc[0]}`);
  for (const [name, sources] of csp) {
    for (const bad of [
      "'unsafe-inline'",
      "'unsafe-eval'",
      "'unsafe-hashes'",
      "'strict-dynamic'",
      '*',
      'http:',
      'https:',
      'data:',
      'blob:',
    ]) {
      if (name === 'img-src' && bad === 'data:') continue; // images only
      assert.ok(!sources.includes(bad), `${name} must not allow ${bad}`);
    }
  }
  assert.equal(csp.get('script-src-attr'), undefined, 'no separate attribute policy');
  assert.deepEqual(csp.get('base-uri'), ["'none'"]);
  const nonce = m[1];
  const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)];
  // Data blocks (a JSON trace, or the gzip + base64 trace `caxton inspect` writes) are never executed.
  const executable = scripts.filter((s) => !/type="application\/(json|gzip)"/.test(s[1]));
  assert.equal(executable.length, 1, `one executable script, got ${executable.map((s) => s[0]).join(' ')}`);
  assert.match(executable[0][1], new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
  assert.ok(scripts.length <= 2, 'at most the data block besides the script');
  assert.doesNotMatch(
    html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, ''),
    /<[a-z][^>]*\son[a-z]+\s*=/i,
    'no inline event handler attributes in any tag',
  );
}

describe('security: the inspector webview runs only its nonce script', function () {
  this.timeout(60_000);

  it('VS Code panel page (script by URI): script-src is a nonce only', () => {
    const html = inspectorHtml({
      script: { src: 'https://file%2B.vscode-resource.vscode-cdn.net/ext/dist/webview.js' },
      nonce: 'AbCdEfGhIjKlMnOpQrStUvWx',
      cspSource: 'https://*.vscode-cdn.net',
    });
    assertNonceOnly(html);
  });

  it('standalone page with a hostile trace embedded: no extra script, no handler, one CSP', () => {
    const html = inspectorHtml({ script: { inline: 'void 0' }, nonce: 'AbCdEfGhIjKlMnOpQrStUvWx', events: hostileTrace(), title: HOSTILE });
    assertNonceOnly(html);
    assert.ok(!html.includes('<img'), 'hostile markup is escaped, not parsed as HTML');
  });

  it('`caxton inspect` on a hostile trace file writes a page that runs only its nonce script', () => {
    const cli = path.join(distDir, 'cli.js');
    assert.ok(fs.existsSync(cli), `build the CLI first (node esbuild.mjs): ${cli}`);
    const dir = tempDir('csp');
    try {
      const trace = path.join(dir, 'hostile.trace.jsonl');
      fs.writeFileSync(
        trace,
        hostileTrace()
          .map((e) => JSON.stringify(e))
          .join('\n') + '\n',
      );
      const out = path.join(dir, 'page.html');
      const r = cp.spawnSync(process.execPath, [cli, 'inspect', trace, '-o', out], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr || r.stdout);
      const html = fs.readFileSync(out, 'utf8');
      assertNonceOnly(html);
      // Two pages never share a nonce (it is random per page).
      const r2 = cp.spawnSync(process.execPath, [cli, 'inspect', trace, '-o', `${out}.2.html`], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(r2.status, 0, r2.stderr);
      const nonceOf = (h: string) => /'nonce-([^']+)'/.exec(h)?.[1];
      assert.notEqual(nonceOf(html), nonceOf(fs.readFileSync(`${out}.2.html`, 'utf8')));
    } finally {
      removeTemp(dir);
    }
  });

  it('the webview code never turns trace text into markup or code', () => {
    const dir = path.join(repoRoot, 'client', 'webview');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      assert.doesNotMatch(
        src,
        /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(|setTimeout\(\s*['"`]/,
        `${f} builds markup or code from strings`,
      );
    }
  });
});
