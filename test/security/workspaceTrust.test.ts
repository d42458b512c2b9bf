/**
 * Nothing runs in an untrusted workspace. The extension's commands are `(ctx) => handler` factories; this static
 * check reads their sources (they import `vscode`, so they cannot run here) and proves the gate holds by
 * construction: the runtime host is only ever reached through Ctx.runtime(), which only runHelpers.withRuntime
 * calls, after ctx.requireTrust(); every command that runs agents goes through it. The real-VS-Code suite
 * (test/vscode/suite/untrusted.vscode.ts) checks the same behaviour in Restricted Mode.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

const clientDir = path.join(repoRoot, 'client');

/** Source without comments, so a mention in a comment proves nothing. */
function code(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function clientFiles(dir = clientDir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'webview' ? [] : clientFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The body of a named function/method in `src` (from its name to the matching closing brace). */
function body(src: string, signature: RegExp): string {
  const m = signature.exec(src);
  assert.ok(m, `no ${signature} in the source`);
  let depth = 0;
  for (let i = src.indexOf('{', m.index); i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return src.slice(m.index, i + 1);
  }
  throw new Error(`unbalanced braces after ${signature}`);
}

describe('security: nothing runs in an untrusted workspace', () => {
  const files = clientFiles();
  const rel = (f: string) => path.relative(repoRoot, f);

  it('package.json declares limited support for untrusted workspaces and restricts the trace folder setting', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('caxton.runtime.traceDir'));
    // A workspace must not point the runtime at a NATS server of its choosing (its agents would be exposed there).
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('caxton.runtime.nats'));
    // Every menu entry that runs something (editor title buttons, explorer context menu, ...) shows only when trusted.
    const menus = pkg.contributes.menus as Record<string, Array<{ command: string; when?: string }>>;
    const runEntries = Object.entries(menus)
      .flatMap(([where, items]) => items.map((m) => ({ where, ...m })))
      .filter((m) => /run|send|build/i.test(m.command));
    assert.ok(runEntries.length >= 4);
    for (const m of runEntries) assert.match(m.when ?? '', /isWorkspaceTrusted/, `${m.command} in ${m.where} shows only when trusted`);
  });

  it('Ctx.requireTrust consults vscode.workspace.isTrusted and refuses otherwise', () => {
    const ctx = code(path.join(clientDir, 'ctx.ts'));
    const gate = body(ctx, /requireTrust\(action: string\): boolean/);
    assert.match(gate, /if \(vscode\.workspace\.isTrusted\) return true;/);
    assert.match(gate, /return false;\s*}$/);
  });

  it('the runtime host is spawned only inside Ctx.runtime()', () => {
    const spawners = files.filter((f) => /new RuntimeHostClient\(/.test(code(f)));
    assert.deepEqual(spawners.map(rel), ['client/ctx.ts']);
    const ctx = code(path.join(clientDir, 'ctx.ts'));
    const createHostCalls = [...ctx.matchAll(/this\.createHost\(\)/g)].length;
    assert.equal(createHostCalls, 1, 'createHost is called from one place');
    assert.match(body(ctx, /async runtime\(\): Promise<RuntimeHostClient>/), /this\.createHost\(\)/);
    assert.doesNotMatch(
      code(path.join(clientDir, 'extension.ts')),
      /\.runtime\(\)|RuntimeHostClient|child_process|fork\(|spawn\(/,
      'activation starts no runtime',
    );
    const spawning = files.filter((f) => /child_process/.test(code(f))).map(rel);
    assert.deepEqual(spawning, ['client/runtimeHostClient.ts'], 'only the host client spawns processes');
  });

  it('Ctx.runtime() is called only by withRuntime, after requireTrust', () => {
    const callers = files.filter((f) => /ctx\.runtime\(\)|this\.runtime\(\)/.test(code(f)));
    assert.deepEqual(callers.map(rel).sort(), ['client/commands/runHelpers.ts', 'client/ctx.ts']);
    // In ctx.ts, only restartSession re-opens a session, and only for a host that is already running (so trusted).
    const ctx = code(path.join(clientDir, 'ctx.ts'));
    assert.match(body(ctx, /private async restartSession\(\)/), /this\.runtime\(\)/);
    assert.match(ctx, /affectsConfiguration\('caxton\.runtime'\) && this\.host\?\.running\) void this\.restartSession\(\)/);
    const helper = body(code(path.join(clientDir, 'commands', 'runHelpers.ts')), /export async function withRuntime/);
    const trust = helper.indexOf('ctx.requireTrust(');
    const run = helper.indexOf('ctx.runtime()');
    assert.ok(trust >= 0 && run > trust, 'withRuntime asks requireTrust before ctx.runtime()');
    assert.match(helper, /if \(!ctx\.requireTrust\(action\)\) return undefined;/);
  });

  it('every command either runs nothing or goes through the trust gate', () => {
    const dir = path.join(clientDir, 'commands');
    const report: string[] = [];
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts') && n !== 'index.ts' && n !== 'runHelpers.ts')) {
      const src = code(path.join(dir, f));
      const runs = /withRuntime\(|\.runtime\(\)|host\.request\(/.test(src);
      const gated = /ctx\.requireTrust\(/.test(src) || /withRuntime\(/.test(src);
      report.push(
        `${f.replace('.ts', '')}: ${runs ? (/ctx\.requireTrust\(/.test(src) ? 'gated (requireTrust + withRuntime)' : 'gated (withRuntime)') : 'runs nothing'}`,
      );
      if (runs) assert.ok(gated, `${f} reaches the runtime without the trust gate`);
      else assert.doesNotMatch(src, /RuntimeHostClient|child_process/, `${f} runs nothing`);
    }
    console.log(`      [trust] ${report.join('; ')}`);
    assert.ok(report.length >= 8, 'every command of the table was checked');
  });
});
