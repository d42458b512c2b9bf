/** Agent manifest checks a schema cannot say: module path, grants that go together, sane limits, unique names. */
import { LIMITS, RESERVED_AGENT_NAMES, sizeToBytes } from '../../limits';
import { child, prop, type DocNode } from '../docTree';
import type { Problem } from '../types';
import { checkFileRef } from './fileRefs';
import type { RuleContext } from './ruleContext';

const WASM_PAGE = 65536;
const MAX_WASM32_MEMORY = 4 * 1024 * 1024 * 1024;

/** Checks a *.agent.yaml tree; `uri` tells a manifest apart from others declaring the same name. */
export function checkManifest(root: DocNode, ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  if (root.type !== 'object') return out;
  const mod = child(root, 'module');
  if (mod?.type === 'string') {
    const path = String(mod.value);
    if (/^([a-z]:)?[\\/]/i.test(path)) {
      out.push({
        start: mod.start,
        end: mod.end,
        severity: 'warning',
        code: 'absolute-module-path',
        message: 'module is an absolute path, so the workspace will not run elsewhere: make it relative to this manifest.',
      });
    } else if (path.split(/[\\/]/).includes('..')) {
      out.push({
        start: mod.start,
        end: mod.end,
        severity: 'information',
        code: 'module-outside-folder',
        message: "module reaches outside the manifest's folder ('..'): keep the agent's code beside its manifest.",
      });
    }
    if (/\.(wasm|ts)$/.test(path)) checkFileRef(mod, ctx, out, 'module', 'module', 'workspace');
  }
  const grants = child(root, 'host_functions');
  const granted = new Set((grants?.items ?? []).map((g) => String(g.value)));
  const subs = prop(root, 'subscriptions');
  if (subs && (subs.value?.items?.length ?? 0) > 0 && !granted.has('subscribe')) {
    out.push({
      start: subs.keyStart,
      end: subs.keyEnd,
      severity: 'error',
      code: 'missing-grant',
      message:
        'subscriptions need the `subscribe` host function, which is not granted (deny by default): add `subscribe` to host_functions.',
    });
  }
  if (granted.has('blackboard_write') && !granted.has('blackboard_read')) {
    const g = grants?.items?.find((x) => x.value === 'blackboard_write');
    if (g)
      out.push({
        start: g.start,
        end: g.end,
        severity: 'information',
        code: 'write-without-read',
        message:
          'blackboard_write without blackboard_read: the agent cannot read the version it must pass to write safely; grant blackboard_read too.',
      });
  }
  const limits = child(root, 'limits');
  const memNode = child(limits, 'memory');
  const memory = memoryBytes(memNode);
  if (memNode && memory !== undefined) {
    if (memory > MAX_WASM32_MEMORY) {
      out.push({
        start: memNode.start,
        end: memNode.end,
        severity: 'error',
        code: 'memory-too-large',
        message: 'memory is above 4 GiB, the most a 32-bit WebAssembly module can address: lower it.',
      });
    } else if (memory % WASM_PAGE !== 0) {
      out.push({
        start: memNode.start,
        end: memNode.end,
        severity: 'warning',
        code: 'memory-not-pages',
        message: `memory ${memory} bytes is not a whole number of 64 KiB WebAssembly pages: it will be rounded down to ${Math.floor(memory / WASM_PAGE) * WASM_PAGE}.`,
      });
    }
  }
  const maxMsg = child(limits, 'max_message_bytes');
  if (memory !== undefined && typeof maxMsg?.value === 'number' && maxMsg.value > memory) {
    out.push({
      start: maxMsg.start,
      end: maxMsg.end,
      severity: 'warning',
      code: 'message-exceeds-memory',
      message: `max_message_bytes (${maxMsg.value}) is larger than the agent's memory (${memory}): such a message could never be copied in; lower it.`,
    });
  }
  const replicas = child(root, 'replicas');
  if (typeof replicas?.value === 'number' && replicas.value > LIMITS.wasmAgentsPerProcess) {
    out.push({
      start: replicas.start,
      end: replicas.end,
      severity: 'information',
      code: 'replicas-over-process',
      message: `${replicas.value} replicas are more than one process holds (about ${LIMITS.wasmAgentsPerProcess.toLocaleString('en')} wasm agents: V8's limit on wasm memories per process): run them over several processes with \`caxton run --processes ${Math.ceil(replicas.value / LIMITS.wasmAgentsPerProcess)}\`.`,
    });
  }
  const nameNode = child(root, 'name');
  if (nameNode?.type === 'string' && RESERVED_AGENT_NAMES.includes(String(nameNode.value))) {
    out.push({
      start: nameNode.start,
      end: nameNode.end,
      severity: 'error',
      code: 'reserved-agent-name',
      message: `'${String(nameNode.value)}' is reserved (${RESERVED_AGENT_NAMES.join(', ')}: the runtime and the outside parties people speak as); an agent with it would receive replies meant for someone else: rename the agent.`,
    });
  }
  if (nameNode?.type === 'string' && ctx.agents) {
    const others = ctx.agents.findAgent(String(nameNode.value)).filter((d) => d.uri !== ctx.uri);
    if (others.length) {
      out.push({
        start: nameNode.start,
        end: nameNode.end,
        severity: 'error',
        code: 'duplicate-agent',
        message: `Another manifest (${others[0].uri}) already declares agent '${String(nameNode.value)}': agent names must be unique; rename one.`,
      });
    }
  }
  return out;
}

function memoryBytes(node: DocNode | undefined): number | undefined {
  return node ? sizeToBytes(node.value) : undefined;
}
