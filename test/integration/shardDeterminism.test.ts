/**
 * Determinism across shards (docs/shards.md): every bundled example, run on the simulated clock with the same seed
 * on 1, 2 and 4 worker shards, gives the same trace event for event. Only wall-clock fields differ by nature
 * (agent_usage.duration_ms, the real time an agent took) and are left out of the comparison.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../schemas';
import { runScenario } from '../../runtime/node/scenario/scenario';
import { examplesDir } from '../support/paths';

/** The event as compared: wall-clock fields removed, and the header's worker count (an input the trace records). */
function comparable(e: TraceEvent): string {
  if (e.type === 'run_started') {
    const { workers: _workers, ...rest } = e;
    return JSON.stringify(rest);
  }
  if (e.type !== 'agent_usage') return JSON.stringify(e);
  const { duration_ms: _wall, ...rest } = e;
  return JSON.stringify(rest);
}

function scenarios(): string[] {
  return fs
    .readdirSync(examplesDir)
    .flatMap((d) => {
      const dir = path.join(examplesDir, d);
      return fs.statSync(dir).isDirectory()
        ? fs
            .readdirSync(dir)
            .filter((f) => f.endsWith('.scenario.yaml'))
            .map((f) => path.join(dir, f))
        : [];
    })
    .sort();
}

describe('shards: the same seed gives the same trace on 1, 2 and 4 workers (every example, simulated clock)', function () {
  this.timeout(180_000);
  const files = scenarios();
  // Without it a wrong examplesDir would leave this suite with no test at all, and nothing would fail.
  it('finds the bundled example scenarios', () => assert.ok(files.length > 0, `no *.scenario.yaml under ${examplesDir}`));
  for (const file of files) {
    it(path.relative(examplesDir, file), async () => {
      const runs: Array<{ workers: number; events: string[]; ok: boolean; ticks: number }> = [];
      for (const workers of [1, 2, 4]) {
        const events: string[] = [];
        let ticks = 0;
        const summary = await runScenario(file, {
          workers,
          seed: 7,
          onTrace: (e) => {
            events.push(comparable(e));
            ticks = Math.max(ticks, e.tick ?? 0);
          },
        });
        runs.push({ workers, events, ok: summary.ok, ticks });
      }
      const [one, ...others] = runs;
      assert.ok(one.events.length > 5, 'the run traced something');
      assert.ok(one.ticks > 0, 'events carry their superstep (tick)');
      for (const other of others) {
        const i = one.events.findIndex((e, k) => e !== other.events[k]);
        assert.equal(
          i === -1 && one.events.length === other.events.length,
          true,
          `1 vs ${other.workers} workers: first difference at event ${i === -1 ? one.events.length : i}\n  1: ${one.events[i]}\n  ${other.workers}: ${other.events[i]}`,
        );
        assert.equal(other.ok, one.ok, 'same verdict');
      }
    });
  }
});
