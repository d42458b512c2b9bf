/**
 * Agent failures on the author's line: a TypeScript agent that throws (source-mapped through QuickJS) and an
 * AssemblyScript agent that aborts (`throw new Error` in AssemblyScript) while handling a message each reach the
 * editor as one `agentError` notification from the real runtime host, naming the agent's source file and line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_RUNTIME_HOST_SETTINGS, type RuntimeHostNotifications } from '../../schemas/protocol/runtimeHost';
import { RuntimeHostClient } from '../../client/runtimeHostClient';
import { distDir, examplesDir } from '../support/paths';

type AgentError = RuntimeHostNotifications['agentError'];

/** Copy an example's agents (without build output) into `dir`, inserting `line` as the handler's first statement. */
function agentsWithFault(example: string, dir: string, handlerStart: string, line: string): { file: string; line: number } {
  fs.cpSync(path.join(examplesDir, example, 'agents'), dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}build`) });
  const file = path.join(dir, 'calculator.ts');
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(handlerStart), `${file} has no '${handlerStart}'`);
  const faulty = text.replace(handlerStart, `${handlerStart}\n${line}`);
  fs.writeFileSync(file, faulty);
  return { file, line: faulty.split('\n').findIndex((l) => l.includes('boom')) + 1 };
}

describe('agent failures reach the editor on the line that failed (real runtime host)', function () {
  this.timeout(120_000);
  let dir: string;
  let host: RuntimeHostClient;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caxton-agent-errors-'));
    host = new RuntimeHostClient({ hostScript: path.join(distDir, 'runtimeHost.js'), transport: 'ipc' });
  });
  after(async () => {
    await host?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a TypeScript throw and an AssemblyScript abort, each once, with file and line', async () => {
    const ts = agentsWithFault(
      'calculator-ts',
      path.join(dir, 'ts'),
      'onMessage((msg: Message) => {',
      "  if (msg.conversationId === 'boom') throw new TypeError('boom: divide is broken');",
    );
    const as = agentsWithFault(
      'calculator',
      path.join(dir, 'as'),
      'function handle(msg: Message): void {',
      '  if (msg.conversationId == "boom") throw new Error("boom: divide is broken");',
    );
    const request = (receiver: string, id: string) =>
      `    - message: { performative: request, sender: user, receiver: ${receiver}, conversation_id: ${id}, content: { action: calculate, x: 1, y: 2 } }\n`;
    fs.writeFileSync(
      path.join(dir, 'faults.scenario.yaml'),
      'scenario:\n  name: faults\n  messages:\n' +
        // The failing request is sent twice to each: a restarted agent failing again on the same line is one diagnostic.
        [
          request('calculator-ts', 'boom'),
          request('calculator', 'boom'),
          request('calculator-ts', 'boom'),
          request('calculator', 'boom'),
        ].join('') +
        request('calculator-ts', 'fine'),
    );
    const errors: AgentError[] = [];
    host.onAgentError((e) => errors.push(e));
    await host.start({ folder: dir, settings: { ...DEFAULT_RUNTIME_HOST_SETTINGS, traceDir: '' } });
    const r = await host.request('runScenario', { file: path.join(dir, 'faults.scenario.yaml') });
    assert.match(r.report, /faults/);
    const byAgent = new Map(errors.map((e) => [e.agent, e]));
    assert.equal(errors.length, 2, `one per agent and place: ${JSON.stringify(errors)}`);
    const tsError = byAgent.get('calculator-ts');
    assert.ok(tsError, 'the TypeScript agent reported');
    assert.equal(tsError.file, ts.file);
    assert.equal(tsError.line, ts.line);
    assert.ok(tsError.column > 1);
    assert.match(tsError.message, /calculator-ts failed while handling a message: .*TypeError: boom: divide is broken/);
    const asError = byAgent.get('calculator');
    assert.ok(asError, 'the AssemblyScript agent reported');
    assert.equal(asError.file, as.file);
    assert.equal(asError.line, as.line);
    assert.match(asError.message, /abort: boom: divide is broken/);
  });
});
