/**
 * Topic matching: the linear matcher agrees with a plain backtracking reference on random patterns and topics,
 * and its cost, counted in steps (never timed), stays within levels x pattern for any mix of wildcards.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { topicMatches, type MatchMeter } from '../../runtime/router/topics';
import { fuzzRuns, fuzzSeed } from './fuzzConfig';

/** The obvious definition: `#` tries every split. Exponential, so fed only short inputs. */
function reference(p: readonly string[], t: readonly string[]): boolean {
  if (p.length === 0) return t.length === 0;
  const [head, ...rest] = p;
  if (head === '#') {
    for (let k = 0; k <= t.length; k++) if (reference(rest, t.slice(k))) return true;
    return false;
  }
  if (t.length === 0) return false;
  return (head === '*' || head === '+' || head === t[0]) && reference(rest, t.slice(1));
}

const level = fc.constantFrom('a', 'b', 'c');
const patternLevel = fc.constantFrom('a', 'b', 'c', '*', '+', '#');

describe('fuzz: topic matching', function () {
  this.timeout(120_000);
  const runs = fuzzRuns(20_000);

  it('agrees with the backtracking reference', () => {
    fc.assert(
      fc.property(fc.array(patternLevel, { maxLength: 8 }), fc.array(level, { maxLength: 10 }), (p, t) => {
        assert.equal(topicMatches(p, t), reference(p, t), `${p.join('/')} vs ${t.join('/')}`);
      }),
      { numRuns: runs, seed: fuzzSeed() },
    );
  });

  it('costs at most 2 x (levels + 1) x (pattern + 1) steps, however many wildcards', () => {
    let worst = 0;
    fc.assert(
      fc.property(fc.array(patternLevel, { maxLength: 80 }), fc.array(level, { minLength: 0, maxLength: 80 }), (p, t) => {
        const meter: MatchMeter = { steps: 0 };
        topicMatches(p, t, meter);
        const bound = 2 * (t.length + 1) * (p.length + 1);
        worst = Math.max(worst, meter.steps / bound);
        assert.ok(meter.steps <= bound, `${meter.steps} steps > ${bound} for ${p.length}-level pattern, ${t.length}-level topic`);
      }),
      { numRuns: Math.ceil(runs / 4), seed: fuzzSeed() },
    );
    assert.ok(worst > 0, 'the meter counted something');
  });
});
