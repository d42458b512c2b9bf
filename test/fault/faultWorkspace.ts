/** A throwaway workspace of real agents for the fault suites: the calculator example plus security/fault WATs. */
import * as fs from 'node:fs';
import type { FipaMessage, TraceEvent } from '../../schemas';
import { buildExampleAgent } from '../support/fixtures';
import { securityWasm, tempDir, writeFiles } from '../security/securityFixtures';

export interface FaultAgent {
  name: string;
  wat: string;
  manifest?: string;
}

/** Write a workspace with the calculator and the given WAT agents (each with extra manifest lines); returns its folder. */
export async function faultWorkspace(prefix: string, agents: readonly FaultAgent[], extra: Record<string, string> = {}): Promise<string> {
  const dir = tempDir(prefix);
  const calc = await buildExampleAgent('calculator', 'calculator');
  const files: Record<string, string | Uint8Array> = {
    'agents/calculator.wasm': calc.wasm,
    'agents/calculator.agent.yaml': fs.readFileSync(calc.manifestPath, 'utf8').replace(/^module:.*$/m, 'module: calculator.wasm'),
    ...extra,
  };
  for (const a of agents) {
    files[`agents/${a.name}.wasm`] = await securityWasm(a.wat);
    files[`agents/${a.name}.agent.yaml`] = `name: ${a.name}\nmodule: ${a.name}.wasm\n${a.manifest ?? ''}`;
  }
  writeFiles(dir, files);
  return dir;
}

/** The calculator request x + y from `sender`. */
export function calcRequest(x: number, y: number, id: string): FipaMessage {
  return {
    performative: 'request',
    sender: 'tester',
    receiver: 'calculator',
    protocol: 'fipa-request',
    conversation_id: id,
    reply_with: id,
    content: { action: 'calculate', x, y },
  };
}

/** p50, p95 and max of a list of numbers (ms), formatted. */
export function percentiles(xs: readonly number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${(s[s.length - 1] ?? NaN).toFixed(1)} ms (n=${s.length})`;
}

/**
 * Delivery accounting over a trace: every (message, receiver) pair a message_sent announced must end in a
 * message_delivered or a message_dropped, or still be queued. Returns the pairs still open.
 */
export function openPairs(events: readonly TraceEvent[]): { sent: number; delivered: number; dropped: number; open: string[] } {
  const pending = new Set<string>();
  let sent = 0,
    delivered = 0,
    dropped = 0;
  for (const e of events) {
    if (e.type === 'message_sent')
      for (const to of e.to) {
        pending.add(`${e.id}->${to}`);
        sent++;
      }
    else if (e.type === 'message_delivered') {
      if (pending.delete(`${e.id}->${e.to}`)) delivered++;
    } else if (e.type === 'message_dropped' && e.id && e.to) {
      if (pending.delete(`${e.id}->${e.to}`)) dropped++;
    }
  }
  return { sent, delivered, dropped, open: [...pending] };
}
