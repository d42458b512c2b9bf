/** The debugger's condition language: a table of expressions over a delivery, and what it refuses (no calls, no eval). */
import * as assert from 'node:assert/strict';
import { ConditionError, parseCondition, parsePath } from '../../../runtime/debug/condition';

const ctx = {
  performative: 'request',
  sender: 'user',
  receiver: 'calculator',
  conversation: 'c-1',
  tick: 3,
  content: { op: 'add', x: 12, args: [1, 2, 3], nested: { 'a key': 'v' }, label: 'ten' },
};

describe('debug condition language', () => {
  const table: Array<[string, unknown]> = [
    ['performative == "request"', true],
    ['performative == "inform"', false],
    ['performative == "request" && content.x > 10', true],
    ['performative == "request" && content.x > 12', false],
    ['content.x >= 12 || false', true],
    ['!(sender == "user")', false],
    ['receiver in ["calculator", "echo"]', true],
    ['receiver in ["echo"]', false],
    ['content.args contains 2', true],
    ['content.args contains 9', false],
    ['"op" in content', true],
    ['content.label contains "en"', true],
    ['content.args[1] == 2', true],
    ['content.args.length == 3', true],
    ['content.nested["a key"] == "v"', true],
    ['content.missing == null', true],
    ['content.missing.deeper > 1', false],
    ['content.x == "12"', false],
    ['content.x + 1 == 13', true],
    ['content.x % 5 == 2', true],
    ['content.op == "add" && content.x == 12', true],
    ['content.args == [1, 2, 3]', true],
    ['tick > 2 ? "late" : "early"', 'late'],
    ['content.constructor', undefined],
    ['content.__proto__', undefined],
    ['sender < 5', false],
    ['-content.x < 0', true],
  ];
  for (const [source, expected] of table) {
    it(`${source} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseCondition(source).evaluate(ctx), expected);
    });
  }

  const refused: Array<[string, RegExp]> = [
    ['', /empty/],
    ['performative ==', /Expected expression|column/],
    ['sender == "a" &&', /column 17|column 18/],
    ['eval("1")', /function calls/],
    ['content.toString()', /function calls/],
    ['this.x', /`this`/],
    ['a; b', /several expressions/],
    ['x = 1', /Unexpected|column/],
    ['a ~ b', /not part|Unexpected|column/],
  ];
  for (const [source, message] of refused) {
    it(`refuses ${JSON.stringify(source)} with a clear message`, () => {
      assert.throws(
        () => parseCondition(source),
        (e: unknown) => e instanceof ConditionError && message.test(e.message) && e.column >= 1,
      );
    });
  }

  it('parses paths for setExpression and refuses anything else', () => {
    assert.deepEqual(parsePath('content.items[0].sku'), ['content', 'items', 0, 'sku']);
    assert.deepEqual(parsePath('content["a key"]'), ['content', 'a key']);
    assert.throws(() => parsePath('content.x + 1'), /not a path/);
    assert.throws(() => parsePath('content[x]'), /index must be/);
  });
});
