import * as assert from 'node:assert/strict';
import { DurationError, durationOr, parseDuration } from '../../../schemas/limits';

describe('parseDuration', () => {
  const ok: Array<[number | string, number]> = [
    [0, 0],
    [250, 250],
    ['250ms', 250],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['0.5ms', 1],
  ];
  for (const [input, ms] of ok) it(`${JSON.stringify(input)} -> ${ms} ms`, () => assert.equal(parseDuration(input), ms));

  const bad: unknown[] = ['5', '5 sec', '-1s', -5, Number.NaN, 's', '', null];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input)} naming the field and the fix`, () => {
      assert.throws(
        () => parseDuration(input as string, 'stages[1].timeout'),
        (e: unknown) =>
          e instanceof DurationError && /^stages\[1\]\.timeout: invalid duration/.test(e.message) && e.message.includes("'250ms'"),
      );
    });
  }
  it('durationOr falls back only for undefined', () => {
    assert.equal(durationOr(undefined, 7), 7);
    assert.equal(durationOr('1s', 7), 1000);
  });
});
