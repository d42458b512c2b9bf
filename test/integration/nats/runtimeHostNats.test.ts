/**
 * The VS Code side of a cluster: the runtime host (the extension's child process) with `caxton.runtime.nats` set
 * joins a real nats-server as a node; Send reaches the calculator served by a `caxton node` process, and the trace
 * the inspector gets names this node on its events.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TraceEvent } from '../../../schemas/trace';
import { DEFAULT_RUNTIME_HOST_SETTINGS } from '../../../schemas/protocol/runtimeHost';
import { RuntimeHostClient } from '../../../client/runtimeHostClient';
import { startNode, type CliProcess } from '../../support/caxtonNode';
import { NatsServer } from '../../support/natsServer';
import { distDir, examplesDir } from '../../support/paths';

describe('runtime host with caxton.runtime.nats (real nats-server, a caxton node process)', function () {
  this.timeout(120_000);
  let server: NatsServer;
  let node: CliProcess;
  let host: RuntimeHostClient;
  const events: TraceEvent[] = [];

  before(async () => {
    server = await NatsServer.start();
    node = await startNode(path.join(examplesDir, 'calculator'), server.url, 'calc-node');
    host = new RuntimeHostClient({
      hostScript: path.join(distDir, 'runtimeHost.js'),
      transport: 'ipc',
      env: { CAXTON_AGENT_WORKER: path.join(distDir, 'agentWorker.js') },
    });
    host.onTrace(({ events: batch }) => events.push(...batch));
  });
  after(async () => {
    await host?.dispose();
    await node?.kill();
    await server?.dispose();
  });

  it("Send from the editor reaches an agent of another node; the trace names the editor's node", async () => {
    const settings = { ...DEFAULT_RUNTIME_HOST_SETTINGS, traceDir: '', requestTimeoutMs: 20_000, nats: server.url };
    await host.start({ folder: path.join(examplesDir, 'query'), settings });
    const r = await host.request('send', {
      message: {
        performative: 'request',
        sender: 'tester',
        receiver: 'calculator',
        content: { action: 'calculate', x: 2, y: 3 },
        conversation_id: 'vscode-nats',
      },
    });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.reply?.content, { result: 5 });
    assert.ok(
      r.agents.some((a) => a.name === 'orders-db'),
      "the folder's own agents run here",
    );
    const started = events.find((e) => e.type === 'agent_state' && e.agent === 'orders-db');
    assert.ok(started?.node && started.node !== 'calc-node', `agent_state names this node (${started?.node})`);
    assert.ok(events.some((e) => e.type === 'message_sent' && e.message.receiver === 'calculator' && e.node === started.node));
  });
});
