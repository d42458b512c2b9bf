import * as assert from 'node:assert/strict';
import type { StateChange, WasmAgent } from '../../../runtime/sandbox';
import { assertCalculatorAnswers, loadCalculator } from './harness';

type Wabt = { parseWat(file: string, text: string): { validate(): void; toBinary(o: object): { buffer: Uint8Array }; destroy(): void } };

// Passes the load checks (exports, imports, memory) but traps in its start function: it fails only when instantiated.
const START_TRAPS = `(module
  (memory (export "memory") 1)
  (func (export "caxton_alloc") (param $len i32) (result i32) (i32.const 4096))
  (func (export "caxton_handle") (param $ptr i32) (param $len i32) (result i32) (i32.const 0))
  (func $boom unreachable)
  (start $boom))`;

async function wat(text: string): Promise<Uint8Array> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const w = await (require('wabt') as () => Promise<Wabt>)();
  const mod = w.parseWat('start-traps.wat', text);
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

describe('sandbox: hot reload of a module that fails while starting', function () {
  this.timeout(30_000);
  let calc: WasmAgent | undefined;
  after(async () => {
    await calc?.dispose();
  });

  it('restores the previous module, which keeps answering, and traces the reason', async () => {
    const changes: StateChange[] = [];
    calc = await loadCalculator({ onStateChange: (c) => changes.push(c) });
    await assert.rejects(calc.reload(await wat(START_TRAPS), 'hot reload'), /failed while starting .*the previous module keeps running/);
    assert.equal(calc.state, 'running');
    await assertCalculatorAnswers(calc);
    assert.deepEqual(
      changes.slice(-3).map((c) => `${c.from}->${c.to}`),
      ['running->draining', 'draining->loaded', 'loaded->running'],
    );
    assert.equal(changes[changes.length - 3].reason, 'hot reload');
    assert.match(changes[changes.length - 2].reason ?? '', /hot reload refused; previous module restored/);
  });
});
