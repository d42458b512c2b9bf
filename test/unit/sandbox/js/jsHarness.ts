/** Helpers for the JS-agent tests: agents written as TypeScript text, bundled by the real builder, run in real QuickJS. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FipaMessage, HostGrant } from '../../../../schemas';
import type { AgentError, AgentResult } from '../../../../runtime/core/types';
import { buildJsAgent } from '../../../../runtime/build';
import { createJsEngine, JsAgentInstance, jsMemoryCap, type JsInstanceOptions } from '../../../../runtime/sandbox';
import { loadQuickJsWasm } from '../../../../runtime/node/files/quickJsWasm';
import type { WorkerLimits } from '../../../../runtime/sandbox/workerProtocol';
import { examplesDir } from '../../../support/paths';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-js-'));
let counter = 0;

/** Bundle TypeScript source text (as `agent.ts` in a folder of its own) with the real builder; returns the bundle. */
export async function bundle(source: string, files: Record<string, string> = {}): Promise<{ code: string; dir: string }> {
  const dir = path.join(tmpRoot, `a${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'agent.ts'), source);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const r = await buildJsAgent(path.join(dir, 'agent.ts'), path.join(dir, 'build', 'agent.js'), { cache: false });
  assert.ok(r.ok, r.diagnostics.map((d) => d.text).join('\n'));
  return { code: fs.readFileSync(path.join(dir, 'build', 'agent.js'), 'utf8'), dir };
}

export const LIMITS: WorkerLimits = {
  memoryBytes: jsMemoryCap(4 << 20),
  fuelPerMessage: 1_000_000,
  maxMessageBytes: 1_000_000,
  maxOutputBytes: 4 << 20,
  maxSendsPerMessage: 100,
};

export interface AgentOptions {
  files?: Record<string, string>;
  grants?: HostGrant[];
  limits?: Partial<WorkerLimits>;
  seed?: number;
  timeoutMs?: number;
  maxStackBytes?: number;
  name?: string;
}

/** Start a JS agent from TypeScript text in an engine of its own; an AgentError when its start fails. */
export async function startJs(source: string, o: AgentOptions = {}): Promise<JsAgentInstance | AgentError> {
  const { code } = await bundle(source, o.files);
  const limits = { ...LIMITS, ...o.limits };
  const engine = await createJsEngine(loadQuickJsWasm(), limits.memoryBytes);
  const opts: JsInstanceOptions = {
    name: o.name ?? 'agent',
    code,
    file: 'agent.js',
    grants: o.grants ?? [],
    limits,
    seed: o.seed ?? 1,
    engine,
    timeoutMs: o.timeoutMs,
    maxStackBytes: o.maxStackBytes,
  };
  return JsAgentInstance.create(opts);
}

/** Like startJs, but the start must succeed. */
export async function js(source: string, o: AgentOptions = {}): Promise<JsAgentInstance> {
  const inst = await startJs(source, o);
  if (!(inst instanceof JsAgentInstance)) assert.fail(`start failed: ${inst.kind}: ${inst.message}`);
  return inst;
}

let seq = 0;
/** A request message as JSON text. */
export function request(content: unknown, extra: Partial<FipaMessage> = {}): string {
  seq++;
  return JSON.stringify({
    performative: 'request',
    sender: 'tester',
    receiver: 'agent',
    conversation_id: `c${seq}`,
    reply_with: `q${seq}`,
    content,
    ...extra,
  });
}

/** The messages sent while handling one message (the call must have succeeded). */
export function sent(r: AgentResult): FipaMessage[] {
  assert.ok(r.ok, `expected success, got ${JSON.stringify(r)}`);
  return r.effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []));
}

/** The content of the single message sent while handling one message. */
export function answer(r: AgentResult): unknown {
  const out = sent(r);
  assert.equal(out.length, 1, `one send expected: ${JSON.stringify(out)}`);
  return out[0].content;
}

/** The error of a failed call. */
export function failure(r: AgentResult): AgentError {
  assert.ok(!r.ok, `expected a failure, got ${JSON.stringify(r)}`);
  return r.error;
}

/** The calculator of examples/calculator-ts as a JS instance (the neighbour that must keep answering). */
export async function calculatorTs(): Promise<JsAgentInstance> {
  const src = fs.readFileSync(path.join(examplesDir, 'calculator-ts', 'agents', 'calculator.ts'), 'utf8');
  return js(src, { name: 'calculator' });
}
