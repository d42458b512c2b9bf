import * as assert from 'node:assert/strict';
import { loadWasmAgent } from '../../../runtime/sandbox';
import { fixturePath, watFixture } from '../../support/fixtures';
import { assertLoadRefused, loadFixture } from './harness';

/** Malformed and forbidden modules are refused before any of their code runs, naming the problem. */
describe('sandbox: load-time checks (deny by default)', function () {
  this.timeout(30_000);
  const manifestPath = 'agents/x.agent.yaml';

  it('refuses a forbidden import, naming it, the rule and the manifest', async () => {
    await assertLoadRefused(
      loadFixture('hostile/forbidden-import'),
      /forbidden-import\.wat imports wasi_snapshot_preview1\.fd_write, which Caxton does not provide; agents may import only caxton\.\* \(see docs\/agent-abi\.md\)\. Declared in test\/fixtures\/agents\/hostile\/forbidden-import\.agent\.yaml/,
    );
  });

  it('refuses garbage bytes', async () => {
    await assertLoadRefused(
      loadWasmAgent({
        manifest: { name: 'x', module: 'x.wasm' },
        manifestPath,
        wasmPath: fixturePath('hostile/garbage', '.wasm'),
        wasm: await watFixture('hostile/garbage'),
      }),
      /garbage\.wasm is not a WebAssembly module \(it does not start with \\0asm\).*Declared in agents\/x\.agent\.yaml/,
    );
  });

  it('refuses a truncated module', async () => {
    await assertLoadRefused(
      loadWasmAgent({
        manifest: { name: 'x', module: 'x.wasm' },
        manifestPath,
        wasmPath: 'agents/x.wasm',
        wasm: await watFixture('hostile/truncated'),
      }),
      /agents\/x\.wasm is not a valid WebAssembly module \(.+\); it may be truncated or corrupt; rebuild it/,
    );
  });

  it('refuses an empty module', async () => {
    await assertLoadRefused(loadWasmAgent({ manifest: { name: 'x', module: 'x.wasm' }, wasm: new Uint8Array(0) }), /x\.wasm is empty/);
  });

  it('refuses an ungranted host function, and accepts it once granted', async () => {
    await assertLoadRefused(
      loadFixture('hostile/ungranted'),
      /imports caxton\.blackboard_write, which its manifest does not grant; add `host_functions: \[blackboard_write\]` to the manifest/,
    );
    const agent = await loadFixture('hostile/ungranted', { host_functions: ['blackboard_write'] });
    try {
      const r = await agent.handle({ performative: 'inform', sender: 't', receiver: 'ungranted' });
      assert.ok(r.ok);
      assert.deepEqual(r.effects, [{ kind: 'blackboard_write', key: 'k', value: 42 }]);
    } finally {
      await agent.dispose();
    }
  });

  it('refuses memory declared above the cap', async () => {
    await assertLoadRefused(
      loadFixture('hostile/big-memory'),
      /declares 32768 KiB of initial memory, above its 16384 KiB memory cap; raise `limits.memory`/,
    );
  });

  it('refuses an imported memory', async () => {
    await assertLoadRefused(
      loadFixture('hostile/imported-memory'),
      /imports a memory \(caxton\.memory\); agents may not import memories, tables or globals/,
    );
  });

  it('refuses a module without the ABI exports', async () => {
    await assertLoadRefused(loadFixture('hostile/missing-export'), /does not export `caxton_handle` \(function\)/);
  });

  it('refuses bad options at the entry point', async () => {
    const wasm = await watFixture('hostile/trap');
    await assertLoadRefused(loadWasmAgent({ manifest: { name: '9 bad', module: 'x.wasm' }, wasm }), /invalid agent name "9 bad"/);
    await assertLoadRefused(
      loadWasmAgent({ manifest: { name: 'x', module: 'x.wasm', host_functions: ['fs' as never] }, wasm }),
      /grants unknown host function "fs"/,
    );
    await assertLoadRefused(
      loadWasmAgent({ manifest: { name: 'x', module: 'x.wasm', limits: { memory: 'lots' } }, wasm }),
      /invalid limits: limits\.memory: invalid size "lots"/,
    );
    await assertLoadRefused(
      loadWasmAgent({ manifest: { name: 'x', module: 'x.wasm' }, wasm: 'not bytes' as never }),
      /has no module bytes/,
    );
  });
});
