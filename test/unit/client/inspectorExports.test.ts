import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FipaMessage } from '../../../schemas';
import { fipaJson, mermaidSequence, mermaidText } from '../../../client/webview/model/exports';
import { findInFipaJson, findInScenario, manifestInfo, sameMessage } from '../../../schemas/load/messageSource';
import { findMessages } from '../../../schemas/load/messageLocations';
import { uplotCss } from '../../../client/webview/uplotCss';
import { inspectorModels, numbered, readTrace } from '../../support/inspectorModel';
import { examplesDir, repoRoot } from '../../support/paths';

describe('inspector exports', () => {
  it('copies a message as a .fipa.json the Send CodeLens can send (without the runtime message_id)', () => {
    const m: FipaMessage = {
      performative: 'request',
      sender: 'user',
      receiver: 'calculator',
      conversation_id: 'c',
      content: { x: 1 },
      message_id: 'm-1',
    } as FipaMessage;
    const text = fipaJson(m);
    const [found] = findMessages(text);
    assert.deepEqual(JSON.parse(JSON.stringify(found.message)), {
      performative: 'request',
      sender: 'user',
      receiver: 'calculator',
      conversation_id: 'c',
      content: { x: 1 },
    });
  });

  it('writes the diagram as a Mermaid sequenceDiagram: aliased participants, arrows per receiver, drops, replies, notes', () => {
    const m = inspectorModels(readTrace('demo.trace.jsonl'));
    const text = mermaidSequence(m.rows, m.lanes, 'demo: a run');
    const lines = text.trim().split('\n');
    assert.equal(lines[0], 'sequenceDiagram');
    assert.equal(lines[1], '  title demo#58; a run');
    assert.equal(lines[2], '  participant P1 as client');
    const arrows = lines.filter((l) => /^ {2}P\d+(->>|-->>|-x)P\d+: /.test(l));
    assert.equal(
      arrows.length,
      m.rows.reduce((n, r) => n + (r.kind === 'message' ? r.to.length : 0), 0),
    );
    assert.ok(
      arrows.some((l) => l.includes('-->>')),
      'replies are dashed',
    );
    const dropped = inspectorModels(
      numbered([
        { type: 'message_sent', id: 'x', to: ['b'], message: { performative: 'inform', sender: 'a', receiver: 'b' } },
        { type: 'message_dropped', id: 'x', to: 'b', reason: 'mailbox full' },
      ]),
    );
    assert.match(mermaidSequence(dropped.rows, dropped.lanes), /P1-xP2: inform\n {2}Note over P2: dropped for b#58; mailbox full\n$/);
    assert.ok(lines.some((l) => /^ {2}Note over P\d+: .*timed out/.test(l)));
    for (const l of lines.slice(1)) assert.match(l, /^ {2}(title|participant|Note|P\d+)/, l);
    assert.equal(mermaidText('a;b#c:d\ne<f>'), 'a#59;b#35;c#58;d e#lt;f#gt;');
  });
});

describe("reveal a message's source", () => {
  const calcScenario = fs.readFileSync(path.join(examplesDir, 'calculator', 'calculator.scenario.yaml'), 'utf8');
  const sent = {
    performative: 'request',
    sender: 'user',
    receiver: 'calculator',
    protocol: 'fipa-request',
    conversation_id: 'mul-6-7',
    reply_with: 'q2',
    content: { op: 'mul', action: 'calculate', x: 6, y: 7 },
    message_id: 'm-9',
  } as FipaMessage;

  it('finds a scenario entry by its fields (content key order does not matter)', () => {
    const span = findInScenario(calcScenario, sent);
    assert.ok(span);
    assert.match(calcScenario.slice(span.offset, span.offset + span.length), /conversation_id: mul-6-7/);
    assert.equal(findInScenario(calcScenario, { ...sent, content: { op: 'add', action: 'calculate', x: 6, y: 7 } }), undefined);
  });

  it('finds a .fipa.json message by message_id when the file has one, else by its fields', () => {
    const text = `[${JSON.stringify({ ...sent, message_id: 'other' })},\n ${JSON.stringify({ ...sent, message_id: undefined })}]`;
    assert.equal(sameMessage({ ...sent, message_id: 'other' }, sent), false, 'a different message_id is another message');
    const span = findInFipaJson(text, sent);
    assert.ok(span && span.offset > 10, 'the second (id-less) entry matches by its fields');
    assert.equal(findInFipaJson(text, { ...sent, message_id: 'other' } as FipaMessage)?.offset, 1);
  });

  it("reads an agent manifest's name and module", () => {
    assert.deepEqual(manifestInfo(fs.readFileSync(path.join(examplesDir, 'calculator', 'agents', 'calculator.agent.yaml'), 'utf8')), {
      name: 'calculator',
      module: 'calculator.ts',
    });
    assert.equal(manifestInfo('::: not yaml [').name, undefined);
  });

  it("the page carries uPlot's stylesheet exactly as the installed package has it", () => {
    assert.equal(uplotCss, fs.readFileSync(path.join(repoRoot, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8'));
  });
});
