/** Where an agent's error text points in its source (runtime/sandbox/js/jsSourceMap.ts: errorPosition). */
import * as assert from 'node:assert/strict';
import { errorPosition } from '../../../runtime/sandbox';

describe('errorPosition', () => {
  it('takes the first source-mapped frame of a JS stack, not the SDK or the prelude', () => {
    const text =
      'trap: handler threw TypeError: boom\n    at caxton_handle (caxton-agent:index.js:180:18)\n    at <anonymous> (agents/calculator.ts:18:65)\n    at x (caxton-prelude.js:3:1)';
    assert.deepEqual(errorPosition(text), { source: 'agents/calculator.ts', line: 18, column: 65 });
  });

  it('reads the place an AssemblyScript abort names, inside a trap reason too', () => {
    assert.deepEqual(errorPosition('trap: handler trapped: unreachable (abort: boom: at last at calculator.ts:12:44)'), {
      source: 'calculator.ts',
      line: 12,
      column: 44,
    });
    assert.deepEqual(errorPosition('abort: index out of range at lib/util.ts:3:9'), { source: 'lib/util.ts', line: 3, column: 9 });
  });

  it("names no place for the standard library's aborts or a text without one", () => {
    assert.equal(errorPosition('abort: Index out of range at ~lib/rt/itcms.ts:131:18'), undefined);
    assert.equal(errorPosition('trap: out of fuel (1000000)'), undefined);
  });
});
