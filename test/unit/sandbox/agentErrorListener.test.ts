/** Agent failures placed in the agent's source, once per agent and place (runtime/node/session/agentErrors.ts). */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas';
import { agentErrorListener, type AgentSourceError } from '../../../runtime/node/session/agentErrors';
import type { AgentEntry } from '../../../runtime/node/files/workspace';

const root = path.resolve('/ws/agents');
const entry = (name: string): AgentEntry =>
  ({
    file: path.join(root, `${name}.agent.yaml`),
    manifest: { name, module: 'calc.ts' },
    source: path.join(root, 'calc.ts'),
  }) as AgentEntry;
const failed = (agent: string, reason: string): TraceEvent =>
  ({ seq: 1, t: 0, type: 'agent_state', agent, from: 'running', to: 'failed', reason }) as TraceEvent;

describe('agentErrorListener', () => {
  it('reports a failure on its line once, and a failure elsewhere again', () => {
    const got: AgentSourceError[] = [];
    const listen = agentErrorListener([entry('calc')], (e) => got.push(e));
    listen(failed('calc', 'trap: handler threw Error: x\n    at f (calc.ts:4:7)'));
    listen(failed('calc', 'trap: handler threw Error: x\n    at f (calc.ts:4:7)'));
    listen(failed('calc', 'trap: handler threw Error: y\n    at g (lib/more.ts:9:2)'));
    assert.deepEqual(
      got.map((e) => [e.file, e.line, e.column]),
      [
        [path.join(root, 'calc.ts'), 4, 7],
        [path.join(root, 'lib', 'more.ts'), 9, 2],
      ],
    );
    assert.equal(got[0].message, 'calc failed while handling a message: trap: handler threw Error: x');
  });

  it('ignores other events, unknown agents and places outside the agent folder', () => {
    const got: AgentSourceError[] = [];
    const listen = agentErrorListener([entry('calc')], (e) => got.push(e));
    listen(failed('other', 'trap: x (calc.ts:1:1)'));
    listen(failed('calc', 'trap: x\n    at f (../../elsewhere.ts:1:1)'));
    listen({ seq: 2, t: 0, type: 'agent_log', agent: 'calc', level: 'error', text: 'at f (calc.ts:1:1)' } as TraceEvent);
    listen(failed('calc', 'trap: out of fuel'));
    assert.deepEqual(got, []);
  });
});
