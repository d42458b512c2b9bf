/** Shared helpers for the sandbox tests: real agents built from the repo, loaded into real workers. */
import * as assert from 'node:assert/strict';
import type { AgentManifest, FipaMessage } from '../../../schemas';
import type { AgentResult } from '../../../runtime/core/types';
import { loadWasmAgent, type LoadWasmAgentOptions, type WasmAgent } from '../../../runtime/sandbox';
import { buildExampleAgent, fixturePath, watFixture } from '../../support/fixtures';

/** The calculator request of the catalog: {action: calculate, x, y}. */
export function calcRequest(x: number, y: number): FipaMessage {
  return {
    performative: 'request',
    sender: 'tester',
    receiver: 'calculator',
    reply_with: `r-${x}-${y}`,
    conversation_id: 'c1',
    content: { action: 'calculate', x, y },
  };
}

/** The messages an agent sent while handling one message. */
export function sends(result: AgentResult): FipaMessage[] {
  assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
  return result.effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []));
}

/** Load the calculator example agent (built from examples/calculator, cached). */
export async function loadCalculator(extra: Partial<LoadWasmAgentOptions> = {}): Promise<WasmAgent> {
  const built = await buildExampleAgent('calculator', 'calculator');
  return loadWasmAgent({ manifest: built.manifest, manifestPath: built.manifestPath, wasm: built.wasm, ...extra });
}

/** Load an example agent by name. */
export async function loadExample(name: string, extra: Partial<LoadWasmAgentOptions> = {}): Promise<WasmAgent> {
  const built = await buildExampleAgent('calculator', name);
  return loadWasmAgent({ manifest: built.manifest, manifestPath: built.manifestPath, wasm: built.wasm, ...extra });
}

/** Load a WAT fixture (e.g. `hostile/trap`) under a manifest named after it. */
export async function loadFixture(
  name: string,
  manifest: Partial<AgentManifest> = {},
  extra: Partial<LoadWasmAgentOptions> = {},
): Promise<WasmAgent> {
  const agentName = name
    .split('/')
    .pop()!
    .replace(/[^A-Za-z0-9_]/g, '_');
  return loadWasmAgent({
    manifest: { name: agentName, module: `${name}.wasm`, ...manifest },
    manifestPath: `test/fixtures/agents/${name}.agent.yaml`,
    wasmPath: fixturePath(name),
    wasm: await watFixture(name),
    ...extra,
  });
}

/** Assert the calculator still answers 10 + 20 = 30. */
export async function assertCalculatorAnswers(calc: WasmAgent, x = 10, y = 20): Promise<void> {
  const [reply] = sends(await calc.handle(calcRequest(x, y)));
  assert.equal(reply.performative, 'inform');
  assert.deepEqual(reply.content, { result: x + y });
}

/** Expect loading to fail with AgentLoadError whose message matches. */
export async function assertLoadRefused(load: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(load, (e: Error) => {
    assert.equal(e.name, 'AgentLoadError');
    assert.match(e.message, pattern);
    return true;
  });
}

/** Wait (briefly, on real time) for a restart that the agent performs asynchronously. */
export async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
