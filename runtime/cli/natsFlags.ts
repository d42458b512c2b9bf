/** The NATS options shared by `caxton node`, `send --nats` and `run --nats`: parsed, checked, and the help lines. */
import { parseDuration } from '../../schemas/limits';
import type { NatsSessionOptions } from '../node/session/session';
import { nodeNameProblem } from '../transport/nats/directoryState';
import { checkPrefix } from '../transport/nats/subjects';
import { flag, type ParsedArgs } from './args';
import { UsageError } from './command';

/** The value flags the NATS options use (for parseArgs). */
export const NATS_VALUE_FLAGS = ['nats', 'nats-creds', 'name', 'cluster', 'heartbeat'];

/** Help lines for the NATS options. */
export const NATS_HELP = `  --nats <url>           the NATS server: nats://host:4222, nats://user:password@host:4222 or nats://token@host
                         (several: comma-separated; default CAXTON_NATS_URL); credentials also from
                         CAXTON_NATS_USER/CAXTON_NATS_PASSWORD, CAXTON_NATS_TOKEN or a creds file, never printed
  --nats-creds <file>    a NATS .creds file (NKey/JWT accounts; or CAXTON_NATS_CREDS)
  --name <node>          this node's name in the cluster (default <host>-<pid>); unique per process
  --cluster <prefix>     the cluster's subject prefix (default caxton); nodes of one run share it
  --heartbeat <duration> how often this node says it is alive (default 1s); a node silent for 3 heartbeats
                         + 0.5 s is declared lost (its agents' messages are dead-lettered with node_lost)`;

/** The session's NATS options from the flags, or undefined when neither --nats nor CAXTON_NATS_URL is given (unless `required`). */
export function natsOptions(
  args: ParsedArgs,
  command: string,
  log: (line: string) => void,
  required = false,
): NatsSessionOptions | undefined {
  const url = flag(args, 'nats');
  const fromEnv = process.env.CAXTON_NATS_URL;
  if (url === undefined && fromEnv === undefined) {
    if (required) throw new UsageError(`caxton ${command}: give the NATS server with --nats nats://host:4222 (or set CAXTON_NATS_URL)`);
    for (const f of NATS_VALUE_FLAGS)
      if (f !== 'nats' && flag(args, f) !== undefined) throw new UsageError(`caxton ${command}: --${f} needs --nats <url>`);
    return undefined;
  }
  const node = flag(args, 'name');
  const nodeProblem = node === undefined ? undefined : nodeNameProblem(node);
  if (nodeProblem) throw new UsageError(`caxton ${command}: --name: ${nodeProblem}`);
  const prefix = flag(args, 'cluster');
  const prefixProblem = prefix === undefined ? undefined : checkPrefix(prefix);
  if (prefixProblem) throw new UsageError(`caxton ${command}: --cluster: ${prefixProblem}`);
  let heartbeatMs: number | undefined;
  const beat = flag(args, 'heartbeat');
  if (beat !== undefined) {
    try {
      heartbeatMs = parseDuration(beat, '--heartbeat');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (heartbeatMs < 10) throw new UsageError('--heartbeat must be at least 10ms, e.g. --heartbeat 1s');
  }
  return { url, credsFile: flag(args, 'nats-creds'), node, prefix, log, heartbeatMs };
}
