/**
 * Tables are memory in a shard too (runtime/sandbox/tableBudget.ts): a hot reload counts the new module's tables
 * against its shard's budget as loading does, replacing the agent's own reservation. A reload that would pass the
 * budget is refused with the budget sentence and the previous module keeps running.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSession, type Session } from '../../runtime/node/session/session';
import { MODULE_LIMITS } from '../../runtime/sandbox/limits';
import { watFixture } from '../support/fixtures';

/** The same module with a custom section appended: other bytes (another hash), the same code and tables. */
const variant = (wasm: Uint8Array, tag: string): Uint8Array => {
  const name = Buffer.from(tag);
  return Buffer.concat([Buffer.from(wasm), Buffer.from([0, name.length + 1, name.length]), name]);
};

describe('security: a hot reload in a shard counts its tables against the shard budget', function () {
  this.timeout(120_000);
  let dir: string;
  let session: Session | undefined;
  after(async () => {
    await session?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a reload that would pass the budget, accepts one that replaces its own reservation', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-shard-tables-'));
    const echo = await watFixture('wellbehaved/raw-echo');
    const hog = await watFixture('hostile/table-hog');
    const per = 90_000;
    const hogs = Math.floor(MODULE_LIMITS.maxTableElementsPerWorker / per) - 1; // room for one more hog-sized table
    for (const name of ['victim', 'small']) {
      fs.writeFileSync(path.join(dir, `${name}.wasm`), echo);
      fs.writeFileSync(path.join(dir, `${name}.agent.yaml`), `name: ${name}\nmodule: ${name}.wasm\n`);
    }
    for (let i = 0; i < hogs; i++) {
      fs.writeFileSync(path.join(dir, `hog${i}.wasm`), hog);
      fs.writeFileSync(path.join(dir, `hog${i}.agent.yaml`), `name: hog${i}\nmodule: hog${i}.wasm\n`);
    }
    // One worker: every agent shares one shard, and so one table budget.
    session = await startSession({ folder: dir, workers: 1 });
    assert.equal(session.runtime.shards?.size, 1);
    const reload = async (name: string, bytes: Uint8Array) => {
      const file = path.join(dir, `${name}.wasm`);
      fs.writeFileSync(file, bytes);
      const [result] = await session!.reloadChanged([file]);
      assert.equal(result.agent, name);
      return result;
    };

    // The one hog-sized table left fits; a hog reloaded with the same tables replaces its own reservation.
    assert.equal((await reload('victim', variant(hog, 'one-more'))).status, 'reloaded');
    assert.equal((await reload('hog0', variant(hog, 'again'))).status, 'reloaded', 'its own 90,000 are not counted twice');
    // Past the budget: refused with the budget sentence; the previous module keeps running.
    const refused = await reload('small', variant(hog, 'too-many'));
    assert.equal(refused.status, 'failed', JSON.stringify(refused));
    assert.match(
      refused.error ?? '',
      /the new module declares tables of 90000 elements, but the agents of its worker already hold \d+ of the 1000000 table elements a worker may hold/,
    );
    // A reload that gives tables back makes room, and the refusal took nothing: now the same module fits.
    assert.equal((await reload('victim', variant(echo, 'small-again'))).status, 'reloaded');
    assert.equal((await reload('small', variant(hog, 'fits-now'))).status, 'reloaded');
  });
});
