/** `validateFiles` (used by `caxton validate`): real files on disk, manifests found beside them. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { examplesDir, fixturesDir } from '../../support/paths';
import { validateFiles } from '../../../runtime/node/files/validateFiles';

const ws = path.join(fixturesDir, 'server', 'workspace');

describe('validateFiles', () => {
  it('prints file:line:col: severity: message [code] for a folder, using its manifests', async () => {
    const r = await validateFiles([ws], { cwd: ws });
    assert.deepEqual(r.lines, [
      'messages/bad.fipa.json:1:1: warning: Message has no conversation_id: replies and the inspector cannot group it. Add "conversation_id". [missing-conversation-id]',
      "messages/bad.fipa.json:2:19: error: 'acept_proposal' is not allowed for 'performative': did you mean 'accept_proposal'? Allowed: accept_proposal, agree, cancel, cfp, confirm, disconfirm, failure, inform, inform_if, inform_ref, not_understood, propagate, propose, proxy, query_if, query_ref, refuse, reject_proposal, request, request_when, request_whenever, subscribe, query. [bad-enum]",
      "messages/bad.fipa.json:4:15: warning: No agent manifest declares receiver 'selller': did you mean 'seller'? [unknown-agent]",
      "orders.pipeline.yaml:6:14: warning: No agent manifest declares stage agent 'shipper'. Known agents: buyer, seller; add a shipper.agent.yaml or fix the name. [unknown-agent]",
    ]);
    assert.equal(r.errors, 1);
    assert.equal(r.warnings, 3);
  });
  it('a single clean file has no output; manifests come from beside and under its folder', async () => {
    const r = await validateFiles([path.join(ws, 'messages', 'good.fipa.json')], { cwd: ws });
    assert.deepEqual(r, { lines: [], errors: 0, warnings: 0 });
    const p = await validateFiles(['orders.pipeline.yaml'], { cwd: ws });
    assert.equal(p.warnings, 1, p.lines.join('\n'));
  });
  it('names the file and the fix for missing and unrecognised files', async () => {
    const r = await validateFiles(['nope.fipa.json', 'notes.txt'], { cwd: ws });
    assert.equal(r.errors, 2);
    assert.match(r.lines[0], /^nope\.fipa\.json:1:1: error: no such file or folder.*\[io-error\]$/);
    assert.match(r.lines[1], /^notes\.txt:1:1: error: not a Caxton file: name it \*\.fipa\.json.*\[unknown-file-kind\]$/);
  });
  it('honours maxContentBytes', async () => {
    const r = await validateFiles(['messages/good.fipa.json'], { cwd: ws, maxContentBytes: 4 });
    assert.deepEqual(
      r.lines.map((l) => l.replace(/: .*\[/, ' [')),
      ['messages/good.fipa.json:7:14 [content-too-large]'],
    );
  });
  it('examples/broken shows what its README promises', async () => {
    const r = await validateFiles([path.join(examplesDir, 'broken')], { cwd: examplesDir });
    assert.equal(r.errors, 13, r.lines.join('\n'));
    assert.equal(r.warnings, 10, r.lines.join('\n'));
    assert.equal(r.lines.filter((l) => / info: /.test(l)).length, 1);
    const files = new Set(r.lines.map((l) => l.split(':')[0]));
    for (const f of [
      'typos.fipa.json',
      'hyphenated.fipa.json',
      'missing-ids.fipa.json',
      'out-of-order.fipa.json',
      'truncated.fipa.json',
      'unsafe.pipeline.yaml',
      'greedy.agent.yaml',
    ]) {
      assert.ok(files.has(path.join('broken', f)), `${f} shows no diagnostic`);
    }
  });
});
